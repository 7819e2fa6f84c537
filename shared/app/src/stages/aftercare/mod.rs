//! After the award (Arts. 5, 16, 17, 18): the daily run over the dated items the stages wrote
//! (expiry reminders, follow-up visits due, expiry, the end of a debarment), the Office's
//! aftercare policy, the follow-up visits, the revocation cases with their reclaim, and the
//! public register.
//!
//! The daily run (`reminders` Lambda) reads only what is due: the GSI2 partitions `DUE#<day>` of
//! every China day from the day after its watermark up to today, so an outage is caught up and
//! its reads grow with the items due, not with the table. Each item is handled in one
//! transaction with what it owes (notices, the `Expire` stage) and deleted in it under an
//! existence guard, so a second run, or two runs at once, send nothing twice.

mod routes;

pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::award::{AftercarePolicy, Art18Cause, Debarment, RevocationGround};
use award_domain::china_date;
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind, Recipient, ScheduleKind};
use award_domain::money::Fen;
use award_domain::roles::Actor;
use award_ports::{Condition, Index, Query, SortCondition, TableError, Write};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{
    AftercarePolicyRecord, AftercareWatermark, Application, AttachmentOwner, CaseDecision,
    CaseStatus, DocumentStatus, DueItem, FollowUpVisit, GovernmentApproval, RegisterEntry,
    RegisterFact, RevocationCase, RewardReturned, SYSTEM_ACTOR, new_id,
};
use crate::notices;
use crate::reads::applications::load_application;
use crate::reads::attachments::{self, AttachmentDeclaration, DeclaredAttachment};
use crate::reads::settings::aftercare_policy as policy;
use crate::reads::{cycles, register};
use crate::recipients::About;
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// A first run (no watermark yet) looks back this many days.
pub const FIRST_RUN_LOOKBACK_DAYS: u64 = 31;

// --- the Office's policy -------------------------------------------------------------------------

/// `GET /aftercare/policy` (staff).
pub async fn read_policy(app: &App, caller: &Caller) -> Result<AftercarePolicy, AppError> {
    cycles::require_staff(caller)?;
    policy(app).await
}

