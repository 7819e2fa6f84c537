//! From candidates to winners in public view (Arts. 3, 4, 7(3), 11(8)–(9), 12–14): the
//! Committee's deliberation (→ `proposed`), the vice-mayors' consultation, the publicity on the
//! official working-day calendar with the public's objections, the executive meeting and the
//! approval under the quota, the award (certificate number, register entry, announcement) and the
//! reward's payment and the plaque's handover.
//!
//! Every change of an application goes through the stage path (`stage::advance_with`), which also
//! keeps the Art. 4 count: concurrent approvals never exceed the quota. The cycle's records
//! (deliberation, consultation, publicity period, executive meeting) live on the cycle item.

mod routes;

pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::calendar::WorkingCalendar;
use award_domain::china_date;
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind, Recipient};
use award_domain::rules::MIN_PUBLICITY_WORKING_DAYS;
use award_domain::time::{china_end_of_day_exclusive, china_start_of_day};
use award_ports::{Condition, Index, Query, TableError, Write};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::RequestMeta;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::AttachmentOwner;
use crate::model::{
    Application, CandidateDecision, Consultation, CyclePublicity, CycleRecord, Deliberation,
    ExecutiveMeeting, Objection, ObjectionStatus, RateCounter, RegisterEntry, RegisterFact,
    RewardRecord, SYSTEM_ACTOR, new_id,
};
use crate::notices;
use crate::pages;
use crate::reads::applications::load_application;
use crate::reads::attachments::{self, AttachmentDeclaration};
use crate::reads::{applications, cycles, settings};
use crate::recipients::{self, About, Addressee};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// At most this many objections a day from one contact (an abuse bound, Art. 3).
pub const OBJECTIONS_PER_CONTACT_PER_DAY: u32 = 3;
/// At most this many objections a day from one source address. High on purpose: behind one
/// carrier-grade NAT address a mobile network puts a whole town, and a publicity that concerns a
/// town's employer may draw many honest objections in a day; the per-contact bound above is what
/// stops one person repeating. The Office is told when an address reaches it
/// (`objection_limit_reached`), so a refusal never goes unnoticed.
pub const OBJECTIONS_PER_ADDRESS_PER_DAY: u32 = 200;
/// The longest objection, in characters.
pub const MAX_OBJECTION_CHARS: usize = 2000;
/// How many days back the daily publicity run looks for periods that ended (a missed run within
/// this window is caught up).
pub const PUBLICITY_CATCH_UP_DAYS: i64 = 14;

fn today(now: DateTime<Utc>) -> NaiveDate {
    china_date(now)
}

async fn save_cycle(
    app: &App,
    loaded: &Stored<CycleRecord>,
    record: &CycleRecord,
    actor: &str,
    action: &str,
    detail: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    save_cycle_with(app, loaded, record, actor, action, detail, Vec::new(), now).await
}

/// [`save_cycle`] with `extra` guarded writes in the same transaction (a lost guard is a
/// `Conflict`).
#[allow(clippy::too_many_arguments)]
async fn save_cycle_with(
    app: &App,
    loaded: &Stored<CycleRecord>,
    record: &CycleRecord,
    actor: &str,
    action: &str,
    detail: &[(&str, String)],
    extra: Vec<Write>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = Tx::new();
    tx.guard(store::replace(record, loaded.version)?, || {
        AppError::from(TableError::Conflict)
    });
    for write in extra {
        tx.guard(write, || AppError::from(TableError::Conflict));
    }
    tx.push(audit(
        keys::cycle_partition(&record.cycle.id),
        actor,
        action,
        detail,
        now,
    )?);
    tx.commit(app.table.as_ref()).await
}

/// Runs `command` on every application of `ids` still in `from` (a repeated call finishes what an
/// interrupted one left); the others are left as they are.
async fn advance_all(
    app: &App,
    caller: &Caller,
    commands: &[(Ulid, Command, BTreeMap<String, String>)],
    from: ApplicationState,
    settings: Settings<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (application_id, command, notice_data) in commands {
        let request = StageCommand {
            application_id: *application_id,
            command: command.clone(),
            actor: &caller.actor,
            now,
            notice_data: notice_data.clone(),
            settings,
        };
        stage::advance_if_in(app, &request, from).await?;
    }
    Ok(())
}

// --- the Committee's deliberation (Arts. 7(3), 11(8)) ------------------------------------------

/// `POST /cycles/{id}/deliberation` (committee).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliberationInput {
    pub meeting_date: NaiveDate,
    pub minutes_reference: String,
    /// The minutes uploaded with `POST /cycles/{id}/minutes`, received (Art. 11(8): the
    /// Committee's review is on record, not only referred to).
    pub minutes_attachment_id: Ulid,
    pub decisions: Vec<DecisionInput>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub application_id: Ulid,
    pub include: bool,
    pub votes_for: u32,
    pub votes_against: u32,
    #[serde(default)]
    pub abstentions: u32,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Records the Committee's review of the candidate list: each candidate included (→ `proposed`)
