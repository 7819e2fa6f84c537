//! The [`Mail`] port over an SMTP relay, for the China regions (cn-north-1, cn-northwest-1), where
//! SES does not exist: one SMTP transaction per email, over TLS, on `lettre`.
//!
//! The relay is one URL (`SMTP_URL`, lettre's connection URL): `smtps://user:pass@host:465` (TLS
//! from the start) or `smtp://user:pass@host:587?tls=required` (STARTTLS required). Plain
//! `smtp://` is accepted only for a loopback host (the tests' local server). Reply codes decide the
//! failure kind (RFC 5321 §4.2.1): 5xx is [`MailError::Permanent`], 4xx and a lost connection
//! [`MailError::Transient`].

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use award_ports::{Email, Mail, MailError};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use ulid::Ulid;

/// How long one SMTP command may take: well inside `notify`'s 60 s Lambda timeout, so a stalled
/// relay is a transient failure recorded on the notice, not a killed invocation.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

pub struct SmtpMail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for SmtpMail {
    // The transport holds the relay's credentials: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMail").finish_non_exhaustive()
    }
}

/// Whether `url` may go without TLS: only to this machine.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // `smtp` is not a scheme the URL standard knows, so its host stays an opaque string.
        Some(url::Host::Domain(name)) => {
            name == "localhost"
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

impl SmtpMail {
    /// The relay at `url` (see the module docs). `MailError::Invalid` for a URL lettre cannot
    /// read, and for plain `smtp://` (or `tls=opportunistic`) to a host that is not loopback:
    /// credentials and applicants' data never cross a network unencrypted. The message never
    /// contains the URL, which holds the password.
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        let parsed = url::Url::parse(url)
            .map_err(|error| MailError::Invalid(format!("SMTP_URL is not a URL: {error}")))?;
        let tls = parsed
            .query_pairs()
            .find(|(name, _)| name == "tls")
            .map(|(_, value)| value.into_owned());
        let encrypted = match (parsed.scheme(), tls.as_deref()) {
            ("smtps", _) | ("smtp", Some("required")) => true,
            ("smtp", _) => false,
            (other, _) => {
                return Err(MailError::Invalid(format!(
                    "SMTP_URL scheme must be smtps or smtp, not {other:?}"
                )));
            }
        };
        if !encrypted && !is_loopback(&parsed) {
            return Err(MailError::Invalid(
                "SMTP_URL must use TLS (smtps:// or smtp://…?tls=required) to a remote relay"
                    .into(),
            ));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| MailError::Invalid(format!("SMTP_URL: {error}")))?
            .timeout(Some(COMMAND_TIMEOUT))
            .build();
        Ok(Self { transport })
    }
}

fn address(text: &str, role: &str) -> Result<Address, MailError> {
    Address::from_str(text.trim())
        .map_err(|error| MailError::Invalid(format!("{role} address {text:?}: {error}")))
}

/// The port's failure for a relay's answer: 5xx for good, anything else worth another try.
fn classify(error: lettre::transport::smtp::Error) -> MailError {
    if error.is_permanent() {
        MailError::Permanent(error.to_string())
    } else {
        MailError::Transient(error.to_string())
    }
}

#[async_trait]
impl Mail for SmtpMail {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if email.to.is_empty() {
            return Err(MailError::Invalid(
                "an email needs at least one recipient".into(),
            ));
        }
        let from = address(&email.from, "sender")?;
        let name = email
            .from_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        let message_id = format!("{}@{}", Ulid::new(), from.domain());
        // lettre encodes the display name and the subject per RFC 2047.
        let mut builder = Message::builder()
            .message_id(Some(format!("<{message_id}>")))
            .date(email.sent_at.into())
            .from(Mailbox::new(name, from))
            .subject(email.subject.clone());
        for recipient in &email.to {
            builder = builder.to(Mailbox::new(None, address(recipient, "recipient")?));
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|error| MailError::Invalid(error.to_string()))?;
        self.transport.send(message).await.map_err(classify)?;
        Ok(message_id)
    }
}
