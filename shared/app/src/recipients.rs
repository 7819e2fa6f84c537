//! Who a notice goes to, resolved in ONE place: the domain names a [`Recipient`]; this module
//! turns it into an address and a salutation, or — for [`Recipient::Public`] — an entry on the
//! public notice board (Arts. 3, 9(3), 11(8)–(9), 17, 18), never an email.
//!
//! | recipient | where it goes |
//! |---|---|
//! | applicant | the application's confirmed contact email, else the account's verified email |
//! | recommender | the chosen recommending unit's mailbox (Art. 11(3)) |
//! | office | `OFFICE_MAILBOX` (Art. 9) |
//! | committee | `COMMITTEE_MAILBOX` (Art. 7) |
//! | finance bureau | `FINANCE_MAILBOX` (Art. 13) |
//! | expert | the expert's own email in the pool (written by the review use cases, [`expert`]) |
//! | public | a [`BoardEntry`] the public API lists |

use std::collections::BTreeMap;

use award_domain::cycle::Cycle;
use award_domain::lifecycle::{Event, NoticeKind, Recipient};
use award_ports::Write;
use chrono::{DateTime, Utc};

use crate::App;
use crate::error::AppError;
use crate::model::{Application, BoardEntry, Recommender, new_id};
use crate::notices;
use crate::store;
use crate::templates::{self, china_time};

/// A resolved recipient of an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub audience: Recipient,
    pub address: String,
    pub salutation: String,
}

/// The Committee Office's name as its letters and public notices sign it (Art. 9; the 落款).
pub const OFFICE_NAME: &str = "武威市人民政府质量奖评审委员会办公室";

/// The Committee Office (Art. 9).
pub fn office(app: &App) -> Addressee {
    Addressee {
        audience: Recipient::Office,
        address: app.config.mailboxes.office.clone(),
        salutation: OFFICE_NAME.into(),
    }
}

/// The applicant of `application`: its organisation, at the address it controls.
pub fn applicant(application: &Application) -> Addressee {
    Addressee {
        audience: Recipient::Applicant,
        address: application.contact.notice_address().to_owned(),
        salutation: application.organisation_name().to_owned(),
    }
}

/// A recommending unit, at its mailbox (Art. 11(3)).
pub fn unit(unit: &Recommender) -> Addressee {
    Addressee {
        audience: Recipient::Recommender,
        address: unit.mailbox.clone(),
        salutation: unit.name.clone(),
    }
}

/// An expert of the pool, at its own address (Arts. 8, 19): only the review use cases write to
/// experts, because only they know which expert a notice is for.
pub fn expert(expert: &crate::model::Expert) -> Addressee {
    Addressee {
        audience: Recipient::Expert,
        address: expert.profile.email.clone(),
        salutation: format!("{}专家", expert.profile.name),
    }
}

/// What an application's notices are about, and to whom its recommender is.
pub struct About<'a> {
    pub application: &'a Application,
    pub cycle: &'a Cycle,
    pub recommender: Option<&'a Recommender>,
}

