//! Contact addresses: notices go only to an address the applicant controls — the account's
//! verified email, or a contact email once a link sent to it was opened (`POST
//! /email-confirmations` with the token from that link; public, the token is the proof).

use std::collections::BTreeMap;

use award_domain::lifecycle::{NoticeKind, Recipient};
use award_ports::{Condition, Write};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::keys;
use crate::model::{Application, EmailConfirmation};
use crate::notices;
use crate::pages;
use crate::reads::applications::load_application;
use crate::recipients::Addressee;
use crate::store::{self, Tx, retry_on_conflict};
use crate::templates::china_time;

/// How long a confirmation link works.
pub const CONFIRMATION_TTL: Duration = Duration::hours(72);

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The writes that start confirming `email` for `application` (and mark it pending there), or
/// none when notices already go to it or a confirmation for it is already waiting. The link is
/// the pages' `<PUBLIC_BASE_URL>/#/email-confirmations/<token>` ([`pages::email_confirmation`]),
/// which posts the token to `POST /email-confirmations` (a mail scanner fetching the link runs no
/// script, so it confirms nothing); the token (128 random bits) is sent, only its SHA-256 is
/// stored.
pub(crate) fn confirm_if_needed(
    app: &App,
    application: &mut Application,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Write>, AppError> {
    let email = crate::validation::email(email)?;
    if application.contact.is_confirmed(&email) {
        application.contact.pending_email = None;
        application.contact.pending_until = None;
        return Ok(Vec::new());
    }
    // A link already on its way is enough until it expires; after that, a save sends a new one.
    if application
        .contact
        .pending_email
        .as_deref()
        .is_some_and(|pending| pending.eq_ignore_ascii_case(&email))
        && application
            .contact
            .pending_until
            .is_some_and(|until| until > now)
    {
        return Ok(Vec::new());
    }
    let mut secret = [0u8; 16];
    getrandom::fill(&mut secret)
        .map_err(|error| AppError::config(format!("no randomness for a token: {error}")))?;
    let token = hex::encode(secret);
    let confirmation = EmailConfirmation {
        token_sha256: token_hash(&token),
        application_id: application.id,
        email: email.clone(),
        created_at: now,
        expires_at: now + CONFIRMATION_TTL,
    };
    application.contact.pending_email = Some(email.clone());
    application.contact.pending_until = Some(confirmation.expires_at);
    let data = BTreeMap::from([
        ("application_id".to_owned(), application.id.to_string()),
        (
            "organisation_name".to_owned(),
            application.organisation_name().to_owned(),
        ),
        ("email".to_owned(), email.clone()),
        (
            "confirm_url".to_owned(),
            pages::email_confirmation(&app.config.public_base_url, &token),
        ),
        ("expires_at".to_owned(), china_time(confirmation.expires_at)),
    ]);
    let to = Addressee {
        audience: Recipient::Applicant,
        address: email,
        salutation: application.organisation_name().to_owned(),
    };
    Ok(vec![
        store::create(&confirmation)?,
        notices::owe(
            NoticeKind::EmailConfirmation,
            &to,
            data,
            Some(application.id),
            now,
        )?,
    ])
}

/// `POST /email-confirmations`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationInput {
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Confirmed {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub email: String,
}

/// Confirms the address a token was sent to: from now on the application's notices go there.
/// An unknown, used or expired token, or one for an address the form no longer names, is
/// `404 confirmation_not_found`.
pub async fn confirm(
    app: &App,
    input: ConfirmationInput,
    now: DateTime<Utc>,
) -> Result<Confirmed, AppError> {
    let token = input.token.trim();
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::ConfirmationNotFound);
    }
    let key = keys::email_confirmation(&token_hash(&token.to_ascii_lowercase()));
    let key = &key;
    retry_on_conflict(|| async move {
        let confirmation = store::load::<EmailConfirmation>(app.table.as_ref(), key)
            .await?
            .filter(|stored| stored.record.expires_at > now)
            .ok_or(AppError::ConfirmationNotFound)?;
        let email = confirmation.record.email.clone();
        let loaded = load_application(app, confirmation.record.application_id).await?;
        let mut application = loaded.record;
        if !application
            .contact
            .pending_email
            .as_deref()
            .is_some_and(|pending| pending.eq_ignore_ascii_case(&email))
        {
            return Err(AppError::ConfirmationNotFound);
        }
        application.contact.confirmed_email = Some(email.clone());
        application.contact.pending_email = None;
        application.contact.pending_until = None;
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(
            Write::Delete {
                key: key.clone(),
                condition: Condition::VersionEquals(confirmation.version),
            },
            || AppError::ConfirmationNotFound,
        );
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(award_ports::TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application.id),
            "email-confirmation",
            "contact_email_confirmed",
            &[("email", email.clone())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(Confirmed {
            application_id: application.id,
            email,
        })
    })
    .await
}
