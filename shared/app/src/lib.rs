//! The award's use cases, shared by the Lambda functions and the local runner.
//!
//! Every use case loads what it needs through the ports, decides, and saves in ONE
//! [`Table::transact`] that also writes the notices owed (transactional outbox) and an audit record.
//! [`http::handle`] is the HTTP API over `lambda_http` types; [`events`] holds the S3, stream and
//! scheduled handlers. The single-table key mapping is [`keys`]. Time is always passed in.

use std::sync::Arc;
use std::time::Duration;

use award_ports::blobs::{MAX_DOWNLOAD_TTL, MAX_UPLOAD_TTL};
use award_ports::{Blobs, Mail, Table};

// The layers, lowest first (docs/ARCHITECTURE.md; `tests/layers.rs` keeps them): a module
// names only its own layer and those below it, and a stage names no other stage.

// The kernel: errors, keys, storage, records, identity, validation, templates, the audit
// record, links, what a route is made of, how a batch of stream records is handled, and which
// days a daily run reads.
pub mod api;
pub mod audit;
pub mod batch;
pub mod daily;
pub mod error;
pub mod export;
pub mod identity;
pub mod keys;
pub mod model;
pub mod pages;
pub mod projection;
pub mod store;
pub mod templates;
pub mod validation;

// The reads several stages share.
pub mod reads;

// The outbox: the notices owed and who receives them.
pub mod notices;
pub mod recipients;

// The stage path: from a domain decision to one transaction.
pub mod stage;

// The stages, one folder each.
pub mod stages;

// The event entry points and the HTTP surface.
pub mod events;
pub mod http;
pub mod routes;

pub use error::{AppError, ErrorBody};
pub use events::EventReport;
pub use identity::{Actor, Caller, Role};

/// Settings of the use cases (the adapters carry their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// The sender of every notice (an SES-verified identity on AWS).
    pub mail_from: String,
    /// The sender's display name (`MAIL_FROM_NAME`, e.g. `武威市质量奖评审委员会办公室`); the mail
    /// adapters encode it per RFC 2047.
    pub mail_from_name: Option<String>,
    /// The largest evidence file accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Lifetime of an upload link (at most 15 minutes).
    pub upload_ttl: Duration,
    /// Lifetime of a download link (at most 5 minutes).
    pub download_ttl: Duration,
    /// The most evidence documents one application may declare.
    pub max_documents: usize,
    /// The mailboxes of the bodies that receive notices (Arts. 7, 9, 13).
    pub mailboxes: Mailboxes,
    /// Where people open the pages, e.g. `https://award.wuwei.gov.cn` (links in emails).
    pub public_base_url: String,
}

/// The mailboxes of the Committee Office (Art. 9), the Review Committee (Art. 7) and the city
/// finance bureau (Art. 13): `OFFICE_MAILBOX`, `COMMITTEE_MAILBOX`, `FINANCE_MAILBOX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailboxes {
    pub office: String,
    pub committee: String,
    pub finance: String,
}

/// `MAX_DOCUMENTS` when unset.
pub const DEFAULT_MAX_DOCUMENTS: usize = 30;

/// `MAX_UPLOAD_BYTES` when unset.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

