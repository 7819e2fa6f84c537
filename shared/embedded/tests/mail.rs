//! The Mail contract against the `.eml` outbox, and the files read back by a MIME parser.

use award_embedded::EmbeddedMail;
use award_ports::contract::mail_contract;
use award_ports::mail::{Email, Mail, MailError};
use mail_parser::MessageParser;

fn outbox_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("outbox")
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn email() -> Email {
    Email {
        from: "award-office@example.com".into(),
        from_name: Some("武威市质量奖评审办公室".into()),
        to: vec![
            "applicant@example.com".into(),
            "王经理 <manager@example.org>".into(),
        ],
        subject: "武威市人民政府质量奖：申请已受理（编号 2026-001）".into(),
        text: "您好：\n\n贵单位的申请已受理。\n".into(),
        html: "<p>您好：</p><p>贵单位的申请<strong>已受理</strong>。</p>".into(),
        sent_at: "2026-03-10T08:00:00Z".parse().expect("an RFC 3339 instant"),
    }
}

#[tokio::test]
async fn embedded_mail_passes_the_mail_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outbox = dir.path().join("outbox");
    mail_contract(&EmbeddedMail::new(outbox.clone()).expect("outbox")).await;
    assert_eq!(
        outbox_files(&outbox).len(),
        2,
        "one file per sent email, none for the refused one"
    );
}

#[tokio::test]
async fn each_email_is_a_standard_eml_file_that_parses_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mail = EmbeddedMail::new(dir.path().to_path_buf()).expect("outbox");
    let sent = email();
    let id = mail.send(&sent).await.expect("send");

    let files = outbox_files(dir.path());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&files[0]).expect("read");
    let raw_text = String::from_utf8(raw.clone()).expect("the file is ASCII/UTF-8");
    assert!(raw_text.contains("\r\n"), "RFC 5322 lines end with CRLF");
    let subject_line = raw_text
        .lines()
        .find(|line| line.starts_with("Subject:"))
        .expect("a Subject header");
    assert!(
        subject_line.is_ascii(),
        "the subject header is encoded (RFC 2047): {subject_line}"
    );
    assert!(
        subject_line.to_ascii_lowercase().contains("=?utf-8?"),
        "{subject_line}"
    );

    let message = MessageParser::default()
        .parse(&raw)
        .expect("a parsable message");
    assert_eq!(
        message.subject(),
        Some(sent.subject.as_str()),
        "the subject decodes back"
    );
    assert_eq!(
        message.message_id(),
        Some(id.as_str()),
        "send returns the Message-ID"
    );
    let from = message.from().and_then(|from| from.first()).expect("From");
    assert_eq!(from.address(), Some("award-office@example.com"));
    assert_eq!(from.name(), Some("武威市质量奖评审办公室"));
    let to: Vec<_> = message
        .to()
        .and_then(|to| to.as_list())
        .expect("To")
        .iter()
        .map(|address| address.address().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(to, ["applicant@example.com", "manager@example.org"]);
    // The sender's clock, not the machine's (the local runner's clock may be moved).
    assert_eq!(
        message.date().map(|date| date.to_timestamp()),
        Some(email().sent_at.timestamp()),
        "the Date header"
    );
    let content_type = message
        .header_raw("Content-Type")
        .expect("Content-Type")
        .to_ascii_lowercase();
    assert!(
        content_type.contains("multipart/alternative"),
        "{content_type}"
    );
    assert_eq!(
        message.body_text(0).as_deref().map(str::trim_end),
        Some(sent.text.trim_end())
    );
    assert_eq!(message.body_html(0).as_deref(), Some(sent.html.as_str()));
}

#[tokio::test]
async fn outbox_files_sort_in_sending_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mail = EmbeddedMail::new(dir.path().to_path_buf()).expect("outbox");
    let mut ids = Vec::new();
    for i in 0..5 {
        let numbered = Email {
            subject: format!("第 {i} 封"),
            ..email()
        };
        ids.push(mail.send(&numbered).await.expect("send"));
    }
    let ids_in_file_order: Vec<String> = outbox_files(dir.path())
        .iter()
        .map(|path| {
            let raw = std::fs::read(path).expect("read");
            let message = MessageParser::default().parse(&raw).expect("parse");
            message.message_id().expect("id").to_owned()
        })
        .collect();
    assert_eq!(ids_in_file_order, ids);
}

#[tokio::test]
async fn bad_addresses_are_invalid_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mail = EmbeddedMail::new(dir.path().to_path_buf()).expect("outbox");
    let cases = [
        Email {
            to: vec!["not-an-address".into()],
            ..email()
        },
        Email {
            to: vec!["applicant@example.com".into(), "two@@example.com".into()],
            ..email()
        },
        Email {
            from: "nobody".into(),
            ..email()
        },
        Email {
            to: vec!["victim@example.com\r\nBcc: spy@example.com".into()],
            ..email()
        },
    ];
    for case in cases {
        let result = mail.send(&case).await;
        assert!(
            matches!(result, Err(MailError::Invalid(_))),
            "{case:?} gave {result:?}"
        );
    }
    assert!(outbox_files(dir.path()).is_empty());
}