/// `PUT /aftercare/policy` (office): `{"reminder_days_before_expiry": [180, 90, 30],
/// "visit_interval_months": 12}`. Awards made from now on are scheduled by it. Errors:
/// `InvalidAftercarePolicy` (no offset, an offset over 5 years, an interval of 0 or over 60
/// months).
pub async fn set_policy(
    app: &App,
    caller: &Caller,
    policy: AftercarePolicy,
    now: DateTime<Utc>,
) -> Result<AftercarePolicy, AppError> {
    caller.require(Role::Office)?;
    let mut policy = policy;
    policy
        .reminder_days_before_expiry
        .sort_unstable_by(|a, b| b.cmp(a));
    policy.reminder_days_before_expiry.dedup();
    if policy.reminder_days_before_expiry.is_empty()
        || policy
            .reminder_days_before_expiry
            .iter()
            .any(|days| *days == 0 || *days > 5 * 366)
        || policy.visit_interval_months == 0
        || policy.visit_interval_months > 60
    {
        return Err(AppError::InvalidAftercarePolicy);
    }
    let record = AftercarePolicyRecord {
        policy,
        set_by: caller.sub().to_owned(),
        set_at: now,
    };
    let mut tx = Tx::new();
    tx.push(Write::Put {
        item: store::to_item(&record, 1)?,
        condition: Condition::None,
    });
    tx.push(audit(
        "SETTINGS".to_owned(),
        caller.sub(),
        "aftercare_policy_set",
        &[
            (
                "reminder_days_before_expiry",
                format!("{:?}", record.policy.reminder_days_before_expiry),
            ),
            (
                "visit_interval_months",
                record.policy.visit_interval_months.to_string(),
            ),
        ],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(record.policy)
}

// --- the daily run -------------------------------------------------------------------------------

/// What one run did (application ids).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AftercareRun {
    /// The China days read, oldest first.
    pub days: Vec<NaiveDate>,
    pub reminded: Vec<Ulid>,
    pub visits_due: Vec<Ulid>,
    pub expired: Vec<Ulid>,
    pub debarments_ended: Vec<Ulid>,
    /// Items whose work no longer applied (the award revoked before its reminder, ...).
    pub dropped: usize,
}

/// Handles every dated item due from the day after the watermark up to today (China dates), then
/// moves the watermark to today. A run that fails part-way leaves the watermark where it was: the
/// next run reads those days again and finds only what is still owed. The publicity's own items
/// (`publicity_ended`) are the `publicity` function's. Errors: the table's.
pub async fn run_daily(app: &App, now: DateTime<Utc>) -> Result<AftercareRun, AppError> {
    let today = china_date(now);
    let watermark =
        store::load::<AftercareWatermark>(app.table.as_ref(), &keys::aftercare_watermark()).await?;
    let mut day = match &watermark {
        Some(stored) => stored
            .record
            .last_completed_day
            .checked_add_days(Days::new(1))
            .ok_or_else(|| AppError::corrupt("a watermark at the end of time"))?,
        None => today
            .checked_sub_days(Days::new(FIRST_RUN_LOOKBACK_DAYS))
            .unwrap_or(today),
    };
    let mut run = AftercareRun::default();
    if day > today {
        return Ok(run);
    }
    while day <= today {
        run.days.push(day);
        let items = query_all(
            app.table.as_ref(),
            Query::partition(Index::Gsi2, keys::due_partition(day)),
        )
        .await?;
        for item in items {
            // The partition also lists the notices owed that day, and the publicity's items.
            if store::type_of(&item) != Some(keys::item_type::DUE) {
                continue;
            }
            let due = from_item::<DueItem>(item)?.record;
            if due.kind == ScheduleKind::PublicityEnded {
                continue;
            }
            match handle(app, &due, now).await? {
                Some(kind) => match kind {
                    ScheduleKind::ExpiryReminder => run.reminded.push(due.application_id),
                    ScheduleKind::FollowUpVisit => run.visits_due.push(due.application_id),
                    ScheduleKind::Expiry => run.expired.push(due.application_id),
                    ScheduleKind::DebarmentEnd => run.debarments_ended.push(due.application_id),
                    ScheduleKind::PublicityEnded => {}
                },
                None => run.dropped += 1,
            }
        }
        day = match day.checked_add_days(Days::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    let next = AftercareWatermark {
        last_completed_day: today,
        updated_at: now,
    };
    let write = match &watermark {
        Some(stored) => store::replace(&next, stored.version)?,
        None => store::create(&next)?,
    };
    match app.table.transact(vec![write]).await {
        // Another run moved it meanwhile: it handled the same days.
        Ok(()) | Err(TableError::Conflict) => Ok(run),
        Err(error) => Err(error.into()),
    }
}

/// The delete that marks `due` handled; it fails when another run handled it first.
fn handled(due: &DueItem) -> Write {
    Write::Delete {
        key: keys::due_item_keys(due.application_id, due.date, due.kind.as_str()).key,
        condition: Condition::Exists,
    }
}

/// One due item: `Some(kind)` when its work was done now, `None` when it no longer applied (it is
/// deleted all the same) or another run did it.
async fn handle(
    app: &App,
    due: &DueItem,
    now: DateTime<Utc>,
) -> Result<Option<ScheduleKind>, AppError> {
    let outcome = match due.kind {
        ScheduleKind::Expiry => expire(app, due, now).await,
        _ => notify(app, due, now).await,
    };
    match outcome {
        // The guard on the due item: another run handled it.
        Err(AppError::Table {
            source: TableError::Conflict,
        })
        | Err(AppError::ConcurrentUpdate) => Ok(None),
        other => other,
    }
}

/// Art. 5: the award expires the day after its last valid day, through the stage path (the
/// holder and the Office told; the holder may apply again).
async fn expire(
    app: &App,
    due: &DueItem,
    now: DateTime<Utc>,
) -> Result<Option<ScheduleKind>, AppError> {
    let application = load_application(app, due.application_id).await?.record;
    if application.state() != ApplicationState::Awarded {
        drop_item(app, due, now).await?;
        return Ok(None);
    }
    let system = Actor::new(SYSTEM_ACTOR, [award_domain::roles::Role::System]);
    stage::advance_with(
        app,
        &StageCommand {
            application_id: due.application_id,
            command: Command::Expire,
            actor: &system,
            now,
            notice_data: BTreeMap::new(),
            settings: Settings::default(),
        },
        |_| Ok(()),
        |_| Ok(()),
        |_, _| {
            let mut tx = Tx::new();
            tx.guard(handled(due), || AppError::ConcurrentUpdate);
            Ok(tx)
        },
    )
    .await?;
    Ok(Some(ScheduleKind::Expiry))
}

/// The reminders and the visits due (Arts. 5, 16), and the end of a debarment (Arts. 17, 18).
async fn notify(
    app: &App,
    due: &DueItem,
    now: DateTime<Utc>,
) -> Result<Option<ScheduleKind>, AppError> {
    let application = load_application(app, due.application_id).await?.record;
    // A reminder or a visit caught up only after the award ended has nothing left to act on.
    let valid_today = application.state() == ApplicationState::Awarded
        && application
            .lifecycle
            .validity
            .is_some_and(|validity| validity.covers(china_date(now)));
    let (applies, notices): (bool, &[(NoticeKind, Recipient)]) = match due.kind {
        ScheduleKind::ExpiryReminder => (
            valid_today,
            &[
                (NoticeKind::ExpiryReminder, Recipient::Applicant),
                (NoticeKind::ExpiryReminder, Recipient::Office),
            ],
        ),
        ScheduleKind::FollowUpVisit => (
            valid_today,
            &[(NoticeKind::FollowUpVisitDue, Recipient::Office)],
        ),
        ScheduleKind::DebarmentEnd => (
            application.state() == ApplicationState::Revoked,
            &[
                (NoticeKind::DebarmentEnded, Recipient::Applicant),
                (NoticeKind::DebarmentEnded, Recipient::Office),
            ],
        ),
        ScheduleKind::Expiry | ScheduleKind::PublicityEnded => (false, &[]),
    };
    if !applies {
        drop_item(app, due, now).await?;
        return Ok(None);
    }
    let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
    let about = About {
        application: &application,
        cycle: &cycle.cycle,
        recommender: None,
    };
    let data = about.data(&BTreeMap::from([(
        "due_date".to_owned(),
        due.date.to_string(),
    )]));
    let mut tx = Tx::new();
    tx.guard(handled(due), || AppError::ConcurrentUpdate);
    for (kind, to) in notices {
        if let Some(addressee) = about.addressee(app, *to) {
            tx.push(notices::owe(
                *kind,
                &addressee,
                data.clone(),
                Some(application.id),
                now,
            )?);
        }
    }
    tx.push(audit(
        keys::application_partition(application.id),
        SYSTEM_ACTOR,
        due.kind.as_str(),
        &[("due_date", due.date.to_string())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(Some(due.kind))
}

/// Deletes a due item whose work no longer applies (the award was revoked before its reminder).
async fn drop_item(app: &App, due: &DueItem, now: DateTime<Utc>) -> Result<(), AppError> {
    let mut tx = Tx::new();
    tx.guard(handled(due), || AppError::ConcurrentUpdate);
    tx.push(audit(
        keys::application_partition(due.application_id),
        SYSTEM_ACTOR,
        "due_item_dropped",
        &[
            ("kind", due.kind.as_str().to_owned()),
            ("due_date", due.date.to_string()),
        ],
        now,
    )?);
    tx.commit(app.table.as_ref()).await
}

// --- follow-up visits (Art. 16) ------------------------------------------------------------------

/// `POST /applications/{id}/visits` (office).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub date: NaiveDate,
    pub visitors: Vec<String>,
    pub findings: String,
    /// Documents of category `visit_report` already received on the application.
    #[serde(default)]
    pub document_ids: Vec<Ulid>,
}

/// Records a follow-up visit to a winner (Art. 16): its date (not in the future, not before the
/// approval), the visitors, the findings, the visit reports uploaded as the application's
/// documents of category `visit_report`; the same record sent twice is recorded once. Errors:
/// `NotAWinner`, `FutureDate`, `InvalidFollowUpDate` (before the approval), `InvalidField`
/// (visitors), `InvalidText`, `InvalidVisitDocument` (not a received `visit_report` of this
/// application).
pub async fn record_visit(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: VisitInput,
    now: DateTime<Utc>,
) -> Result<FollowUpVisit, AppError> {
    caller.require(Role::Office)?;
    let application = load_application(app, application_id).await?.record;
    let validity = winner_validity(&application)?;
    let today = china_date(now);
    if input.date > today {
        return Err(AppError::FutureDate {
            date: input.date,
            today,
        });
    }
    // Art. 16 visits the winners: within the award's validity.
    let latest = today.min(validity.last_valid_day);
    if input.date < validity.approved_on || input.date > latest {
        return Err(AppError::InvalidFollowUpDate {
            date: input.date,
            from: validity.approved_on,
            to: latest,
        });
    }
    if input.visitors.is_empty() || input.visitors.len() > 20 {
        return Err(AppError::invalid_field(
            "visitors: 1 to 20 names",
            "visitors：应填写 1 至 20 名巡访人员",
        ));
    }
    let visitors = input
        .visitors
        .iter()
        .map(|name| validation::text("visitors", name, 50, false))
        .collect::<Result<Vec<_>, _>>()?;
    let findings = validation::text("findings", &input.findings, 5000, true)?;
    for id in &input.document_ids {
        let document = store::load::<crate::model::Document>(
            app.table.as_ref(),
            &keys::document(application_id, *id),
        )
        .await?
        .ok_or(AppError::InvalidVisitDocument)?
        .record;
        if document.category != award_domain::form::DocumentCategory::VisitReport
            || document.status != DocumentStatus::Received
        {
            return Err(AppError::InvalidVisitDocument);
        }
    }
    // One record is one visit: its key is its content's fingerprint, created only once, so a
    // retry or a double click, even at the same moment, finds the visit already recorded.
    let mut visitors = visitors;
    visitors.sort();
    let mut document_ids = input.document_ids.clone();
    document_ids.sort();
    document_ids.dedup();
    let fingerprint = {
        use sha2::{Digest, Sha256};
        let canonical = serde_json::json!([input.date, visitors, findings, document_ids]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))[..16].to_owned()
    };
    let key = keys::visit(application_id, input.date, &fingerprint);
    if let Some(same) = store::load::<FollowUpVisit>(app.table.as_ref(), &key).await? {
        return Ok(same.record);
    }
    let visit = FollowUpVisit {
        id: new_id(now),
        fingerprint,
        application_id,
        date: input.date,
        visitors,
        findings,
        document_ids,
        recorded_by: caller.sub().to_owned(),
        recorded_at: now,
    };
    let mut tx = Tx::new();
    tx.guard(store::create(&visit)?, || AppError::ConcurrentUpdate);
    tx.push(audit(
        keys::application_partition(application_id),
        caller.sub(),
        "follow_up_visit_recorded",
        &[
            ("visit_id", visit.id.to_string()),
            ("date", visit.date.to_string()),
        ],
        now,
    )?);
    match tx.commit(app.table.as_ref()).await {
        Ok(()) => Ok(visit),
        // The same record landed at the same moment: that one is this visit.
        Err(AppError::ConcurrentUpdate) => store::load::<FollowUpVisit>(app.table.as_ref(), &key)
            .await?
            .map(|stored| stored.record)
            .ok_or(AppError::ConcurrentUpdate),
        Err(other) => Err(other),
    }
}

/// A winner's visits, and the next one scheduled.
#[derive(Debug, Clone, Serialize)]
pub struct Visits {
    pub visits: Vec<FollowUpVisit>,
    /// China date of the next follow-up visit due, if any.
    pub next_visit_due: Option<NaiveDate>,
}

/// `GET /applications/{id}/visits` (the Office; the holder, which sees no document ids).
/// Errors: `ApplicationNotFound` (also to anyone else).
pub async fn visits(app: &App, caller: &Caller, application_id: Ulid) -> Result<Visits, AppError> {
    let application = load_application(app, application_id).await?.record;
    let staff = caller.has(Role::Office);
    let holder = caller.has(Role::Applicant) && application.owner() == caller.sub();
    if !(staff || holder) {
        return Err(AppError::ApplicationNotFound);
    }
    let partition = keys::application_partition(application_id);
    let mut visits: Vec<FollowUpVisit> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, partition.clone())
            .sort(SortCondition::BeginsWith(keys::VISIT_PREFIX.to_owned())),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<FollowUpVisit>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    if !staff {
        for visit in &mut visits {
            visit.document_ids.clear();
        }
    }
    let next_visit_due = if application.state() == ApplicationState::Awarded {
        pending_visits(app, application_id)
            .await?
            .first()
            .map(|due| due.date)
    } else {
        None
    };
    Ok(Visits {
        visits,
        next_visit_due,
    })
}

/// The application's follow-up visits still scheduled, earliest first.
async fn pending_visits(app: &App, application_id: Ulid) -> Result<Vec<DueItem>, AppError> {
    let mut due: Vec<DueItem> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(application_id))
            .sort(SortCondition::BeginsWith("DUE#".to_owned())),
    )
    .await?
    .into_iter()
    .filter(|item| store::type_of(item) == Some(keys::item_type::DUE))
    .map(|item| from_item::<DueItem>(item).map(|stored| stored.record))
    .collect::<Result<Vec<_>, _>>()?
    .into_iter()
    .filter(|item| item.kind == ScheduleKind::FollowUpVisit)
    .collect();
    due.sort_by_key(|item| item.date);
    Ok(due)
}

/// `PUT /applications/{id}/next-visit` (office): `{"date": "2028-03-15"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextVisitInput {
    pub date: NaiveDate,
}

