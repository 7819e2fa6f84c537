//! The embedded [`Mail`]: each email becomes one RFC 5322 `.eml` file in an outbox folder, named
//! by a monotonic ULID so that a directory listing sorts by time. Any mail client opens them.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Mutex;

use async_trait::async_trait;
use award_ports::mail::{Email, Mail, MailError};
use email_address::EmailAddress;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use ulid::{Generator, Ulid};

pub struct EmbeddedMail {
    outbox: PathBuf,
    /// Monotonic within the process, so two emails in one millisecond still sort in send order.
    ids: Mutex<Generator>,
}

/// A local I/O failure (disk full, a poisoned lock): another attempt may succeed.
fn backend(error: impl std::fmt::Display) -> MailError {
    MailError::Transient(error.to_string())
}

/// One mailbox, `addr@example.com` or `Display Name <addr@example.com>`.
fn mailbox(text: &str, role: &str) -> Result<Address<'static>, MailError> {
    let parsed = EmailAddress::from_str(text.trim())
        .map_err(|error| MailError::Invalid(format!("{role} address {text:?}: {error}")))?;
    let display = parsed.display_part().trim();
    let email = parsed.email().to_owned();
    Ok(if display.is_empty() {
        Address::from(email)
    } else {
        Address::from((display.to_owned(), email))
    })
}

impl EmbeddedMail {
    /// Writes into `outbox`, creating it if missing.
    pub fn new(outbox: PathBuf) -> Result<Self, MailError> {
        std::fs::create_dir_all(&outbox).map_err(backend)?;
        Ok(Self {
            outbox,
            ids: Mutex::new(Generator::new()),
        })
    }

    fn next_id(&self) -> Result<Ulid, MailError> {
        let mut ids = self
            .ids
            .lock()
            .map_err(|_| backend("the id generator lock is poisoned"))?;
        ids.generate().map_err(backend)
    }
}

#[async_trait]
impl Mail for EmbeddedMail {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if email.to.is_empty() {
            return Err(MailError::Invalid(
                "an email needs at least one recipient".into(),
            ));
        }
        let from = match (mailbox(&email.from, "sender")?, email.from_name.as_deref()) {
            (Address::Address(address), Some(name)) if !name.trim().is_empty() => {
                Address::from((name.trim().to_owned(), address.email.into_owned()))
            }
            (from, _) => from,
        };
        let to = email
            .to
            .iter()
            .map(|recipient| mailbox(recipient, "recipient"))
            .collect::<Result<Vec<_>, _>>()?;
        let sender_domain = EmailAddress::from_str(email.from.trim())
            .map_err(|error| MailError::Invalid(error.to_string()))?
            .domain()
            .to_owned();

        let id = self.next_id()?;
        let message_id = format!("{id}@{sender_domain}");
        let message = MessageBuilder::new()
            .message_id(message_id.clone())
            .date(email.sent_at.timestamp())
            .from(from)
            .to(Address::new_list(to))
            .subject(email.subject.clone())
            .text_body(email.text.clone())
            .html_body(email.html.clone())
            .write_to_vec()
            .map_err(backend)?;

        let path = self.outbox.join(format!("{id}.eml"));
        tokio::task::spawn_blocking(move || write_new_file(&path, &message))
            .await
            .map_err(backend)?
            .map_err(backend)?;
        Ok(message_id)
    }
}

/// Writes through a hidden temporary file, so an outbox reader never sees half an email, and
/// never replaces an existing one.
fn write_new_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no outbox folder"))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".sending-")
        .tempfile_in(folder)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(path).map_err(|error| error.error)?;
    Ok(())
}