/// or left out with a reason (→ `rejected`, told with the reason). The list must be exactly the
/// cycle's candidates. A repeat of the same record finishes an interrupted run. Errors:
/// `ListChanged`, `ReasonRequired`, `FutureDate`, `InvalidText`, `DeliberationRecorded` (another
/// record exists).
pub async fn deliberate(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: DeliberationInput,
    now: DateTime<Utc>,
) -> Result<Deliberation, AppError> {
    caller.require(Role::Committee)?;
    if input.meeting_date > today(now) {
        return Err(AppError::FutureDate {
            date: input.meeting_date,
            today: today(now),
        });
    }
    let minutes_reference =
        validation::text("minutes_reference", &input.minutes_reference, 200, false)?;
    let mut decisions = Vec::new();
    for decision in &input.decisions {
        // Art. 7(3): the Committee includes a candidate by a majority of the votes cast.
        if decision.include && decision.votes_for <= decision.votes_against {
            return Err(AppError::InvalidDecision {
                detail: "a candidate is included only with more votes for than against",
            });
        }
        let reason = match (&decision.reason, decision.include) {
            (Some(reason), _) => Some(validation::text("reason", reason, 1000, true)?),
            (None, false) => {
                return Err(AppError::ReasonRequired {
                    command: "leave a candidate out".into(),
                });
            }
            (None, true) => None,
        };
        decisions.push(CandidateDecision {
            application_id: decision.application_id,
            include: decision.include,
            votes_for: decision.votes_for,
            votes_against: decision.votes_against,
            abstentions: decision.abstentions,
            reason,
        });
    }
    decisions.sort_by_key(|decision| decision.application_id);
    let minutes = attachments::load(app, input.minutes_attachment_id)
        .await
        .map_err(|_| AppError::MinutesNotReceived)?;
    let ours =
        matches!(&minutes.owner, AttachmentOwner::Minutes { cycle_id: owner } if owner == cycle_id);
    if !ours || minutes.status != crate::model::DocumentStatus::Received {
        return Err(AppError::MinutesNotReceived);
    }
    let loaded = cycles::load_cycle(app, cycle_id).await?;
    let deliberation = match &loaded.record.decision.deliberation {
        Some(existing) if existing.decisions == decisions => existing.clone(),
        Some(_) => return Err(AppError::DeliberationRecorded),
        None => {
            let mut candidates: Vec<Ulid> =
                applications::in_cycle(app, cycle_id, Some(ApplicationState::Candidate))
                    .await?
                    .iter()
                    .map(|application| application.id)
                    .collect();
            candidates.sort();
            let given: Vec<Ulid> = decisions.iter().map(|d| d.application_id).collect();
            if candidates.is_empty() || given != candidates {
                let missing: Vec<String> = candidates
                    .iter()
                    .filter(|id| !given.contains(id))
                    .map(Ulid::to_string)
                    .collect();
                let not_candidates: Vec<String> = given
                    .iter()
                    .filter(|id| !candidates.contains(id))
                    .map(Ulid::to_string)
                    .collect();
                return Err(AppError::DeliberationListMismatch {
                    missing,
                    not_candidates,
                });
            }
            let deliberation = Deliberation {
                meeting_date: input.meeting_date,
                minutes_reference,
                minutes_attachment_id: input.minutes_attachment_id,
                decisions: decisions.clone(),
                recorded_by: caller.sub().to_owned(),
                recorded_at: now,
            };
            let mut record = loaded.record.clone();
            record.decision.deliberation = Some(deliberation.clone());
            save_cycle(
                app,
                &loaded,
                &record,
                caller.sub(),
                "deliberation_recorded",
                &[
                    ("meeting_date", input.meeting_date.to_string()),
                    ("minutes_reference", deliberation.minutes_reference.clone()),
                    (
                        "included",
                        decisions.iter().filter(|d| d.include).count().to_string(),
                    ),
                ],
                now,
            )
            .await?;
            deliberation
        }
    };
    let commands: Vec<_> = deliberation
        .decisions
        .iter()
        .map(|decision| {
            let (command, data) = if decision.include {
                (Command::Propose, BTreeMap::new())
            } else {
                (
                    Command::Reject {
                        reason: decision.reason.clone().unwrap_or_default(),
                    },
                    BTreeMap::from([("by_committee".to_owned(), "true".to_owned())]),
                )
            };
            (decision.application_id, command, data)
        })
        .collect();
    advance_all(
        app,
        caller,
        &commands,
        ApplicationState::Candidate,
        Settings::default(),
        now,
    )
    .await?;
    Ok(deliberation)
}

/// `POST /cycles/{id}/consultation` (office): the vice-mayors' opinions, after the deliberation
/// and before the publicity. Errors: `DeliberationMissing`, `FutureDate`, `InvalidText`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    pub date: NaiveDate,
    pub opinions: String,
    #[serde(default)]
    pub note: String,
}

pub async fn consult(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ConsultationInput,
    now: DateTime<Utc>,
) -> Result<Consultation, AppError> {
    caller.require(Role::Office)?;
    if input.date > today(now) {
        return Err(AppError::FutureDate {
            date: input.date,
            today: today(now),
        });
    }
    let opinions = validation::text("opinions", &input.opinions, 4000, true)?;
    let note = input.note.trim().to_owned();
    if note.chars().count() > 4000 {
        return Err(AppError::InvalidText {
            field: "note",
            max: 4000,
        });
    }
    let input = &input;
    let (opinions, note) = (&opinions, &note);
    retry_on_conflict(|| async move {
        let loaded = cycles::load_cycle(app, cycle_id).await?;
        let Some(deliberation) = &loaded.record.decision.deliberation else {
            return Err(AppError::DeliberationMissing);
        };
        // Art. 11(8): the consultation comes between the deliberation and the publicity.
        if loaded.record.decision.publicity.is_some() {
            return Err(AppError::PublicityStarted);
        }
        if input.date < deliberation.meeting_date {
            return Err(AppError::InvalidDecision {
                detail: "the consultation cannot precede the Committee's deliberation",
            });
        }
        let consultation = Consultation {
            date: input.date,
            opinions: opinions.clone(),
            note: note.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        };
        let mut record = loaded.record.clone();
        record.decision.consultation = Some(consultation.clone());
        save_cycle(
            app,
            &loaded,
            &record,
            caller.sub(),
            "consultation_recorded",
            &[("date", input.date.to_string())],
            now,
        )
        .await?;
        Ok(consultation)
    })
    .await
}

// --- publicity (Art. 11(8)) --------------------------------------------------------------------

/// `POST /cycles/{id}/publicity` (office): `{"first_day": "2026-09-30"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityInput {
    pub first_day: NaiveDate,
}