/// Moves the next scheduled follow-up visit to `date` (after today, before the visit scheduled
/// after it, within the validity): the due item is replaced in one transaction. Errors:
/// `NotAWinner`, `InvalidFollowUpDate`, `NoVisitScheduled`.
pub async fn reschedule_visit(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: NextVisitInput,
    now: DateTime<Utc>,
) -> Result<Visits, AppError> {
    caller.require(Role::Office)?;
    let application = load_application(app, application_id).await?.record;
    let validity = winner_validity(&application)?;
    let today = china_date(now);
    let pending: Vec<DueItem> = pending_visits(app, application_id)
        .await?
        .into_iter()
        .filter(|due| due.date > today)
        .collect();
    let next = pending.first().cloned().ok_or(AppError::NoVisitScheduled)?;
    // After today, within the validity, and before the visit scheduled after it: two visits never
    // fall on one day.
    let until = pending
        .get(1)
        .and_then(|following| following.date.pred_opt())
        .unwrap_or(validity.last_valid_day)
        .min(validity.last_valid_day);
    let from = today.succ_opt().unwrap_or(today);
    if input.date < from || input.date > until {
        return Err(AppError::InvalidFollowUpDate {
            date: input.date,
            from,
            to: until,
        });
    }
    if next.date != input.date {
        let moved = DueItem {
            date: input.date,
            created_at: now,
            ..next.clone()
        };
        let mut tx = Tx::new();
        tx.guard(handled(&next), || AppError::ConcurrentUpdate);
        tx.push(Write::Put {
            item: store::to_item(&moved, 1)?,
            condition: Condition::None,
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "follow_up_visit_rescheduled",
            &[
                ("from", next.date.to_string()),
                ("to", input.date.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
    }
    visits(app, caller, application_id).await
}

fn winner_validity(application: &Application) -> Result<award_domain::award::Validity, AppError> {
    match (application.state(), application.lifecycle.validity) {
        (ApplicationState::Awarded | ApplicationState::Expired, Some(validity)) => Ok(validity),
        _ => Err(AppError::NotAWinner),
    }
}

// --- revocation (Arts. 17, 18) -------------------------------------------------------------------

/// `POST /applications/{id}/revocation-cases` (office).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// `fraud` (Art. 17) or `cause` (Art. 18).
    pub ground: String,
    /// Art. 18: the cause's item, 1 to 5.
    #[serde(default)]
    pub cause: Option<u8>,
    /// Art. 18: the China date the cause occurred (within the award's 5 years).
    #[serde(default)]
    pub occurred_on: Option<NaiveDate>,
    pub facts: String,
}

fn ground_of(input: &CaseInput) -> Result<RevocationGround, AppError> {
    match (input.ground.as_str(), input.cause, input.occurred_on) {
        ("fraud", None, None) => Ok(RevocationGround::Fraud),
        ("cause", Some(item), Some(occurred_on)) => Ok(RevocationGround::Cause {
            cause: Art18Cause::from_number(item).ok_or(AppError::InvalidGround)?,
            occurred_on,
        }),
        _ => Err(AppError::InvalidGround),
    }
}

/// Opens a case against an award, awarded or expired (Art. 17 any time; Art. 18 only for a
/// cause that occurred within the 5 years): one open case per award, guarded on the
/// application's version. Errors: `NotAWinner`, `InvalidGround`, `OutsideArt18Window`,
/// `FutureDate`, `CaseOpen`, `InvalidText`.
pub async fn open_case(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: CaseInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    let ground = ground_of(&input)?;
    let facts = validation::text("facts", &input.facts, 5000, true)?;
    let today = china_date(now);
    if let RevocationGround::Cause { occurred_on, .. } = ground
        && occurred_on > today
    {
        return Err(AppError::FutureDate {
            date: occurred_on,
            today,
        });
    }
    let (ground, facts) = (&ground, &facts);
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        let application = &loaded.record;
        let validity = winner_validity(application)?;
        if let RevocationGround::Cause { occurred_on, .. } = ground
            && !validity.covers(*occurred_on)
        {
            return Err(AppError::OutsideArt18Window {
                occurred_on: *occurred_on,
                approved_on: validity.approved_on,
                last_valid_day: validity.last_valid_day,
            });
        }
        if application.open_case.is_some() {
            return Err(AppError::CaseOpen);
        }
        let case = RevocationCase {
            id: new_id(now),
            application_id,
            cycle_id: application.cycle_id.clone(),
            uscc: application.uscc.clone(),
            organisation_name: application.organisation_name().to_owned(),
            ground: *ground,
            facts: facts.clone(),
            evidence: Vec::new(),
            status: CaseStatus::Open,
            opened_by: caller.sub().to_owned(),
            opened_at: now,
            decision: None,
            approval: None,
            closing_reason: None,
            closed_by: None,
            closed_at: None,
            reclaim: Default::default(),
        };
        let mut updated = application.clone();
        updated.open_case = Some(case.id);
        updated.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&updated, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.guard(store::create(&case)?, || AppError::ConcurrentUpdate);
        // The holder learns a case is open and on what ground, so that it can state its case.
        tx.push(
            case_notice(
                app,
                NoticeKind::RevocationCaseOpened,
                &updated,
                &case,
                &[("opened_on", china_date(now).to_string())],
                now,
            )
            .await?,
        );
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "revocation_case_opened",
            &[
                ("case_id", case.id.to_string()),
                ("article", ground.article().to_owned()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(case)
    })
    .await
}

/// The notice `kind` about `case` to the award's holder: the common data of its application,
/// the case's article (`case_article`) and ground (`case_ground`), and `extra`.
async fn case_notice(
    app: &App,
    kind: NoticeKind,
    application: &Application,
    case: &RevocationCase,
    extra: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
    let about = About {
        application,
        cycle: &cycle.cycle,
        recommender: None,
    };
    let mut data = BTreeMap::from([
        (
            "case_article".to_owned(),
            case.ground.article_zh().to_owned(),
        ),
        ("case_ground".to_owned(), case.ground.description_zh()),
    ]);
    data.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone())),
    );
    notices::owe(
        kind,
        &crate::recipients::applicant(application),
        about.data(&data),
        Some(application.id),
        now,
    )
}

