//! The Mail port on SES: one `SendEmail` with a UTF-8 subject and UTF-8 text and HTML bodies.

use async_trait::async_trait;
use award_ports::{Email, Mail, MailError};
use aws_sdk_ses::error::ProvideErrorMetadata;
use aws_sdk_ses::types::{Body, Content, Destination, Message};

use crate::{SetupError, full_message};

/// SES needs the charset named explicitly; without it a Chinese subject arrives mangled.
const CHARSET: &str = "UTF-8";

/// SES error codes that say this email will never be accepted, however often it is retried
/// (SES API reference, `SendEmail`, "Errors"): a rejected message or address, an unverified
/// sender or MAIL FROM domain, a configuration set that does not exist. Everything else —
/// throttling, a 5xx, a timeout, a paused account — may pass later.
const PERMANENT_CODES: [&str; 4] = [
    "MessageRejected",
    "MailFromDomainNotVerifiedException",
    "ConfigurationSetDoesNotExist",
    "InvalidParameterValue",
];

/// The port's failure for an SES error `code` (`None`: no answer from SES at all).
pub fn classify(code: Option<&str>, message: String) -> MailError {
    match code {
        Some(code) if PERMANENT_CODES.contains(&code) => MailError::Permanent(message),
        _ => MailError::Transient(message),
    }
}

/// `SendEmail`'s `Source`: the bare address, or `=?utf-8?b?…?= <address>` when there is a display
/// name. SES takes only 7-bit ASCII there and asks for RFC 2047 encoded-words for anything else
/// (SES API reference, `SendEmail`, `Source`); a long name becomes several words joined by a space,
/// never folded across lines.
pub fn source(address: &str, display_name: Option<&str>) -> Result<String, MailError> {
    let Some(name) = display_name.map(str::trim).filter(|name| !name.is_empty()) else {
        return Ok(address.to_owned());
    };
    let mut encoded = String::new();
    {
        let mut writer =
            email_encoding::headers::writer::EmailWriter::new(&mut encoded, 0, 0, false);
        email_encoding::headers::rfc2047::encode(name, &mut writer)
            .map_err(|_| MailError::Invalid(format!("display name {name:?}")))?;
    }
    Ok(format!("{} <{address}>", encoded.replace("\r\n", "")))
}

#[derive(Debug, Clone)]
pub struct SesMail {
    client: aws_sdk_ses::Client,
}

impl SesMail {
    pub fn new(client: aws_sdk_ses::Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl Mail for SesMail {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if email.to.is_empty() {
            return Err(MailError::Invalid(
                "an email needs at least one recipient".into(),
            ));
        }
        let content = |data: &str| {
            Content::builder()
                .data(data)
                .charset(CHARSET)
                .build()
                .map_err(|error| MailError::Invalid(full_message(&error)))
        };
        let message = Message::builder()
            .subject(content(&email.subject)?)
            .body(
                Body::builder()
                    .text(content(&email.text)?)
                    .html(content(&email.html)?)
                    .build(),
            )
            .build();
        let output = self
            .client
            .send_email()
            .source(source(&email.from, email.from_name.as_deref())?)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(email.to.clone()))
                    .build(),
            )
            .message(message)
            .send()
            .await
            .map_err(|error| {
                let message = full_message(&error);
                match &error {
                    // SendEmail left this function and nothing came back, or SES failed after it:
                    // SES may hold the message. The client makes one attempt only (`ses_client`),
                    // so no SDK retry sends it twice; the outbox decides, and counts.
                    aws_sdk_ses::error::SdkError::TimeoutError(_)
                    | aws_sdk_ses::error::SdkError::DispatchFailure(_)
                    | aws_sdk_ses::error::SdkError::ResponseError(_) => {
                        MailError::Unconfirmed(message)
                    }
                    aws_sdk_ses::error::SdkError::ServiceError(context)
                        if context.raw().status().is_server_error() =>
                    {
                        MailError::Unconfirmed(message)
                    }
                    _ => classify(error.code(), message),
                }
            })?;
        Ok(output.message_id)
    }
}

/// Verifies a sender address (SES, and moto like it, refuses mail from an unverified source). On
/// AWS this only starts the verification: the owner must click the link SES sends.
pub async fn verify_sender(client: &aws_sdk_ses::Client, address: &str) -> Result<(), SetupError> {
    client
        .verify_email_identity()
        .email_address(address)
        .send()
        .await
        .map_err(|error| SetupError::new("VerifyEmailIdentity", error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_are_permanent_and_the_rest_transient() {
        for code in ["MessageRejected", "MailFromDomainNotVerifiedException"] {
            assert!(matches!(
                classify(Some(code), code.into()),
                MailError::Permanent(_)
            ));
        }
        for code in [Some("Throttling"), Some("ServiceUnavailable"), None] {
            assert!(classify(code, String::new()).is_transient(), "{code:?}");
        }
    }

    #[test]
    fn a_chinese_display_name_is_encoded_on_one_line() {
        assert_eq!(
            source("a@example.cn", None).unwrap(),
            "a@example.cn".to_owned()
        );
        let name = "武威市人民政府质量奖评审委员会办公室";
        let source = source("award@example.gov.cn", Some(name)).unwrap();
        assert!(source.is_ascii() && !source.contains('\n'), "{source}");
        assert!(source.ends_with(" <award@example.gov.cn>"));
        let header = format!("From: {source}\r\n\r\n");
        let parsed = mail_parser::MessageParser::default()
            .parse(header.as_bytes())
            .unwrap();
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some(name));
        assert_eq!(from.address(), Some("award@example.gov.cn"));
    }
}
