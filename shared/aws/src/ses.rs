//! The Mail port on SES: one `SendEmail` with a UTF-8 subject and UTF-8 text and HTML bodies.

use async_trait::async_trait;
use award_ports::{Email, Mail, MailError};
use aws_sdk_ses::types::{Body, Content, Destination, Message};

use crate::{SetupError, full_message};

/// SES needs the charset named explicitly; without it a Chinese subject arrives mangled.
const CHARSET: &str = "UTF-8";

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
            .source(&email.from)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(email.to.clone()))
                    .build(),
            )
            .message(message)
            .send()
            .await
            .map_err(|error| MailError::Backend(full_message(&error)))?;
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