/// Starts the publicity of every proposed application on `first_day` (today or later) for the
/// cycle's working days (≥ 5) on the official calendar: the last day is the same for all. A period
/// reaching into a year whose holiday notice is not loaded is refused (`CalendarUnavailable`:
/// load it with `POST /calendar/{year}`), before anything is written. Errors:
/// `ConsultationMissing`, `PublicityInPast`, `NothingToPublish`, `PublicityStarted`.
pub async fn start_publicity(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: PublicityInput,
    now: DateTime<Utc>,
) -> Result<CyclePublicity, AppError> {
    caller.require(Role::Office)?;
    if input.first_day < today(now) {
        return Err(AppError::PublicityInPast {
            first_day: input.first_day,
            today: today(now),
        });
    }
    let loaded = cycles::load_cycle(app, cycle_id).await?;
    if loaded.record.decision.consultation.is_none() {
        return Err(AppError::ConsultationMissing);
    }
    let days = loaded
        .record
        .cycle
        .rules
        .publicity_working_days
        .max(MIN_PUBLICITY_WORKING_DAYS);
    let official = WorkingCalendar::official().map_err(|error| AppError::calendar(&error))?;
    let notices = settings::loaded(app).await?;
    // The same calendar counts the days here and in each application's decision below.
    let calendar = settings::combine(official, &notices)?;
    let last_day = calendar
        .publicity_last_day(input.first_day, days)
        .map_err(|error| AppError::calendar(&error))?;
    let publicity = match &loaded.record.decision.publicity {
        Some(existing) if existing.first_day == input.first_day => existing.clone(),
        Some(_) => return Err(AppError::PublicityStarted),
        None => {
            let proposed =
                applications::in_cycle(app, cycle_id, Some(ApplicationState::Proposed)).await?;
            if proposed.is_empty() {
                return Err(AppError::NothingToPublish);
            }
            let publicity = CyclePublicity {
                first_day: input.first_day,
                last_day,
                working_days: days,
                started_by: caller.sub().to_owned(),
                started_at: now,
            };
            let mut record = loaded.record.clone();
            record.decision.publicity = Some(publicity.clone());
            save_cycle_with(
                app,
                &loaded,
                &record,
                caller.sub(),
                "publicity_started",
                &[
                    ("first_day", input.first_day.to_string()),
                    ("last_day", last_day.to_string()),
                ],
                settings::mark_used(&notices, official, cycle_id, input.first_day, last_day)?,
                now,
            )
            .await?;
            publicity
        }
    };
    let commands: Vec<_> = applications::in_cycle(app, cycle_id, Some(ApplicationState::Proposed))
        .await?
        .iter()
        .map(|application| {
            (
                application.id,
                Command::StartPublicity {
                    first_day: publicity.first_day,
                },
                BTreeMap::from([(
                    "objection_url".to_owned(),
                    pages::publicity(&app.config.public_base_url, cycle_id),
                )]),
            )
        })
        .collect();
    advance_all(
        app,
        caller,
        &commands,
        ApplicationState::Proposed,
        Settings {
            aftercare: None,
            calendar: Some(&calendar),
        },
        now,
    )
    .await?;
    Ok(publicity)
}

/// One name on the public list: no score, no evidence, no personal data.
#[derive(Debug, Clone, Serialize)]
pub struct PublicEntry {
    pub application_id: Ulid,
    pub organisation_name: String,
    pub uscc: String,
    pub division_code: String,
}

/// `GET /public/publicity/{cycle}` (anyone).
#[derive(Debug, Clone, Serialize)]
pub struct PublicPublicity {
    pub cycle_id: String,
    pub title: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub entries: Vec<PublicEntry>,
    pub how_to_object: String,
    pub office_contact: String,
}

/// The names in publicity (or that passed it), the period, how to object, the Office's contact.
/// Errors: `CycleNotFound`, `PublicityNotStarted`.
pub async fn public_publicity(app: &App, cycle_id: &str) -> Result<PublicPublicity, AppError> {
    let cycle = cycles::load_cycle(app, cycle_id).await?.record;
    let publicity = cycle
        .decision
        .publicity
        .ok_or(AppError::PublicityNotStarted)?;
    let mut entries: Vec<PublicEntry> = applications::in_cycle(app, cycle_id, None)
        .await?
        .into_iter()
        .filter(|application| {
            application.lifecycle.publicity.is_some()
                && !matches!(
                    application.state(),
                    ApplicationState::Rejected | ApplicationState::Withdrawn
                )
        })
        .map(|application| PublicEntry {
            application_id: application.id,
            organisation_name: application.organisation_name().to_owned(),
            uscc: application.uscc.clone(),
            division_code: application.form.organisation.division_code.clone(),
        })
        .collect();
    entries.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
    Ok(PublicPublicity {
        cycle_id: cycle_id.to_owned(),
        title: cycle.cycle.title,
        first_day: publicity.first_day,
        last_day: publicity.last_day,
        entries,
        how_to_object: format!(
            "公示期内（{} 至 {}，以北京时间当日24时为止），任何单位和个人均可对公示名单提出异议：\
             在 {} 页面填写，或 POST /public/publicity/{cycle_id}/objections，写明异议对象、本人姓名和联系方式（手机或电子邮箱）及具体内容，\
             提交后获得受理编号。",
            publicity.first_day,
            publicity.last_day,
            pages::publicity(&app.config.public_base_url, cycle_id)
        ),
        office_contact: app.config.mailboxes.office.clone(),
    })
}

// --- objections (Art. 3) -----------------------------------------------------------------------

/// `POST /public/publicity/{cycle}/objections` (anyone).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    pub application_id: Ulid,
    pub objector_name: String,
    /// A mainland mobile number (11 digits, starting with 1) or an email address.
    pub contact: String,
    pub content: String,
    /// One supporting file (PDF, JPEG or PNG, ≤ 10 MiB), uploaded through the link answered.
    #[serde(default)]
    pub attachment: Option<AttachmentDeclaration>,
}

/// The objector's receipt, and the link to upload its file (15 minutes) when it declared one.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub receipt: Ulid,
    pub received_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload: Option<crate::model::Link>,
}

fn contact(text: &str) -> Result<(String, bool), AppError> {
    let text = text.trim();
    if text.len() == 11 && text.starts_with('1') && text.chars().all(|c| c.is_ascii_digit()) {
        return Ok((text.to_owned(), false));
    }
    validation::email(text)
        .map(|email| (email, true))
        .map_err(|_| AppError::InvalidObjection {
            detail: "contact must be a mobile number (11 digits) or an email address",
        })
}

/// One day's count for `subject`, bumped under its version: the write and the new count;
/// `TooManyObjections` at `limit`. The counter expires (DynamoDB TTL) the day after its day.
async fn bump(
    app: &App,
    day: NaiveDate,
    subject: String,
    limit: u32,
) -> Result<(Write, u32), AppError> {
    let key = keys::rate_counter(day, &subject);
    let loaded = store::load::<RateCounter>(app.table.as_ref(), &key).await?;
    let count = loaded.as_ref().map_or(0, |stored| stored.record.count);
    if count >= limit {
        return Err(AppError::TooManyObjections);
    }
    let next = RateCounter::new(day, subject, count + 1);
    let write = match loaded {
        Some(stored) => store::replace(&next, stored.version)?,
        None => store::create(&next)?,
    };
    Ok((write, next.count))
}