impl About<'_> {
    /// The data every notice about this application carries; `extra` adds or overrides keys.
    pub fn data(&self, extra: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let application = self.application;
        let mut data = BTreeMap::from([
            (
                "organisation_name".to_owned(),
                application.organisation_name().to_owned(),
            ),
            ("application_id".to_owned(), application.id.to_string()),
            ("uscc".to_owned(), application.uscc.clone()),
            ("cycle_id".to_owned(), self.cycle.id.clone()),
            ("cycle_title".to_owned(), self.cycle.title.clone()),
            // What became of it: a public follow-up tells a withdrawal from a removal.
            ("state".to_owned(), application.state().as_str().to_owned()),
            (
                "application_deadline".to_owned(),
                self.cycle.application_deadline.to_string(),
            ),
            (
                "recommendation_deadline".to_owned(),
                self.cycle.recommendation_deadline.to_string(),
            ),
        ]);
        if let Some(recommender) = self.recommender {
            data.insert("recommender_name".into(), recommender.name.clone());
        }
        if let Some(submitted) = application.lifecycle.submitted_at {
            data.insert("submitted_at".into(), china_time(submitted));
        }
        if let Some(rejection) = &application.lifecycle.rejection {
            data.insert("reason".into(), rejection.reason.clone());
        }
        if let Some(recommendation) = &application.recommendation {
            data.insert("opinion".into(), recommendation.opinion.clone());
            data.insert("signer".into(), recommendation.signer_name.clone());
        }
        if let Some(publicity) = application.lifecycle.publicity {
            data.insert(
                "publicity_first_day".into(),
                publicity.first_day.to_string(),
            );
            data.insert("publicity_last_day".into(), publicity.last_day.to_string());
        }
        if let Some(award) = &application.lifecycle.award {
            data.insert(
                "certificate_number".into(),
                award.certificate_number.clone(),
            );
        }
        if let Some(validity) = application.lifecycle.validity {
            data.insert("approved_on".into(), validity.approved_on.to_string());
            data.insert("last_valid_day".into(), validity.last_valid_day.to_string());
        }
        if let Some(debarment) = application.lifecycle.revocation {
            // The one article the bar stands on (Art. 17 fraud, Art. 18 cause), never both.
            data.insert("article".into(), debarment.ground.article_zh().to_owned());
            data.insert("revoked_on".into(), debarment.revoked_on.to_string());
            data.insert("debarment_last_day".into(), debarment.last_day.to_string());
            data.insert(
                "may_apply_again_from".into(),
                debarment.may_apply_again_from.to_string(),
            );
        }
        data.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        data
    }

    /// The email address and salutation of `to`; `None` for the public (the board) and for a
    /// recommender when none was chosen.
    pub fn addressee(&self, app: &App, to: Recipient) -> Option<Addressee> {
        let mailboxes = &app.config.mailboxes;
        match to {
            Recipient::Applicant => Some(applicant(self.application)),
            Recipient::Recommender => self.recommender.map(unit),
            Recipient::Office => Some(office(app)),
            Recipient::Committee => Some(Addressee {
                audience: to,
                address: mailboxes.committee.clone(),
                salutation: "武威市人民政府质量奖评审委员会".into(),
            }),
            Recipient::FinanceBureau => Some(Addressee {
                audience: to,
                address: mailboxes.finance.clone(),
                salutation: "武威市财政局".into(),
            }),
            // Which expert or objector is the use case's to say (`expert`, `objector`), never the
            // lifecycle's.
            Recipient::Public | Recipient::Expert | Recipient::Objector => None,
        }
    }

    /// The writes that owe every notice `events` name: one pending notice per email, one board
    /// entry per publication. A notice to a recommender when the application has none (a draft
    /// withdrawn) is not owed, and logged.
    pub fn owed(
        &self,
        app: &App,
        events: &[Event],
        extra: &BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Write>, AppError> {
        let data = self.data(extra);
        let mut writes = Vec::new();
        for event in events {
            let Event::Notice { to, notice } = event else {
                continue;
            };
            if *to == Recipient::Public {
                writes.push(publish(
                    *notice,
                    &self.cycle.id,
                    Some(self.application.id),
                    &data,
                    now,
                )?);
                continue;
            }
            match self.addressee(app, *to) {
                Some(addressee) => writes.push(notices::owe(
                    *notice,
                    &addressee,
                    data.clone(),
                    Some(self.application.id),
                    now,
                )?),
                None => tracing::warn!(
                    application = %self.application.id,
                    notice = notice.as_str(),
                    "no recommending unit to notify"
                ),
            }
        }
        Ok(writes)
    }
}

/// One organisation on a published list, as the notice prints it: `1. 名称（统一社会信用代码：…，
/// 所在地：甘肃省武威市凉州区）` and, after it, what the list adds (a certificate number).
pub struct ListedName<'a> {
    pub organisation_name: &'a str,
    pub uscc: &'a str,
    /// GB/T 2260 code of where it is registered.
    pub division_code: &'a str,
    /// Appended inside the brackets: `，证书编号：…`; empty for none.
    pub more: String,
}

impl<'a> ListedName<'a> {
    /// `application` as a published list names it, with `more` after its place.
    pub fn of(application: &'a Application, more: String) -> Self {
        Self {
            organisation_name: application.organisation_name(),
            uscc: &application.uscc,
            division_code: &application.form.organisation.division_code,
            more,
        }
    }
}

/// The lines of a published list, numbered from 1 in the order given.
pub fn numbered_names(names: &[ListedName<'_>]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let place = award_domain::codes::division_full_name(name.division_code)
                .map(|place| format!("，所在地：{place}"))
                .unwrap_or_default();
            format!(
                "{}. {}（统一社会信用代码：{}{place}{}）",
                index + 1,
                name.organisation_name,
                name.uscc,
                name.more
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The write that publishes notice `kind` on the public notice board, rendered once now and
/// signed as a public notice is (落款: the Office's name and the China date of `now`).
pub fn publish(
    kind: NoticeKind,
    cycle_id: &str,
    application_id: Option<ulid::Ulid>,
    data: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    let mut data = data.clone();
    data.insert(templates::SALUTATION.into(), "社会各界".into());
    data.insert("issuer".into(), OFFICE_NAME.into());
    data.insert(
        "issued_on".into(),
        award_domain::china_date(now).to_string(),
    );
    let (subject, body) = templates::render_parts(kind, &data)?;
    // On the board the notice is titled as it prints: the award's name is the board's own, not a
    // prefix (the email's subject keeps it, for an inbox).
    let title = subject
        .strip_prefix(templates::SUBJECT_PREFIX)
        .unwrap_or(&subject)
        .to_owned();
    store::create(&BoardEntry {
        id: new_id(now),
        kind,
        cycle_id: cycle_id.to_owned(),
        application_id,
        title,
        body,
        published_at: now,
    })
}
