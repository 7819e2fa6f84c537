//! The public notice board (Arts. 3, 9(3), 11(8)–(9), 17, 18): what notices to the public became.
//! Anyone may read it, no token needed (access pattern 11: base `BOARD`, newest first).

mod routes;

pub use routes::ROUTES;

use award_domain::roles::Role;
use award_ports::{Index, Query};
use chrono::{DateTime, Utc};

use crate::App;
use crate::error::AppError;
use crate::identity::Caller;
use crate::keys;
use crate::model::{BoardEntry, OfficeContact, OfficeContactRecord};
use crate::store::{from_item, query_all};
use crate::validation;

/// `GET /public/notices`: every publication, newest first.
pub async fn list(app: &App) -> Result<Vec<BoardEntry>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::BOARD).descending(),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<BoardEntry>(item).map(|stored| stored.record))
    .collect()
}

/// `GET /settings/office-contact` (office): the contact details the public notices print.
pub async fn office_contact(app: &App, caller: &Caller) -> Result<OfficeContact, AppError> {
    caller.require(Role::Office)?;
    crate::reads::settings::office_contact(app).await
}

/// `PUT /settings/office-contact` (office): sets the telephone, postal address and mailbox the
/// publicity notice and the public pages print (Arts. 3, 11(8)); the telephone and address may be
/// left empty, the mailbox may not. Errors: `Forbidden`, `InvalidPhone`, `InvalidText`,
/// `InvalidCharacters`, `InvalidEmail`.
pub async fn set_office_contact(
    app: &App,
    caller: &Caller,
    input: OfficeContact,
    now: DateTime<Utc>,
) -> Result<OfficeContact, AppError> {
    caller.require(Role::Office)?;
    let contact = OfficeContact {
        phone: phone(&input.phone)?,
        postal_address: match input.postal_address.trim() {
            "" => String::new(),
            text => validation::text("postal_address", text, 200, false)?,
        },
        mailbox: validation::email(&input.mailbox)?,
    };
    let record = OfficeContactRecord {
        contact,
        set_by: caller.sub().to_owned(),
        set_at: now,
    };
    crate::reads::settings::put(
        app,
        &record,
        caller.sub(),
        "office_contact_set",
        &[
            ("phone", record.contact.phone.clone()),
            ("postal_address", record.contact.postal_address.clone()),
            ("mailbox", record.contact.mailbox.clone()),
        ],
        now,
    )
    .await?;
    Ok(record.contact)
}

/// A telephone number as it is dialled: digits, with `-`, `(`, `)`, `+` or spaces, 5 to 30
/// characters and at least 5 digits; empty when none is given.
fn phone(raw: &str) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | '+' | ' '));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if allowed && (5..=30).contains(&text.chars().count()) && digits >= 5 {
        Ok(text.to_owned())
    } else {
        Err(AppError::InvalidPhone)
    }
}