fn objector(objection: &Objection) -> Option<Addressee> {
    objection.contact.contains('@').then(|| Addressee {
        audience: Recipient::Objector,
        address: objection.contact.clone(),
        salutation: objection.objector_name.clone(),
    })
}

/// Lodges an objection during the publicity (until 24:00 China time of its last day) against a
/// name on the list; answered with a receipt. Bounded per contact and per source address per day.
/// Errors: `PublicityNotStarted`, `ObjectionPeriodNotStarted`, `ObjectionPeriodOver`,
/// `NotOnPublicityList`, `InvalidObjection`, `InvalidText`, `TooManyObjections`.
pub async fn object(
    app: &App,
    cycle_id: &str,
    input: ObjectionInput,
    meta: RequestMeta,
    now: DateTime<Utc>,
) -> Result<Receipt, AppError> {
    let objector_name = validation::text("objector_name", &input.objector_name, 50, false)?;
    let (contact, _) = contact(&input.contact)?;
    let content = validation::text("content", &input.content, MAX_OBJECTION_CHARS, true)?;
    let (objector_name, contact, content, input, meta) =
        (&objector_name, &contact, &content, &input, &meta);
    retry_on_conflict(|| async move {
        let cycle = cycles::load_cycle(app, cycle_id).await?.record;
        let publicity = cycle
            .decision
            .publicity
            .as_ref()
            .ok_or(AppError::PublicityNotStarted)?;
        if now < china_start_of_day(publicity.first_day) {
            return Err(AppError::ObjectionPeriodNotStarted {
                first_day: publicity.first_day,
            });
        }
        if now >= china_end_of_day_exclusive(publicity.last_day) {
            return Err(AppError::ObjectionPeriodOver {
                last_day: publicity.last_day,
            });
        }
        // Any id that is not a name in this publicity gets the same answer: the board reveals
        // nothing about applications it does not list.
        let application = match load_application(app, input.application_id).await {
            Ok(stored) => stored.record,
            Err(AppError::ApplicationNotFound) => return Err(AppError::NotOnPublicityList),
            Err(other) => return Err(other),
        };
        if application.cycle_id != cycle_id || application.state() != ApplicationState::InPublicity
        {
            return Err(AppError::NotOnPublicityList);
        }
        let day = today(now);
        let contact_hash = hex::encode(Sha256::digest(contact.to_lowercase().as_bytes()));
        let mut tx = Tx::new();
        tx.guard(
            bump(
                app,
                day,
                format!("contact#{contact_hash}"),
                OBJECTIONS_PER_CONTACT_PER_DAY,
            )
            .await?
            .0,
            || AppError::from(TableError::Conflict),
        );
        let mut address_limit_reached = None;
        if let Some(ip) = &meta.source_ip {
            let (write, count) =
                bump(app, day, format!("ip#{ip}"), OBJECTIONS_PER_ADDRESS_PER_DAY).await?;
            tx.guard(write, || AppError::from(TableError::Conflict));
            if count == OBJECTIONS_PER_ADDRESS_PER_DAY {
                address_limit_reached = Some(ip.clone());
            }
        }
        let objection_id = new_id(now);
        let attachment = match &input.attachment {
            Some(declaration) => Some(attachments::declare(
                AttachmentOwner::Objection {
                    objection_id,
                    cycle_id: cycle_id.to_owned(),
                },
                declaration,
                "public",
                now,
            )?),
            None => None,
        };
        let objection = Objection {
            id: objection_id,
            attachment_id: attachment.as_ref().map(|(attachment, _)| attachment.id),
            cycle_id: cycle_id.to_owned(),
            application_id: application.id,
            organisation_name: application.organisation_name().to_owned(),
            objector_name: objector_name.clone(),
            contact: contact.clone(),
            content: content.clone(),
            status: ObjectionStatus::Open,
            received_at: now,
            source_ip: meta.source_ip.clone(),
            reply: None,
            decided_by: None,
            decided_at: None,
        };
        tx.guard(store::create(&objection)?, || AppError::ConcurrentUpdate);
        if let Some((_, write)) = &attachment {
            tx.guard(write.clone(), || AppError::ConcurrentUpdate);
        }
        let about = About {
            application: &application,
            cycle: &cycle.cycle,
            recommender: None,
        };
        let data = about.data(&BTreeMap::from([(
            "receipt".to_owned(),
            objection.id.to_string(),
        )]));
        tx.push(notices::owe(
            NoticeKind::ObjectionToInvestigate,
            &recipients::office(app),
            data.clone(),
            Some(application.id),
            now,
        )?);
        if let Some(source_ip) = &address_limit_reached {
            let mut data = data.clone();
            data.extend([
                ("day".to_owned(), day.to_string()),
                ("source_ip".to_owned(), source_ip.clone()),
                (
                    "limit".to_owned(),
                    OBJECTIONS_PER_ADDRESS_PER_DAY.to_string(),
                ),
            ]);
            tx.push(notices::owe(
                NoticeKind::ObjectionLimitReached,
                &recipients::office(app),
                data,
                Some(application.id),
                now,
            )?);
        }
        if let Some(to) = objector(&objection) {
            tx.push(notices::owe(
                NoticeKind::ObjectionReceived,
                &to,
                data,
                Some(application.id),
                now,
            )?);
        }
        // The objector's identity stays in the objection, never in the application's trail.
        tx.push(audit(
            keys::application_partition(application.id),
            "public",
            "objection_received",
            &[("receipt", objection.id.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        let upload = match &attachment {
            Some((attachment, _)) => Some(attachments::upload_link(app, attachment, now).await?),
            None => None,
        };
        Ok(Receipt {
            receipt: objection.id,
            received_at: now,
            upload,
        })
    })
    .await
}

/// Every objection of a cycle, oldest first (GSI1 `CYCLE#<cycle>#OBJECTIONS`).
async fn objections_of(app: &App, cycle_id: &str) -> Result<Vec<Stored<Objection>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::cycle_objections_partition(cycle_id)),
    )
    .await?
    .into_iter()
    .map(from_item::<Objection>)
    .collect()
}

/// Whether an objection against the application is still open.
async fn open_objection(app: &App, application: &Application) -> Result<bool, AppError> {
    open_objection_other_than(app, application, None).await
}

/// Whether an objection against the application other than `except` is still open.
async fn open_objection_other_than(
    app: &App,
    application: &Application,
    except: Option<Ulid>,
) -> Result<bool, AppError> {
    Ok(objections_of(app, &application.cycle_id)
        .await?
        .iter()
        .any(|stored| {
            Some(stored.record.id) != except
                && stored.record.application_id == application.id
                && stored.record.status == ObjectionStatus::Open
        }))
}

/// `GET /cycles/{id}/objections` (office): with the objectors' identities (the Office's alone).
pub async fn list_objections(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<Vec<Objection>, AppError> {
    caller.require(Role::Office)?;
    cycles::load_cycle(app, cycle_id).await?;
    Ok(objections_of(app, cycle_id)
        .await?
        .into_iter()
        .map(|stored| stored.record)
        .collect())
}

/// `POST /objections/{id}/decision` (office): `{"upheld": true, "reply": "…"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionDecision {
    pub upheld: bool,
    pub reply: String,
}

/// The Office's finding: upheld → the application is rejected with the reply as its reason (it
/// leaves the list; the applicant, the Office and the public are told), in the same transaction
/// as the objection; not upheld → the reply is recorded. The objector is sent the reply when it
/// gave an email. Errors: `ObjectionNotFound`, `ObjectionDecided`, `InvalidText`.
pub async fn decide_objection(
    app: &App,
    caller: &Caller,
    objection_id: Ulid,
    input: ObjectionDecision,
    now: DateTime<Utc>,
) -> Result<Objection, AppError> {
    caller.require(Role::Office)?;
    let reply = validation::text("reply", &input.reply, MAX_OBJECTION_CHARS, true)?;
    let reply = &reply;
    retry_on_conflict(|| async move {
        let stored = store::load::<Objection>(app.table.as_ref(), &keys::objection(objection_id))
            .await?
            .ok_or(AppError::ObjectionNotFound)?;
        if stored.record.status != ObjectionStatus::Open {
            return Err(AppError::ObjectionDecided);
        }
        let mut objection = stored.record.clone();
        objection.status = if input.upheld {
            ObjectionStatus::Upheld
        } else {
            ObjectionStatus::Dismissed
        };
        objection.reply = Some(reply.clone());
        objection.decided_by = Some(caller.sub().to_owned());
        objection.decided_at = Some(now);
        let loaded_application = load_application(app, objection.application_id).await?;
        let application = loaded_application.record.clone();
        let cycle = cycles::load_cycle(app, &objection.cycle_id).await?.record;
        let answer = |objection: &Objection| -> Result<Tx, AppError> {
            let mut tx = Tx::new();
            tx.guard(store::replace(objection, stored.version)?, || {
                AppError::ObjectionDecided
            });
            if let Some(to) = objector(objection) {
                let about = About {
                    application: &application,
                    cycle: &cycle.cycle,
                    recommender: None,
                };
                tx.push(notices::owe(
                    NoticeKind::ObjectionAnswered,
                    &to,
                    about.data(&BTreeMap::from([
                        ("receipt".to_owned(), objection.id.to_string()),
                        (
                            "finding".to_owned(),
                            if objection.status == ObjectionStatus::Upheld {
                                "异议成立".to_owned()
                            } else {
                                "异议不成立".to_owned()
                            },
                        ),
                        (
                            "reply".to_owned(),
                            objection.reply.clone().unwrap_or_default(),
                        ),
                    ])),
                    Some(application.id),
                    now,
                )?);
            }
            Ok(tx)
        };
        if input.upheld {
            let request = StageCommand {
                application_id: objection.application_id,
                command: Command::Reject {
                    reason: reply.clone(),
                },
                actor: &caller.actor,
                now,
                notice_data: BTreeMap::new(),
                settings: Settings::default(),
            };
            let objection = &objection;
            stage::advance_with(
                app,
                &request,
                |_| Ok(()),
                |_| Ok(()),
                |_, _| answer(objection),
            )
            .await?;
        } else {
            let mut tx = answer(&objection)?;
            tx.push(audit(
                keys::application_partition(objection.application_id),
                caller.sub(),
                "objection_dismissed",
                &[("receipt", objection.id.to_string())],
                now,
            )?);
            // The last open objection of a period already over: the publicity closes now (the
            // daily run has passed it by), in the same transaction as the finding.
            let day = today(now);
            let others_open =
                open_objection_other_than(app, &application, Some(objection.id)).await?;
            if let Some(publicity) = application.lifecycle.publicity
                && application.state() == ApplicationState::InPublicity
                && application.publicity_closed_on.is_none()
                && day > publicity.last_day
                && !others_open
            {
                let mut closed = application.clone();
                closed.publicity_closed_on = Some(day);
                closed.updated_at = now;
                tx.guard(store::replace(&closed, loaded_application.version)?, || {
                    AppError::from(TableError::Conflict)
                });
                let about = About {
                    application: &closed,
                    cycle: &cycle.cycle,
                    recommender: None,
                };
                tx.push(notices::owe(
                    NoticeKind::PublicityClosed,
                    &recipients::office(app),
                    about.data(&BTreeMap::new()),
                    Some(application.id),
                    now,
                )?);
                tx.push(audit(
                    keys::application_partition(application.id),
                    caller.sub(),
                    "publicity_closed",
                    &[("last_day", publicity.last_day.to_string())],
                    now,
                )?);
            }
            tx.commit(app.table.as_ref()).await?;
        }
        Ok(objection)
    })
    .await
}

// --- the daily publicity run (the `publicity` function) ----------------------------------------

/// What one daily run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublicityRun {
    /// Applications whose publicity closed with no objection open.
    pub closed: Vec<Ulid>,
    /// Applications whose publicity ended with an objection open (the Office reminded today).
    pub waiting: Vec<Ulid>,
}