/// Loads a case, or `CaseNotFound`.
async fn load_case(app: &App, id: Ulid) -> Result<Stored<RevocationCase>, AppError> {
    store::load::<RevocationCase>(app.table.as_ref(), &keys::revocation_case(id))
        .await?
        .ok_or(AppError::CaseNotFound)
}

/// Who reads cases: the Office, the Committee (it decides) and the finance bureau (it reclaims).
fn require_case_reader(caller: &Caller) -> Result<(), AppError> {
    if caller.has(Role::Office) || caller.has(Role::Committee) || caller.has(Role::Finance) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `GET /revocation-cases` (office, committee, finance): every case, newest first.
pub async fn list_cases(app: &App, caller: &Caller) -> Result<Vec<RevocationCase>, AppError> {
    require_case_reader(caller)?;
    let mut cases: Vec<RevocationCase> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::CASES),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<RevocationCase>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    cases.reverse();
    Ok(cases)
}

/// `GET /revocation-cases/{id}` (office, committee, finance). Errors: `CaseNotFound`.
pub async fn read_case(app: &App, caller: &Caller, id: Ulid) -> Result<RevocationCase, AppError> {
    require_case_reader(caller)?;
    Ok(load_case(app, id).await?.record)
}

/// Saves `case` (version-guarded) with its audit record (`action` and its detail) and `extra`
/// writes (a failed condition is a lost race, re-run; a notice's never fails).
async fn save_case(
    app: &App,
    loaded: &Stored<RevocationCase>,
    case: &RevocationCase,
    actor: &str,
    (action, detail): (&str, &[(&str, String)]),
    extra: Vec<Write>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = Tx::new();
    tx.guard(store::replace(case, loaded.version)?, || {
        AppError::from(TableError::Conflict)
    });
    for write in extra {
        tx.guard(write, || AppError::from(TableError::Conflict));
    }
    tx.push(audit(
        format!("CASE#{}", case.id),
        actor,
        action,
        detail,
        now,
    )?);
    tx.commit(app.table.as_ref()).await
}

