//! SES adapter rules beyond the Mail contract: what SES (moto) actually recorded.

mod common;

use award_ports::{Email, Mail};
use common::{Moto, unique_name};

#[tokio::test]
async fn the_sent_email_is_recorded_with_its_chinese_subject_and_recipient() {
    let moto = Moto::connect().await;
    let from = format!("{}@example.com", unique_name("office"));
    let to = format!("{}@example.com", unique_name("applicant"));
    award_aws::verify_sender(&moto.ses, &from)
        .await
        .expect("verify the sender");
    let email = Email {
        from: from.clone(),
        to: vec![to.clone()],
        subject: "武威市人民政府质量奖：申报已受理".to_owned(),
        text: "您的申报已受理。".to_owned(),
        html: "<p>您的申报<strong>已受理</strong>。</p>".to_owned(),
    };
    let message_id = award_aws::SesMail::new(moto.ses.clone())
        .send(&email)
        .await
        .expect("send");

    let data = moto.recorded_data().await;
    let messages = data["ses"]["Message"]
        .as_array()
        .expect("moto's .ses.Message[]");
    let recorded = messages
        .iter()
        .find(|message| message["id"] == message_id.as_str())
        .unwrap_or_else(|| panic!("message {message_id} not in {messages:?}"));
    assert_eq!(recorded["source"], from.as_str());
    assert_eq!(recorded["subject"], email.subject.as_str());
    // moto keeps one body: the HTML part when there is one.
    assert_eq!(recorded["body"], email.html.as_str());
    assert_eq!(
        recorded["destinations"]["ToAddresses"],
        serde_json::json!([to])
    );
}

#[tokio::test]
async fn an_unverified_sender_is_a_backend_error() {
    let moto = Moto::connect().await;
    let email = Email {
        from: format!("{}@example.com", unique_name("unverified")),
        to: vec!["applicant@example.com".to_owned()],
        subject: "主题".to_owned(),
        text: "正文".to_owned(),
        html: "<p>正文</p>".to_owned(),
    };
    match award_aws::SesMail::new(moto.ses.clone()).send(&email).await {
        Err(award_ports::MailError::Backend(message)) => {
            assert!(
                message.contains("MessageRejected"),
                "the message names the cause: {message}"
            )
        }
        other => panic!("expected a Backend error, got {other:?}"),
    }
}