/// For every publicity that ended in the last [`PUBLICITY_CATCH_UP_DAYS`] (the `DUE#<day>` items
/// `publicity_ended`): no objection open → the publicity is closed (the Office told it may submit
/// the name for approval); an objection open → the close waits and the Office is reminded, once a
/// day. A second run the same day writes nothing.
pub async fn run_daily(app: &App, now: DateTime<Utc>) -> Result<PublicityRun, AppError> {
    let day = today(now);
    let mut run = PublicityRun::default();
    let mut seen = std::collections::BTreeSet::new();
    for back in (0..=PUBLICITY_CATCH_UP_DAYS).rev() {
        let Some(due) = day.checked_sub_signed(chrono::Duration::days(back)) else {
            continue;
        };
        let items = query_all(
            app.table.as_ref(),
            Query::partition(Index::Gsi2, keys::due_partition(due)).sort(
                award_ports::SortCondition::BeginsWith(format!(
                    "{}#",
                    award_domain::lifecycle::ScheduleKind::PublicityEnded.as_str()
                )),
            ),
        )
        .await?;
        for item in items {
            let due_item = from_item::<crate::model::DueItem>(item)?.record;
            if seen.insert(due_item.application_id) {
                match close_one(app, due_item.application_id, now).await? {
                    Some(true) => run.closed.push(due_item.application_id),
                    Some(false) => run.waiting.push(due_item.application_id),
                    None => {}
                }
            }
        }
    }
    Ok(run)
}