impl AppConfig {
    /// The defaults: 50 MiB uploads, 30 documents, the longest link lifetimes the ports allow.
    pub fn new(mail_from: impl Into<String>, mailboxes: Mailboxes, public_base_url: &str) -> Self {
        Self {
            mail_from: mail_from.into(),
            mail_from_name: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            upload_ttl: MAX_UPLOAD_TTL,
            download_ttl: MAX_DOWNLOAD_TTL,
            max_documents: DEFAULT_MAX_DOCUMENTS,
            mailboxes,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Reads `MAIL_FROM`, `OFFICE_MAILBOX`, `COMMITTEE_MAILBOX`, `FINANCE_MAILBOX`,
    /// `PUBLIC_BASE_URL` (required) and `MAIL_FROM_NAME`, `MAX_UPLOAD_BYTES`, `MAX_DOCUMENTS`
    /// (optional) through `lookup` (`std::env::var` in the functions), and checks the result.
    ///
    /// Also loads the official holiday calendar, so that a holiday file that does not parse
    /// stops start-up with an error naming the file and the year (never an empty calendar).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        award_domain::calendar::WorkingCalendar::official()
            .map_err(|error| AppError::config(error.to_string()))?;
        let mail_from = required(&lookup, "MAIL_FROM")?;
        let mailboxes = Mailboxes {
            office: required(&lookup, "OFFICE_MAILBOX")?,
            committee: required(&lookup, "COMMITTEE_MAILBOX")?,
            finance: required(&lookup, "FINANCE_MAILBOX")?,
        };
        let base = required(&lookup, "PUBLIC_BASE_URL")?;
        let mut config = Self::new(mail_from, mailboxes, &base);
        if let Some(max) = lookup("MAX_DOCUMENTS") {
            config.max_documents = max.trim().parse().map_err(|_| {
                AppError::config(format!("MAX_DOCUMENTS must be a count, got {max:?}"))
            })?;
        }
        config.mail_from_name = lookup("MAIL_FROM_NAME").filter(|name| !name.trim().is_empty());
        if let Some(max) = lookup("MAX_UPLOAD_BYTES") {
            config.max_upload_bytes = max.trim().parse().map_err(|_| {
                AppError::config(format!(
                    "MAX_UPLOAD_BYTES must be a byte count, got {max:?}"
                ))
            })?;
        }
        config.check()?;
        Ok(config)
    }

    /// Rejects settings the rules do not allow.
    pub fn check(&self) -> Result<(), AppError> {
        validation::email(&self.mail_from).map_err(|_| {
            AppError::config(format!("MAIL_FROM {:?} is not an address", self.mail_from))
        })?;
        if let Some(name) = &self.mail_from_name
            && validation::name("MAIL_FROM_NAME", name, || {
                AppError::config("MAIL_FROM_NAME")
            })
            .ok()
            .as_deref()
                != Some(name.as_str())
        {
            return Err(AppError::config(format!(
                "MAIL_FROM_NAME {name:?} must be one trimmed line of at most 200 characters"
            )));
        }

        for (name, address) in [
            ("OFFICE_MAILBOX", &self.mailboxes.office),
            ("COMMITTEE_MAILBOX", &self.mailboxes.committee),
            ("FINANCE_MAILBOX", &self.mailboxes.finance),
        ] {
            validation::email(address)
                .map_err(|_| AppError::config(format!("{name} {address:?} is not an address")))?;
        }
        if !(self.public_base_url.starts_with("https://")
            || self.public_base_url.starts_with("http://127.0.0.1")
            || self.public_base_url.starts_with("http://localhost"))
        {
            return Err(AppError::config(
                "PUBLIC_BASE_URL must be an https URL (or http on loopback)",
            ));
        }
        if self.max_documents == 0 {
            return Err(AppError::config("MAX_DOCUMENTS must be at least 1"));
        }
        if self.max_upload_bytes == 0 {
            return Err(AppError::config("MAX_UPLOAD_BYTES must be at least 1"));
        }
        if self.upload_ttl.is_zero() || self.upload_ttl > MAX_UPLOAD_TTL {
            return Err(AppError::config("upload links live 1 s to 15 min"));
        }
        if self.download_ttl.is_zero() || self.download_ttl > MAX_DOWNLOAD_TTL {
            return Err(AppError::config("download links live 1 s to 5 min"));
        }
        Ok(())
    }
}

/// A required setting from `lookup`, or a `Config` error naming it.
pub fn required(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Result<String, AppError> {
    lookup(name)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| AppError::config(format!("environment variable {name} is not set")))
}

/// The ports and settings every handler runs over. Built by [`App::new`] only, so that every
/// write goes through [`projection::Projecting`].
#[derive(Clone)]
#[non_exhaustive]
pub struct App {
    pub table: Arc<dyn Table>,
    pub blobs: Arc<dyn Blobs>,
    pub mail: Arc<dyn Mail>,
    pub config: AppConfig,
}

impl App {
    /// The app over these ports; `table` is wrapped in [`projection::Projecting`].
    pub fn new(
        table: Arc<dyn Table>,
        blobs: Arc<dyn Blobs>,
        mail: Arc<dyn Mail>,
        config: AppConfig,
    ) -> Self {
        Self {
            table: Arc::new(projection::Projecting::new(table)),
            blobs,
            mail,
            config,
        }
    }

    /// This app over another table (a test's decorator), wrapped like [`App::new`]'s.
    pub fn with_table(&self, table: Arc<dyn Table>) -> Self {
        Self::new(
            table,
            self.blobs.clone(),
            self.mail.clone(),
            self.config.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn config_from_environment() {
        let base = [
            ("MAIL_FROM", "award@example.cn"),
            ("OFFICE_MAILBOX", "office@example.cn"),
            ("COMMITTEE_MAILBOX", "committee@example.cn"),
            ("FINANCE_MAILBOX", "finance@example.cn"),
            ("PUBLIC_BASE_URL", "https://award.example.cn/"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            AppConfig::from_lookup(lookup(&pairs))
        };
        let config = with(&[("MAX_UPLOAD_BYTES", "1024")]).unwrap();
        assert_eq!(config.max_upload_bytes, 1024);
        assert_eq!(config.upload_ttl, MAX_UPLOAD_TTL);
        assert_eq!(config.public_base_url, "https://award.example.cn");
        assert_eq!(config.mailboxes.finance, "finance@example.cn");

        let missing = AppConfig::from_lookup(lookup(&[])).unwrap_err();
        assert!(missing.to_string().contains("MAIL_FROM"));
        let bad = with(&[("MAX_UPLOAD_BYTES", "lots")]).unwrap_err();
        assert!(bad.to_string().contains("MAX_UPLOAD_BYTES"));
        let bad = with(&[("OFFICE_MAILBOX", "office")]).unwrap_err();
        assert!(bad.to_string().contains("OFFICE_MAILBOX"));
        let no_office = AppConfig::from_lookup(lookup(&base[..1])).unwrap_err();
        assert!(no_office.to_string().contains("OFFICE_MAILBOX"));

        let named = with(&[("MAIL_FROM_NAME", "武威市质量奖评审委员会办公室")]).unwrap();
        assert_eq!(
            named.mail_from_name.as_deref(),
            Some("武威市质量奖评审委员会办公室")
        );
        let header_injection =
            with(&[("MAIL_FROM_NAME", "办公室\r\nBcc: spy@example.cn")]).unwrap_err();
        assert!(header_injection.to_string().contains("MAIL_FROM_NAME"));
    }

    #[test]
    fn link_lifetimes_are_capped() {
        let mut config = AppConfig::new(
            "award@example.cn",
            Mailboxes {
                office: "office@example.cn".into(),
                committee: "committee@example.cn".into(),
                finance: "finance@example.cn".into(),
            },
            "https://award.example.cn",
        );
        assert!(config.check().is_ok());
        config.upload_ttl = Duration::from_secs(16 * 60);
        assert!(config.check().is_err());
        config.upload_ttl = MAX_UPLOAD_TTL;
        config.download_ttl = Duration::from_secs(301);
        assert!(config.check().is_err());
    }
}
