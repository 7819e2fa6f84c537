//! The Mail port: one UTF-8 email, with a plain-text and an HTML part.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid email: {0}")]
    Invalid(String),
    #[error("mail backend error: {0}")]
    Backend(String),
}

#[async_trait]
pub trait Mail: Send + Sync {
    /// Sends one email; returns the backend's message id.
    async fn send(&self, email: &Email) -> Result<String, MailError>;
}