/// `Some(true)` closed now, `Some(false)` waiting on an objection (reminded now), `None` nothing
/// to do.
async fn close_one(
    app: &App,
    application_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Option<bool>, AppError> {
    let day = today(now);
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        let application = &loaded.record;
        let Some(publicity) = application.lifecycle.publicity else {
            return Ok(None);
        };
        if application.state() != ApplicationState::InPublicity
            || application.publicity_closed_on.is_some()
            || day <= publicity.last_day
        {
            return Ok(None);
        }
        let waiting = open_objection(app, application).await?;
        if waiting && application.objection_reminded_on == Some(day) {
            return Ok(None);
        }
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
        let mut updated = application.clone();
        let kind = if waiting {
            updated.objection_reminded_on = Some(day);
            NoticeKind::ObjectionPending
        } else {
            updated.publicity_closed_on = Some(day);
            NoticeKind::PublicityClosed
        };
        updated.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&updated, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        let about = About {
            application: &updated,
            cycle: &cycle.cycle,
            recommender: None,
        };
        tx.push(notices::owe(
            kind,
            &recipients::office(app),
            about.data(&BTreeMap::new()),
            Some(application_id),
            now,
        )?);
        tx.push(audit(
            keys::application_partition(application_id),
            SYSTEM_ACTOR,
            if waiting {
                "publicity_close_waits_for_objection"
            } else {
                "publicity_closed"
            },
            &[("last_day", publicity.last_day.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(Some(!waiting))
    })
    .await
}

// --- approval and award (Arts. 4, 11(9), 12–14) ------------------------------------------------

/// `POST /cycles/{id}/executive-meeting` (office).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutiveMeetingInput {
    pub date: NaiveDate,
    pub session: String,
    pub minutes_reference: String,
}

/// Records the municipal executive meeting (Art. 11(9)). Errors: `FutureDate`, `InvalidText`,
/// `PublicityNotStarted`.
pub async fn record_executive_meeting(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ExecutiveMeetingInput,
    now: DateTime<Utc>,
) -> Result<ExecutiveMeeting, AppError> {
    caller.require(Role::Office)?;
    if input.date > today(now) {
        return Err(AppError::FutureDate {
            date: input.date,
            today: today(now),
        });
    }
    let session = validation::text("session", &input.session, 200, false)?;
    let minutes_reference =
        validation::text("minutes_reference", &input.minutes_reference, 200, false)?;
    let (session, minutes_reference, input) = (&session, &minutes_reference, &input);
    retry_on_conflict(|| async move {
        let loaded = cycles::load_cycle(app, cycle_id).await?;
        let Some(publicity) = &loaded.record.decision.publicity else {
            return Err(AppError::PublicityNotStarted);
        };
        // Art. 11(9): the executive meeting decides on names that passed publicity.
        if input.date <= publicity.last_day {
            return Err(AppError::InvalidDecision {
                detail: "the executive meeting comes after the publicity's last day",
            });
        }
        // Once a name is approved on it, the meeting's record is final.
        let approved = store::load::<crate::model::QuotaCounter>(
            app.table.as_ref(),
            &keys::quota_counter(cycle_id),
        )
        .await?
        .is_some_and(|counter| counter.record.approved > 0);
        if approved {
            return Err(AppError::DecisionFinal);
        }
        let meeting = ExecutiveMeeting {
            date: input.date,
            session: session.clone(),
            minutes_reference: minutes_reference.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        };
        let mut record = loaded.record.clone();
        record.decision.executive_meeting = Some(meeting.clone());
        save_cycle(
            app,
            &loaded,
            &record,
            caller.sub(),
            "executive_meeting_recorded",
            &[
                ("date", input.date.to_string()),
                ("session", session.clone()),
            ],
            now,
        )
        .await?;
        Ok(meeting)
    })
    .await
}

/// `POST /applications/{id}/approve` (office): `{"approved_on": "2026-10-20"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    pub approved_on: NaiveDate,
}

/// Approves a name that passed publicity, after the executive meeting and on its date or later,
/// with no objection open; the quota (Art. 4) holds under concurrency (the stage path's counter).
/// Errors: `ExecutiveMeetingMissing`, `ObjectionOpen`, `PublicityRunning`, `QuotaReached`,
/// `FutureDate`, `IllegalTransition`.
pub async fn approve(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: ApprovalInput,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Office)?;
    let application = load_application(app, application_id).await?.record;
    let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
    let meeting = cycle
        .decision
        .executive_meeting
        .ok_or(AppError::ExecutiveMeetingMissing)?;
    if input.approved_on < meeting.date {
        return Err(AppError::InvalidApproval {
            detail: "the approval cannot precede the executive meeting",
        });
    }
    if open_objection(app, &application).await? {
        return Err(AppError::ObjectionOpen);
    }
    // Art. 11(8)–(9): only a name whose publicity closed goes to approval.
    if application.state() == ApplicationState::InPublicity
        && application.publicity_closed_on.is_none()
    {
        return Err(AppError::PublicityNotClosed);
    }
    stage::advance(
        app,
        &StageCommand {
            application_id,
            command: Command::Approve {
                approved_on: input.approved_on,
            },
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([
                ("approved_on".to_owned(), input.approved_on.to_string()),
                ("session".to_owned(), meeting.session.clone()),
            ]),
            settings: Settings::default(),
        },
        |_| Ok(()),
        |_| Ok(()),
    )
    .await
}

/// `POST /applications/{id}/award` (office): `{}` for the next number of the Office's format
/// (`武质奖〔<cycle>〕第<n>号`), or `{"certificate_number": "…"}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// The Office's certificate number format (武质奖〔2026〕第1号).
pub fn certificate_number(cycle_id: &str, sequence: usize) -> String {
    format!("武质奖〔{cycle_id}〕第{sequence}号")
}