/// `POST /revocation-cases/{id}/evidence` (office): declares one evidence file (PDF, JPEG, PNG ≤
/// 10 MiB, checked like evidence once uploaded). Errors: `CaseNotFound`, `CaseDecided`, the
/// attachment's checks.
pub async fn declare_evidence(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    declaration: AttachmentDeclaration,
    now: DateTime<Utc>,
) -> Result<DeclaredAttachment, AppError> {
    caller.require(Role::Office)?;
    let declaration = &declaration;
    let attachment = retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        if loaded.record.status != CaseStatus::Open {
            return Err(AppError::CaseDecided);
        }
        let (attachment, write) = attachments::declare(
            AttachmentOwner::RevocationCase { case_id },
            declaration,
            caller.sub(),
            now,
        )?;
        let mut case = loaded.record.clone();
        case.evidence.push(attachment.id);
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "case_evidence_declared",
                &[
                    ("attachment_id", attachment.id.to_string()),
                    ("sha256", attachment.sha256.clone()),
                ],
            ),
            vec![write],
            now,
        )
        .await?;
        Ok(attachment)
    })
    .await?;
    let upload = attachments::upload_link(app, &attachment, now).await?;
    Ok(DeclaredAttachment { attachment, upload })
}

/// `POST /revocation-cases/{id}/committee-decision` (committee).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDecisionInput {
    pub date: NaiveDate,
    pub minutes_reference: String,
    pub revoke: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The Committee's decision (Art. 7(3)): to revoke (→ waiting for the city government) or not (the
