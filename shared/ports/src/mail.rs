//! The Mail port: one UTF-8 email, with a plain-text and an HTML part.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The sender's bare address (`award@example.gov.cn`), ASCII.
    pub from: String,
    /// The sender's display name, in any script (`武威市质量奖评审办公室`). Each adapter puts it in
    /// the `From` header encoded per RFC 2047, so a Chinese name survives every hop.
    pub from_name: Option<String>,
    /// Bare ASCII addresses (internationalised domains already in punycode).
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// When the system sends it (UTC instant, the caller's clock): the `Date` header where the
    /// adapter writes the message itself (embedded, SMTP). SES stamps its own on receipt.
    pub sent_at: DateTime<Utc>,
}

/// Why an email was not sent. The outbox acts on the variant: a [`Permanent`](Self::Permanent)
/// or [`Invalid`](Self::Invalid) failure will fail again however often it is retried, so the
/// notice is given up at once; a [`Transient`](Self::Transient) one is retried after a back-off.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The email itself is malformed (no recipient, an unparseable address); nothing was sent.
    #[error("invalid email: {0}")]
    Invalid(String),
    /// The backend refused this email for good: SES `MessageRejected`,
    /// `MailFromDomainNotVerified`; an SMTP 5xx reply (RFC 5321 §4.2.1).
    #[error("mail refused permanently: {0}")]
    Permanent(String),
    /// The backend could not take it now: throttling, a 5xx of the SES API, a network error,
    /// an SMTP 4xx reply. Worth retrying later.
    #[error("mail failed transiently: {0}")]
    Transient(String),
    /// No answer came back after the email was handed over (a timeout, a broken connection, a
    /// 5xx): the backend may have accepted it. SES has no idempotency key, so sending again may
    /// deliver a second copy; the outbox counts such a resend instead of hiding it.
    #[error("mail sent without confirmation: {0}")]
    Unconfirmed(String),
}

impl MailError {
    /// Whether retrying the same email can succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_) | Self::Unconfirmed(_))
    }
}

#[async_trait]
pub trait Mail: Send + Sync {
    /// Sends one email; returns the backend's message id.
    async fn send(&self, email: &Email) -> Result<String, MailError>;
}