/// Awards an approved application (Arts. 11(9), 12–14): the certificate number (unique: a guard
/// item), the award on the register (valid 5 years from the approval, Art. 5), the announcement
/// on the public board, the notices (`awarded` with Art. 14's restrictions, `reward_payable` to
/// the finance bureau) — one transaction. Errors: `CertificateNumberTaken`, `InvalidText`,
/// `IllegalTransition`.
pub async fn award(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: AwardInput,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Office)?;
    let application = load_application(app, application_id).await?.record;
    let meeting = cycles::load_cycle(app, &application.cycle_id)
        .await?
        .record
        .decision
        .executive_meeting;
    let number = match &input.certificate_number {
        Some(number) => validation::text("certificate_number", number, 100, false)?,
        None => {
            let awarded = applications::in_cycle(app, &application.cycle_id, None)
                .await?
                .iter()
                .filter(|other| other.lifecycle.award.is_some())
                .count();
            certificate_number(&application.cycle_id, awarded + 1)
        }
    };
    let number = &number;
    // The award schedules the aftercare by the Office's policy in force.
    let policy = settings::aftercare_policy(app).await?;
    stage::advance_with(
        app,
        &StageCommand {
            application_id,
            command: Command::Award {
                certificate_number: number.clone(),
            },
            actor: &caller.actor,
            now,
            notice_data: {
                let mut data = BTreeMap::from([
                    ("certificate_number".to_owned(), number.clone()),
                    (
                        "reward".to_owned(),
                        award_domain::money::AWARD_REWARD.to_string(),
                    ),
                ]);
                // The announcement names the decision it publishes (Art. 11(9)).
                if let Some(meeting) = &meeting {
                    data.insert(
                        "decision_reference".to_owned(),
                        format!("{}（{}）", meeting.session, meeting.minutes_reference),
                    );
                }
                data
            },
            settings: Settings {
                aftercare: Some(&policy),
                calendar: None,
            },
        },
        |_| Ok(()),
        |application| {
            application.reward = Some(RewardRecord::default());
            Ok(())
        },
        |application, cycle| {
            let validity = application
                .lifecycle
                .validity
                .ok_or_else(|| AppError::corrupt("awarded without a validity"))?;
            let mut tx = Tx::new();
            tx.guard(
                Write::Put {
                    item: store::to_item(
                        &crate::model::CertificateGuard {
                            number: number.clone(),
                            application_id,
                        },
                        1,
                    )?,
                    condition: Condition::NotExists,
                },
                || AppError::CertificateNumberTaken,
            );
            tx.push(Write::Put {
                item: store::to_item(
                    &RegisterEntry {
                        uscc: application.uscc.clone(),
                        organisation_name: application.organisation_name().to_owned(),
                        fact: RegisterFact::Award {
                            cycle_id: cycle.id.clone(),
                            validity,
                        },
                        recorded_at: now,
                        recorded_by: caller.sub().to_owned(),
                    },
                    1,
                )?,
                condition: Condition::None,
            });
            Ok(tx)
        },
    )
    .await
}

/// One winner as the announcement publishes it (Arts. 11(9), 12): no score, no evidence.
#[derive(Debug, Clone, Serialize)]
pub struct PublicWinner {
    pub organisation_name: String,
    pub uscc: String,
    pub division_code: String,
    pub certificate_number: String,
    /// China date of the executive meeting's approval.
    pub approved_on: NaiveDate,
    /// The last China date of the 5-year validity (Art. 5).
    pub last_valid_day: NaiveDate,
    /// `awarded`, or what became of the award since (`expired`, `revoked`).
    pub status: ApplicationState,
}

/// `GET /public/awards/{cycle}` (anyone).
#[derive(Debug, Clone, Serialize)]
pub struct PublicAwards {
    pub cycle_id: String,
    pub title: String,
    /// The decision the announcement publishes: e.g. 市政府第35次常务会议（武政常〔2026〕35号）.
    pub decision_reference: String,
    /// China date of the executive meeting.
    pub decided_on: NaiveDate,
    /// In certificate-number order.
    pub winners: Vec<PublicWinner>,
}

/// The cycle's winners in one list with the decision that made them (Art. 11(9): 予以公告):
/// only what the award announcements already published. Errors: `CycleNotFound`,
/// `NotAnnounced` (no award announced in the cycle yet).
pub async fn public_awards(app: &App, cycle_id: &str) -> Result<PublicAwards, AppError> {
    let cycle = cycles::load_cycle(app, cycle_id).await?.record;
    let meeting = cycle
        .decision
        .executive_meeting
        .ok_or(AppError::NotAnnounced)?;
    let mut winners: Vec<(usize, PublicWinner)> = applications::in_cycle(app, cycle_id, None)
        .await?
        .into_iter()
        .filter_map(|application| {
            let award = application.lifecycle.award.as_ref()?;
            let validity = application.lifecycle.validity?;
            Some((
                certificate_sequence(&award.certificate_number),
                PublicWinner {
                    organisation_name: application.organisation_name().to_owned(),
                    uscc: application.uscc.clone(),
                    division_code: application.form.organisation.division_code.clone(),
                    certificate_number: award.certificate_number.clone(),
                    approved_on: validity.approved_on,
                    last_valid_day: validity.last_valid_day,
                    status: application.state(),
                },
            ))
        })
        .collect();
    if winners.is_empty() {
        return Err(AppError::NotAnnounced);
    }
    winners.sort_by(|(a, x), (b, y)| {
        a.cmp(b)
            .then_with(|| x.certificate_number.cmp(&y.certificate_number))
    });
    Ok(PublicAwards {
        cycle_id: cycle_id.to_owned(),
        title: cycle.cycle.title,
        decision_reference: format!("{}（{}）", meeting.session, meeting.minutes_reference),
        decided_on: meeting.date,
        winners: winners.into_iter().map(|(_, winner)| winner).collect(),
    })
}