/// case closes with the reason, the award untouched). Errors: `CaseNotFound`, `CaseDecided`,
/// `FutureDate`, `ReasonRequired` (not revoking needs a reason), `InvalidText`.
pub async fn decide_case(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: CaseDecisionInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Committee)?;
    let today = china_date(now);
    if input.date > today {
        return Err(AppError::FutureDate {
            date: input.date,
            today,
        });
    }
    let minutes_reference =
        validation::text("minutes_reference", &input.minutes_reference, 200, false)?;
    let reason = match (&input.reason, input.revoke) {
        (Some(reason), _) => Some(validation::text("reason", reason, 1000, true)?),
        (None, false) => {
            return Err(AppError::ReasonRequired {
                command: "decide not to revoke".into(),
            });
        }
        (None, true) => None,
    };
    let (input, minutes_reference, reason) = (&input, &minutes_reference, &reason);
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        if loaded.record.status != CaseStatus::Open {
            return Err(AppError::CaseDecided);
        }
        let opened_on = china_date(loaded.record.opened_at);
        if input.date < opened_on {
            return Err(AppError::InvalidCaseDate {
                date: input.date,
                after: opened_on,
            });
        }
        let mut case = loaded.record.clone();
        case.decision = Some(CaseDecision {
            date: input.date,
            minutes_reference: minutes_reference.clone(),
            revoke: input.revoke,
            reason: reason.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        let mut extra = Vec::new();
        if input.revoke {
            case.status = CaseStatus::RevocationProposed;
        } else {
            case.status = CaseStatus::Closed;
            case.closing_reason = reason.clone();
            case.closed_by = Some(caller.sub().to_owned());
            case.closed_at = Some(now);
            extra.push(release_application(app, case.application_id, now).await?);
        }
        // The holder is told the Committee's decision, either way (Art. 7(3)).
        let application = load_application(app, case.application_id).await?.record;
        let mut data = vec![
            ("decided_on", input.date.to_string()),
            ("minutes_reference", minutes_reference.clone()),
            ("revoke", input.revoke.to_string()),
        ];
        if let Some(reason) = reason {
            data.push(("decision_reason", reason.clone()));
        }
        extra.push(
            case_notice(
                app,
                NoticeKind::RevocationCaseDecided,
                &application,
                &case,
                &data,
                now,
            )
            .await?,
        );
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "case_decided",
                &[
                    ("revoke", input.revoke.to_string()),
                    ("minutes_reference", minutes_reference.clone()),
                ],
            ),
            extra,
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

/// The write that frees the application from its open case (version-guarded).
async fn release_application(
    app: &App,
    application_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    let loaded = load_application(app, application_id).await?;
    let mut updated = loaded.record.clone();
    updated.open_case = None;
    updated.updated_at = now;
    store::replace(&updated, loaded.version)
}

/// `POST /revocation-cases/{id}/close` (office): `{"reason": "…"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub reason: String,
}

/// Closes a case without revocation, with the reason: an open one (the investigation found
/// nothing), or one the Committee proposed that the city government did not approve. Errors:
/// `CaseNotFound`, `CaseDecided` (revoked or closed already), `InvalidText`.
pub async fn close_case(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: CloseInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    let reason = validation::text("reason", &input.reason, 1000, true)?;
    let reason = &reason;
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        if !matches!(
            loaded.record.status,
            CaseStatus::Open | CaseStatus::RevocationProposed
        ) {
            return Err(AppError::CaseDecided);
        }
        let mut case = loaded.record.clone();
        case.status = CaseStatus::Closed;
        case.closing_reason = Some(reason.clone());
        case.closed_by = Some(caller.sub().to_owned());
        case.closed_at = Some(now);
        let release = release_application(app, case.application_id, now).await?;
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            ("case_closed", &[("reason", reason.clone())]),
            vec![release],
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

/// `POST /revocation-cases/{id}/approval` (office): the city government's approval.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    pub date: NaiveDate,
    pub reference: String,
}

