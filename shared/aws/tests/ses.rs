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
        from_name: Some("武威市质量奖评审委员会办公室".to_owned()),
        to: vec![to.clone()],
        subject: "武威市人民政府质量奖：申报已受理".to_owned(),
        text: "您的申报已受理。".to_owned(),
        html: "<p>您的申报<strong>已受理</strong>。</p>".to_owned(),
        sent_at: chrono::Utc::now(),
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
    // SES takes the display name only as RFC 2047 encoded-words: what it recorded decodes back.
    let source = recorded["source"].as_str().expect("source");
    assert!(source.is_ascii(), "{source}");
    let header = format!("From: {source}\r\n\r\n");
    let parsed = mail_parser::MessageParser::default()
        .parse(header.as_bytes())
        .expect("a From header");
    let sender = parsed.from().and_then(|from| from.first()).expect("sender");
    assert_eq!(sender.name(), Some("武威市质量奖评审委员会办公室"));
    assert_eq!(sender.address(), Some(from.as_str()));
    assert_eq!(recorded["subject"], email.subject.as_str());
    // moto keeps one body: the HTML part when there is one.
    assert_eq!(recorded["body"], email.html.as_str());
    assert_eq!(
        recorded["destinations"]["ToAddresses"],
        serde_json::json!([to])
    );
}

#[tokio::test]
async fn an_unverified_sender_is_a_permanent_failure() {
    let moto = Moto::connect().await;
    let email = Email {
        from: format!("{}@example.com", unique_name("unverified")),
        from_name: None,
        to: vec!["applicant@example.com".to_owned()],
        subject: "主题".to_owned(),
        text: "正文".to_owned(),
        html: "<p>正文</p>".to_owned(),
        sent_at: chrono::Utc::now(),
    };
    match award_aws::SesMail::new(moto.ses.clone()).send(&email).await {
        // SES answers MessageRejected: retrying the same email cannot help.
        Err(award_ports::MailError::Permanent(message)) => {
            assert!(
                message.contains("MessageRejected"),
                "the message names the cause: {message}"
            )
        }
        other => panic!("expected a Permanent error, got {other:?}"),
    }
}