/// The `<n>` of 武质奖〔…〕第<n>号 (so that 第10号 follows 第9号); other formats sort last.
fn certificate_sequence(number: &str) -> usize {
    number
        .rsplit_once('第')
        .and_then(|(_, rest)| rest.strip_suffix('号'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

/// `POST /applications/{id}/reward/payment` (finance): `{"paid_on": "…", "voucher": "…"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub paid_on: NaiveDate,
    pub voucher: String,
}

/// `POST /applications/{id}/handover` (office): `{"date": "…"}` — plaque and certificate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverInput {
    pub date: NaiveDate,
}

/// The finance bureau records the reward paid (Art. 13: RMB 150 000, integer fen on the award
/// record). Errors: `RewardAlreadyPaid`, `FutureDate`, `IllegalTransition` (not awarded).
pub async fn record_payment(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: PaymentInput,
    now: DateTime<Utc>,
) -> Result<RewardRecord, AppError> {
    caller.require(Role::Finance)?;
    let voucher = validation::text("voucher", &input.voucher, 100, false)?;
    update_reward(
        app,
        caller,
        application_id,
        input.paid_on,
        now,
        // The winner is told its reward arrived (Art. 13), in the transaction that records it.
        ("reward_paid", Some(NoticeKind::RewardPaid)),
        |reward| {
            if reward.paid_on.is_some() {
                return Err(AppError::RewardAlreadyPaid);
            }
            reward.paid_on = Some(input.paid_on);
            reward.voucher = Some(voucher.clone());
            reward.paid_recorded_by = Some(caller.sub().to_owned());
            Ok(())
        },
    )
    .await
}

/// The Office records the plaque and certificate handed over (Art. 12), once, not before the
/// approval. Errors: `HandoverRecorded`, `InvalidDecision`, `FutureDate`, `IllegalTransition`.
pub async fn record_handover(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: HandoverInput,
    now: DateTime<Utc>,
) -> Result<RewardRecord, AppError> {
    caller.require(Role::Office)?;
    update_reward(
        app,
        caller,
        application_id,
        input.date,
        now,
        ("plaque_handed_over", None),
        |reward| {
            if reward.handed_over_on.is_some() {
                return Err(AppError::HandoverRecorded);
            }
            reward.handed_over_on = Some(input.date);
            Ok(())
        },
    )
    .await
}

async fn update_reward(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    date: NaiveDate,
    now: DateTime<Utc>,
    (action, notice): (&str, Option<NoticeKind>),
    change: impl Fn(&mut RewardRecord) -> Result<(), AppError>,
) -> Result<RewardRecord, AppError> {
    if date > today(now) {
        return Err(AppError::FutureDate {
            date,
            today: today(now),
        });
    }
    let change = &change;
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        if loaded.record.state() != ApplicationState::Awarded {
            return Err(AppError::illegal(loaded.record.state(), action));
        }
        // Nothing is paid or handed over before the approval it follows (Art. 11(9)).
        if let Some(validity) = loaded.record.lifecycle.validity
            && date < validity.approved_on
        {
            return Err(AppError::InvalidDecision {
                detail: "a payment or handover cannot precede the approval",
            });
        }
        let mut application = loaded.record.clone();
        let reward = application.reward.get_or_insert_with(RewardRecord::default);
        change(reward)?;
        let reward = reward.clone();
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        if let Some(kind) = notice {
            let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
            let about = About {
                application: &application,
                cycle: &cycle.cycle,
                recommender: None,
            };
            let amount = application
                .lifecycle
                .award
                .as_ref()
                .map_or(award_domain::money::AWARD_REWARD, |award| award.reward);
            tx.push(notices::owe(
                kind,
                &recipients::applicant(&application),
                about.data(&BTreeMap::from([
                    ("paid_on".to_owned(), date.to_string()),
                    ("reward_yuan".to_owned(), amount.yuan_text()),
                    (
                        "voucher".to_owned(),
                        reward.voucher.clone().unwrap_or_default(),
                    ),
                ])),
                Some(application_id),
                now,
            )?);
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            action,
            &[("date", date.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(reward)
    })
    .await
}

/// One award as the finance bureau and the Office follow it (Arts. 12, 13).
#[derive(Debug, Clone, Serialize)]
pub struct RewardLine {
    pub application_id: Ulid,
    pub cycle_id: String,
    pub organisation_name: String,
    pub uscc: String,
    pub certificate_number: String,
    /// Integer fen.
    pub reward_fen: i64,
    pub approved_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub voucher: Option<String>,
    pub handed_over_on: Option<NaiveDate>,
    /// The award revoked (Arts. 17, 18) on this China date, if it was.
    pub revoked_on: Option<NaiveDate>,
    /// Art. 17: the reward paid is still to come back (the case under `GET /revocation-cases`
    /// records the receipt).
    pub reward_to_reclaim: bool,
    /// China date the reward came back, after a revocation for fraud.
    pub returned_on: Option<NaiveDate>,
}

/// `GET /rewards` (finance, office): every award of every cycle with its reward's payment and the
/// handover, unpaid first — what the finance bureau has to pay, by the application id its payment
/// is recorded under.
pub async fn rewards(app: &App, caller: &Caller) -> Result<Vec<RewardLine>, AppError> {
    if !(caller.has(Role::Finance) || caller.has(Role::Office)) {
        return Err(AppError::Forbidden);
    }
    let mut lines = Vec::new();
    for cycle_id in cycles::cycle_ids(app).await? {
        for application in applications::in_cycle(app, &cycle_id, None).await? {
            let Some(award) = &application.lifecycle.award else {
                continue;
            };
            let reward = application.reward.clone().unwrap_or_default();
            lines.push(RewardLine {
                application_id: application.id,
                cycle_id: application.cycle_id.clone(),
                organisation_name: application.organisation_name().to_owned(),
                uscc: application.uscc.clone(),
                certificate_number: award.certificate_number.clone(),
                reward_fen: award.reward.0,
                approved_on: application.lifecycle.validity.map(|v| v.approved_on),
                paid_on: reward.paid_on,
                voucher: reward.voucher,
                handed_over_on: reward.handed_over_on,
                revoked_on: application.lifecycle.revocation.map(|bar| bar.revoked_on),
                reward_to_reclaim: application
                    .lifecycle
                    .revocation
                    .is_some_and(|bar| bar.ground.reclaims_reward())
                    && reward.paid_on.is_some()
                    && reward.returned_on.is_none(),
                returned_on: reward.returned_on,
            });
        }
    }
    lines.sort_by(|a, b| {
        a.paid_on
            .is_some()
            .cmp(&b.paid_on.is_some())
            .then(a.certificate_number.cmp(&b.certificate_number))
    });
    Ok(lines)
}