/// Records the city government's approval (Arts. 17, 18: 报市政府批准) and revokes the award on
/// that date through the stage path: the debarment (10 years for fraud, 5 for a cause) on the
/// award and on the register, the notices (the holder, the Office, the public board, and for
/// fraud the finance bureau's `reclaim_reward`), the bar's end scheduled — with the case, in one
/// transaction. Errors: `CaseNotFound`, `CaseNotProposed` (the Committee has not decided to
/// revoke), `FutureDate`, `InvalidText`, the stage's (`OutsideArt18Window` as `invalid_award_dates`).
pub async fn approve_revocation(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: ApprovalInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    let reference = validation::text("reference", &input.reference, 200, false)?;
    let loaded = load_case(app, case_id).await?;
    let case = &loaded.record;
    if case.status == CaseStatus::Revoked
        && case.approval.as_ref().map(|a| (a.date, &a.reference)) == Some((input.date, &reference))
    {
        return Ok(loaded.record);
    }
    match case.status {
        CaseStatus::RevocationProposed => {}
        CaseStatus::Open => return Err(AppError::CaseNotProposed),
        CaseStatus::Closed | CaseStatus::Revoked => return Err(AppError::CaseDecided),
    }
    if let Some(decision) = &case.decision
        && input.date < decision.date
    {
        return Err(AppError::InvalidCaseDate {
            date: input.date,
            after: decision.date,
        });
    }
    let approval = GovernmentApproval {
        date: input.date,
        reference: reference.clone(),
        recorded_by: caller.sub().to_owned(),
        recorded_at: now,
    };
    let mut revoked = case.clone();
    revoked.status = CaseStatus::Revoked;
    revoked.approval = Some(approval);
    let (revoked, version) = (&revoked, loaded.version);
    stage::advance_with(
        app,
        &StageCommand {
            application_id: case.application_id,
            command: Command::Revoke {
                ground: case.ground,
                revoked_on: input.date,
            },
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([
                ("revocation_reference".to_owned(), reference.clone()),
                ("article".to_owned(), case.ground.article_zh().to_owned()),
                ("case_id".to_owned(), case.id.to_string()),
            ]),
            settings: Settings::default(),
        },
        |_| Ok(()),
        |application| {
            application.open_case = None;
            Ok(())
        },
        |application, _| {
            let debarment = application
                .lifecycle
                .revocation
                .ok_or_else(|| AppError::corrupt("revoked without a debarment"))?;
            let validity = application
                .lifecycle
                .validity
                .ok_or_else(|| AppError::corrupt("revoked without a validity"))?;
            let mut tx = Tx::new();
            tx.guard(store::replace(revoked, version)?, || {
                AppError::from(TableError::Conflict)
            });
            tx.push(Write::Put {
                item: store::to_item(
                    &RegisterEntry {
                        uscc: application.uscc.clone(),
                        organisation_name: application.organisation_name().to_owned(),
                        fact: RegisterFact::Debarment {
                            award_approved_on: validity.approved_on,
                            debarment,
                        },
                        recorded_at: now,
                        recorded_by: caller.sub().to_owned(),
                    },
                    1,
                )?,
                condition: Condition::None,
            });
            tx.push(audit(
                format!("CASE#{}", revoked.id),
                caller.sub(),
                "revocation_approved",
                &[
                    ("date", input.date.to_string()),
                    ("reference", reference.clone()),
                ],
                now,
            )?);
            Ok(tx)
        },
    )
    .await?;
    Ok(revoked.clone())
}

/// `POST /revocation-cases/{id}/returns` (office): the plaque and the certificate returned.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnsInput {
    #[serde(default)]
    pub plaque_returned_on: Option<NaiveDate>,
    #[serde(default)]
    pub certificate_returned_on: Option<NaiveDate>,
}

/// Records the plaque's and the certificate's return (Arts. 17, 18), each once, not before the
/// revocation nor in the future. Errors: `CaseNotFound`, `CaseNotRevoked`, `FutureDate`,
/// `InvalidReclaimDate`, `AlreadyRecorded`, `NothingToRecord`.
pub async fn record_returns(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: ReturnsInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    if input.plaque_returned_on.is_none() && input.certificate_returned_on.is_none() {
        return Err(AppError::NothingToRecord);
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        let revoked_on = revoked_on(&loaded.record)?;
        let mut case = loaded.record.clone();
        for (given, slot) in [
            (
                input.plaque_returned_on,
                &mut case.reclaim.plaque_returned_on,
            ),
            (
                input.certificate_returned_on,
                &mut case.reclaim.certificate_returned_on,
            ),
        ] {
            if let Some(date) = given {
                check_reclaim_date(date, revoked_on, now)?;
                match slot {
                    Some(existing) if *existing == date => {}
                    Some(_) => return Err(AppError::AlreadyRecorded),
                    None => *slot = Some(date),
                }
            }
        }
        if case == loaded.record {
            return Ok(case);
        }
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "reclaim_returns_recorded",
                &[
                    (
                        "plaque_returned_on",
                        format!("{:?}", case.reclaim.plaque_returned_on),
                    ),
                    (
                        "certificate_returned_on",
                        format!("{:?}", case.reclaim.certificate_returned_on),
                    ),
                ],
            ),
            Vec::new(),
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

/// `POST /revocation-cases/{id}/reward-returned` (finance).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardReturnedInput {
    pub received_on: NaiveDate,
    pub receipt: String,
    /// Integer fen; the reward paid (Art. 13: 15 000 000 fen).
    pub amount_fen: Fen,
}

