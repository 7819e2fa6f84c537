//! The SMTP adapter against a real SMTP server (aiosmtpd, started by scripts/test.sh): the Mail
//! contract, then what the server received read back, and the relay's refusals classified.

use std::path::PathBuf;

use award_ports::contract::{CONTRACT_MAIL_FROM, CONTRACT_MAIL_FROM_NAME, mail_contract};
use award_ports::{Email, Mail, MailError};
use award_smtp::SmtpMail;
use mail_parser::MessageParser;
use serde_json::Value;

/// The local server's URL and the folder it keeps messages in. A missing server is a failure,
/// never a silent skip.
fn server() -> (String, PathBuf) {
    let var = |name: &str| match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value,
        _ => panic!(
            "{name} is not set: the award-smtp tests need the local SMTP server. Run them with \
             `make test`, or one command under it: `scripts/test.sh cargo test -p award-smtp`"
        ),
    };
    (var("SMTP_URL"), PathBuf::from(var("SMTP_SINK_DIR")))
}

/// What the server received for the message whose `Message-ID` is `id`: the raw message and its
/// envelope. The server writes a message's files before it answers 250, so they are there.
fn received(sink: &std::path::Path, id: &str) -> (Vec<u8>, Value) {
    for entry in std::fs::read_dir(sink).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "eml") {
            let raw = std::fs::read(&path).unwrap();
            let message = MessageParser::default().parse(&raw).unwrap();
            if message.message_id() == Some(id) {
                let envelope = std::fs::read(path.with_extension("json")).unwrap();
                return (raw, serde_json::from_slice(&envelope).unwrap());
            }
        }
    }
    panic!("message {id} not received in {}", sink.display());
}

fn email(to: &str) -> Email {
    Email {
        from: CONTRACT_MAIL_FROM.into(),
        from_name: Some(CONTRACT_MAIL_FROM_NAME.into()),
        to: vec![to.into()],
        subject: "武威市人民政府质量奖：申报已受理（编号 2026-001）".into(),
        text: "您好：\n\n贵单位的申报已受理。\n".into(),
        html: "<p>您好：</p><p>贵单位的申报<strong>已受理</strong>。</p>".into(),
        sent_at: "2026-03-10T08:00:00Z".parse().expect("an RFC 3339 instant"),
    }
}

#[tokio::test]
async fn smtp_mail_passes_the_mail_contract() {
    let (url, _) = server();
    mail_contract(&SmtpMail::from_url(&url).unwrap()).await;
}

#[tokio::test]
async fn the_server_receives_the_chinese_email_with_an_encoded_sender_name() {
    let (url, sink) = server();
    let sent = email("applicant@example.cn");
    let id = SmtpMail::from_url(&url).unwrap().send(&sent).await.unwrap();

    let (raw, envelope) = received(&sink, &id);
    assert_eq!(envelope["mail_from"], CONTRACT_MAIL_FROM);
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["applicant@example.cn"])
    );
    let headers_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(
        raw[..headers_end].is_ascii(),
        "headers are 7-bit: the name and subject travel as RFC 2047 encoded-words"
    );
    let message = MessageParser::default().parse(&raw).unwrap();
    let from = message.from().and_then(|from| from.first()).unwrap();
    assert_eq!(from.name(), Some(CONTRACT_MAIL_FROM_NAME));
    assert_eq!(from.address(), Some(CONTRACT_MAIL_FROM));
    assert_eq!(message.subject(), Some(sent.subject.as_str()));
    // On the wire text lines end in CRLF (RFC 5322 §2.3).
    assert_eq!(
        message
            .body_text(0)
            .map(|text| text.replace("\r\n", "\n").trim_end().to_owned()),
        Some(sent.text.trim_end().to_owned())
    );
    assert_eq!(message.body_html(0).as_deref(), Some(sent.html.as_str()));
    assert_eq!(
        message.date().map(|date| date.to_timestamp()),
        Some(sent.sent_at.timestamp()),
        "the Date header is the sender's instant"
    );
}

#[tokio::test]
async fn a_5xx_refusal_is_permanent_and_a_4xx_transient() {
    let (url, _) = server();
    let mail = SmtpMail::from_url(&url).unwrap();
    match mail.send(&email("reject-permanent@example.cn")).await {
        Err(MailError::Permanent(message)) => assert!(message.contains("550"), "{message}"),
        other => panic!("550 must be Permanent, got {other:?}"),
    }
    match mail.send(&email("reject-transient@example.cn")).await {
        Err(MailError::Transient(message)) => assert!(message.contains("451"), "{message}"),
        other => panic!("451 must be Transient, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_relay_is_transient() {
    // Port 9 (discard) on loopback: nothing listens there on a test machine.
    let mail = SmtpMail::from_url("smtp://127.0.0.1:9").unwrap();
    let result = mail.send(&email("applicant@example.cn")).await;
    assert!(matches!(result, Err(MailError::Transient(_))), "{result:?}");
}

#[test]
fn a_remote_relay_needs_tls_and_the_url_never_leaks_the_password() {
    for plain in [
        "smtp://user:secret@smtp.example.cn:587",
        "smtp://user:secret@smtp.example.cn:587?tls=opportunistic",
    ] {
        match SmtpMail::from_url(plain) {
            Err(MailError::Invalid(message)) => {
                assert!(!message.contains("secret"), "{message}")
            }
            other => panic!("{plain} must be refused, got {other:?}"),
        }
    }
    assert!(SmtpMail::from_url("smtps://user:secret@smtp.example.cn:465").is_ok());
    assert!(SmtpMail::from_url("smtp://user:secret@smtp.example.cn:587?tls=required").is_ok());
    assert!(matches!(
        SmtpMail::from_url("http://smtp.example.cn"),
        Err(MailError::Invalid(_))
    ));
}