/// Records the reward money returned after a fraud revocation (Art. 17), once, as the finance
/// bureau receives it. Errors: `CaseNotFound`, `CaseNotRevoked`, `NoRewardToReclaim` (Art. 18
/// reclaims no money), `InvalidAmount`, `FutureDate`, `InvalidReclaimDate`, `AlreadyRecorded`.
pub async fn record_reward_returned(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: RewardReturnedInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Finance)?;
    let receipt = validation::text("receipt", &input.receipt, 100, false)?;
    let (input, receipt) = (&input, &receipt);
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        let revoked_on = revoked_on(&loaded.record)?;
        if !loaded.record.ground.reclaims_reward() {
            return Err(AppError::NoRewardToReclaim);
        }
        // Art. 17 reclaims the reward paid: nothing when none was paid, else the whole award.
        let stored_application = load_application(app, loaded.record.application_id).await?;
        let holder = &stored_application.record;
        let paid = holder
            .reward
            .as_ref()
            .is_some_and(|reward| reward.paid_on.is_some());
        let expected = match (&holder.lifecycle.award, paid) {
            (Some(award), true) => award.reward.0,
            _ => return Err(AppError::NoRewardToReclaim),
        };
        if input.amount_fen.0 != expected {
            return Err(AppError::InvalidAmount { expected });
        }
        check_reclaim_date(input.received_on, revoked_on, now)?;
        let mut case = loaded.record.clone();
        match &case.reclaim.reward {
            Some(existing)
                if existing.received_on == input.received_on
                    && &existing.receipt == receipt
                    && existing.amount_fen == input.amount_fen =>
            {
                return Ok(case);
            }
            Some(_) => return Err(AppError::AlreadyRecorded),
            None => {}
        }
        case.reclaim.reward = Some(RewardReturned {
            amount_fen: input.amount_fen,
            received_on: input.received_on,
            receipt: receipt.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        // The finance bureau's list (`GET /rewards`) reads the return on the award.
        let mut returned = holder.clone();
        if let Some(reward) = returned.reward.as_mut() {
            reward.returned_on = Some(input.received_on);
        }
        returned.updated_at = now;
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "reward_returned",
                &[
                    ("amount_fen", input.amount_fen.to_string()),
                    ("receipt", receipt.clone()),
                ],
            ),
            vec![store::replace(&returned, stored_application.version)?],
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

fn revoked_on(case: &RevocationCase) -> Result<NaiveDate, AppError> {
    match (&case.status, &case.approval) {
        (CaseStatus::Revoked, Some(approval)) => Ok(approval.date),
        _ => Err(AppError::CaseNotRevoked),
    }
}

fn check_reclaim_date(
    date: NaiveDate,
    revoked_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = china_date(now);
    if date > today {
        return Err(AppError::FutureDate { date, today });
    }
    if date < revoked_on {
        return Err(AppError::InvalidReclaimDate { date, revoked_on });
    }
    Ok(())
}

// --- the public register (Art. 3) ----------------------------------------------------------------

/// One award on the public register.
#[derive(Debug, Clone, Serialize)]
pub struct PublicAward {
    pub organisation_name: String,
    pub uscc: String,
    pub cycle_id: String,
    /// China dates.
    pub approved_on: NaiveDate,
    pub last_valid_day: NaiveDate,
    /// `valid`, `expired` or `revoked` (today, China time).
    pub status: &'static str,
    /// For a revoked award: `第十七条` or `第十八条`.
    pub revoked_under: Option<&'static str>,
    pub revoked_on: Option<NaiveDate>,
}

/// A debarment still running.
#[derive(Debug, Clone, Serialize)]
pub struct PublicDebarment {
    pub organisation_name: String,
    pub uscc: String,
    pub article: &'static str,
    pub revoked_on: NaiveDate,
    /// The last China day of the bar.
    pub until: NaiveDate,
    /// The first China day it may apply again (the day after `until`).
    pub may_apply_again_from: NaiveDate,
}

/// `GET /public/register`.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRegister {
    /// China date the statuses are as of.
    pub as_of: NaiveDate,
    pub awards: Vec<PublicAward>,
    pub debarments: Vec<PublicDebarment>,
}

/// The register as the public may read it (Art. 3): awards (valid, expired, revoked with the
/// article), running debarments (name, USCC, until when) — what the announcements already made
/// public, nothing more. One query of GSI1 `REGISTER`.
pub async fn public_register(app: &App, now: DateTime<Utc>) -> Result<PublicRegister, AppError> {
    let today = china_date(now);
    let entries = register::all(app).await?;
    let bars: Vec<(&RegisterEntry, NaiveDate, Debarment)> = entries
        .iter()
        .filter_map(|entry| match &entry.fact {
            RegisterFact::Debarment {
                award_approved_on,
                debarment,
            } => Some((entry, *award_approved_on, *debarment)),
            RegisterFact::Award { .. } => None,
        })
        .collect();
    let mut awards: Vec<PublicAward> = entries
        .iter()
        .filter_map(|entry| match &entry.fact {
            RegisterFact::Award { cycle_id, validity } => {
                let bar = bars.iter().find(|(bar, approved_on, _)| {
                    bar.uscc == entry.uscc && *approved_on == validity.approved_on
                });
                let status = match bar {
                    Some(_) => "revoked",
                    None if validity.covers(today) => "valid",
                    None if today < validity.approved_on => "valid",
                    None => "expired",
                };
                Some(PublicAward {
                    organisation_name: entry.organisation_name.clone(),
                    uscc: entry.uscc.clone(),
                    cycle_id: cycle_id.clone(),
                    approved_on: validity.approved_on,
                    last_valid_day: validity.last_valid_day,
                    status,
                    revoked_under: bar.map(|(_, _, debarment)| debarment.ground.article_zh()),
                    revoked_on: bar.map(|(_, _, debarment)| debarment.revoked_on),
                })
            }
            RegisterFact::Debarment { .. } => None,
        })
        .collect();
    awards.sort_by(|a, b| {
        b.approved_on
            .cmp(&a.approved_on)
            .then_with(|| a.uscc.cmp(&b.uscc))
    });
    let mut debarments: Vec<PublicDebarment> = bars
        .iter()
        .filter(|(_, _, debarment)| debarment.last_day >= today)
        .map(|(entry, _, debarment)| PublicDebarment {
            organisation_name: entry.organisation_name.clone(),
            uscc: entry.uscc.clone(),
            article: debarment.ground.article_zh(),
            revoked_on: debarment.revoked_on,
            until: debarment.last_day,
            may_apply_again_from: debarment.may_apply_again_from,
        })
        .collect();
    debarments.sort_by(|a, b| a.until.cmp(&b.until).then_with(|| a.uscc.cmp(&b.uscc)));
    Ok(PublicRegister {
        as_of: today,
        awards,
        debarments,
    })
}
