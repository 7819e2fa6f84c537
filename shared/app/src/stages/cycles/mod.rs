//! Award cycles: load, let the domain's [`Cycle`] decide (Art. 4 biennial ids and quota, Art. 7(2)
//! and 20 the Committee's approval of the rules, Art. 11(1) the call), save. One is open at a time.

pub mod calendar;
mod routes;

pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::cycle::{self, Cycle, CycleError, CycleStatus};
use award_domain::form::DocumentCategory;
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind};
use award_domain::roles::{Actor, Role};
use award_domain::rules::ReviewRules;
use award_ports::{Condition, Index, Query, SortCondition, Write};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::Caller;
use crate::keys;
use crate::model::{CycleRecord, OpenCycleGuard, SYSTEM_ACTOR};
use crate::notices;
use crate::reads::applications;
use crate::reads::cycles::{cycle_ids, load_cycle, load_open_cycle, require_staff};
use crate::recipients::{self, About};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// `POST /cycles`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCycle {
    pub id: String,
    pub title: String,
    pub application_deadline: String,
    pub recommendation_deadline: String,
    /// Art. 4: 1 to 3 awards; the domain's default (3) when absent.
    #[serde(default)]
    pub quota: Option<u32>,
}

/// `POST /cycles` (office): a draft cycle with the default review rules, which the Committee must
/// approve before the Office opens it.
pub async fn create_cycle(
    app: &App,
    caller: &Caller,
    input: NewCycle,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    let id = input.id.trim();
    // Length and control characters only; the domain decides whether a title is present.
    let title = match input.title.trim() {
        "" => String::new(),
        text => validation::name("title", text, || AppError::InvalidCycleTitle)?,
    };
    let application_deadline =
        validation::date(&input.application_deadline).ok_or(AppError::InvalidCycle {
            detail: "application_deadline must be YYYY-MM-DD",
        })?;
    let recommendation_deadline =
        validation::date(&input.recommendation_deadline).ok_or(AppError::InvalidCycle {
            detail: "recommendation_deadline must be YYYY-MM-DD",
        })?;
    let existing = cycle_ids(app).await?;
    let mut cycle = Cycle::create(
        id,
        &title,
        application_deadline,
        recommendation_deadline,
        &existing,
        &caller.actor,
        now,
    )?;
    if let Some(quota) = input.quota {
        cycle = cycle.set_quota(quota, &caller.actor)?;
    }
    let record = CycleRecord {
        cycle,
        created_at: now,
        created_by: caller.sub().to_owned(),
        opened_at: None,
        decision: crate::model::CycleDecision::default(),
    };
    // The listing above comes from an index that may lag; the neighbours' absence is checked
    // again inside the write, so two concurrent creations cannot both pass Art. 4.
    let neighbours = cycle::conflicting_ids(&record.cycle.id)?;
    let mut tx = Tx::new();
    tx.guard(store::create(&record)?, || AppError::CycleExists);
    tx.push(audit(
        keys::cycle_partition(&record.cycle.id),
        caller.sub(),
        "cycle_created",
        &[
            ("title", record.cycle.title.clone()),
            ("quota", record.cycle.quota.to_string()),
        ],
        now,
    )?);
    for neighbour in neighbours {
        let write = Write::Check {
            key: keys::cycle(&neighbour),
            condition: Condition::NotExists,
        };
        tx.guard(write, move || AppError::CycleNotBiennial {
            existing: neighbour.clone(),
        });
    }
    tx.commit(app.table.as_ref()).await?;
    Ok(record)
}

/// `PUT /cycles/{id}/rules` (office, Art. 20): the Office sets the cycle's review rules (the
/// rubric, aggregation, disagreement rule, shortlist policy, weights, candidate bar, publicity
/// days, panel sizes) while they are not frozen; an approval given to earlier rules lapses, so
/// the Committee approves what it will be bound by. Errors: `CycleNotFound`, `Forbidden`,
/// `RulesFrozen`, and the rules' own (`InvalidRules`, 422, its `details` naming the field).
pub async fn set_rules(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    rules: ReviewRules,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    let rules = &rules;
    change_cycle(app, caller, cycle_id, "cycle_rules_set", now, |cycle| {
        let approved_before = cycle.rules_approval.is_some();
        let cycle = cycle.set_rules(rules.clone(), &caller.actor)?;
        let fields = rules_fields(&cycle, [("approval_lapsed", approved_before.to_string())]);
        Ok((cycle, fields))
    })
    .await
}

/// `POST /cycles/{id}/rules/approve` (committee, Art. 7(2), 20): the Committee approves the
/// cycle's review rules, with who and when kept on the cycle and in the audit trail.
pub async fn approve_rules(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    change_cycle(
        app,
        caller,
        cycle_id,
        "cycle_rules_approved",
        now,
        |cycle| {
            let cycle = cycle.approve_rules(&caller.actor, now)?;
            let fields = rules_fields(&cycle, []);
            Ok((cycle, fields))
        },
    )
    .await
}

/// What the audit record of a change of rules keeps: the rubric, the publicity days, and `more`.
fn rules_fields<const N: usize>(
    cycle: &Cycle,
    more: [(&'static str, String); N],
) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("rubric", cycle.rules.rubric.standard.clone()),
        (
            "publicity_working_days",
            cycle.rules.publicity_working_days.to_string(),
        ),
    ];
    fields.extend(more);
    fields
}

/// One decision on a stored cycle: loads it, lets `decide` change it (returning the audit
/// record's fields), and saves it with its audit record `action`, guarded by the version read
/// (retried on a concurrent change).
async fn change_cycle<F>(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    action: &'static str,
    now: DateTime<Utc>,
    decide: F,
) -> Result<CycleRecord, AppError>
where
    F: Fn(Cycle) -> Result<(Cycle, Vec<(&'static str, String)>), AppError>,
{
    let decide = &decide;
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, cycle_id).await?;
        let mut record = loaded.record;
        let (cycle, fields) = decide(record.cycle)?;
        record.cycle = cycle;
        let mut tx = Tx::new();
        tx.guard(store::replace(&record, loaded.version)?, || {
            AppError::from(award_ports::TableError::Conflict)
        });
        tx.push(audit(
            keys::cycle_partition(&record.cycle.id),
            caller.sub(),
            action,
            &fields,
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(record)
    })
    .await
}

/// `DELETE /cycles/{id}` (office, Art. 9(3)): withdraws a cycle created by mistake while it is a
/// draft — its call never published — so that its year can be created again; the audit record
/// of the withdrawal stays in the cycle's partition. Errors: `CycleNotFound`, `Forbidden`,
/// `CyclePublished` (409) once the call is published.
pub async fn cancel_cycle(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, cycle_id).await?;
        loaded.record.cycle.cancel(&caller.actor)?;
        let mut tx = Tx::new();
        tx.guard(
            Write::Delete {
                key: keys::cycle(cycle_id),
                condition: Condition::VersionEquals(loaded.version),
            },
            || AppError::from(award_ports::TableError::Conflict),
        );
        tx.push(audit(
            keys::cycle_partition(cycle_id),
            caller.sub(),
            "cycle_cancelled",
            &[("title", loaded.record.cycle.title.clone())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(())
    })
    .await
}

/// `POST /cycles/{id}/open` (office, Art. 11(1)): publishes the call once the Committee has
/// approved the rules; no other cycle may be open.
pub async fn open_cycle(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, cycle_id).await?;
        let mut record = loaded.record;
        record.cycle = record
            .cycle
            .open(&caller.actor, now)
            .map_err(|error| match error {
                // The stored deadline has passed: a conflict with the cycle, not a bad request.
                CycleError::DeadlinePassed { .. } => AppError::ApplicationDeadlinePassed,
                other => other.into(),
            })?;
        record.opened_at = Some(now);
        let mut tx = Tx::new();
        tx.guard(store::replace(&record, loaded.version)?, || {
            AppError::from(award_ports::TableError::Conflict)
        });
        tx.guard(
            store::create(&OpenCycleGuard {
                cycle_id: record.cycle.id.clone(),
            })?,
            || AppError::AnotherCycleOpen,
        );
        tx.push(audit(
            keys::cycle_partition(&record.cycle.id),
            caller.sub(),
            "cycle_opened",
            &[],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(record)
    })
    .await
}

/// What the public sees of the open cycle: the call and its rules (Art. 3, 9(3)), with when they
/// were approved and opened, but not which staff accounts did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PublicCycle {
    pub id: String,
    pub title: String,
    pub status: CycleStatus,
    pub application_deadline: NaiveDate,
    pub recommendation_deadline: NaiveDate,
    pub quota: u32,
    pub rules: ReviewRules,
    pub rules_approved_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    /// The evidence an applicant must upload before submitting (Art. 10, 11(2)); a construction
    /// enterprise also `project_award_certificate`.
    pub required_documents: Vec<DocumentCategory>,
}

impl From<CycleRecord> for PublicCycle {
    fn from(record: CycleRecord) -> Self {
        let Cycle {
            id,
            title,
            application_deadline,
            recommendation_deadline,
            quota,
            status,
            rules,
            rules_approval,
            rules_frozen_at: _,
        } = record.cycle;
        Self {
            id,
            title,
            status,
            application_deadline,
            recommendation_deadline,
            quota,
            rules,
            rules_approved_at: rules_approval.map(|approval| approval.at),
            opened_at: record.opened_at,
            required_documents: DocumentCategory::required_for_submission(false),
        }
    }
}

/// `GET /cycles/open`: public, the call for applications is published (Art. 9(3), 11(1)).
pub async fn open_cycle_info(app: &App) -> Result<PublicCycle, AppError> {
    Ok(load_open_cycle(app).await?.record.into())
}

/// `GET /public/cycles/{id}` (anyone): a call once published, with the rules it is reviewed by
/// (Arts. 9(3), 20), also after it closed — the applicant reads its form against them. A cycle
/// never opened is the Office's draft: `CycleNotFound`, as for a cycle that does not exist.
pub async fn public_cycle(app: &App, id: &str) -> Result<PublicCycle, AppError> {
    let record = load_cycle(app, id).await?.record;
    if record.opened_at.is_none() {
        return Err(AppError::CycleNotFound);
    }
    Ok(record.into())
}

/// `GET /cycles` (staff): every cycle, newest first.
pub async fn list_cycles(app: &App, caller: &Caller) -> Result<Vec<CycleRecord>, AppError> {
    require_staff(caller)?;
    let mut cycles: Vec<CycleRecord> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::CYCLES),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<CycleRecord>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    cycles.sort_by(|a, b| b.cycle.id.cmp(&a.cycle.id));
    Ok(cycles)
}

/// A cycle as staff read it, with its `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CycleView {
    #[serde(flatten)]
    pub record: CycleRecord,
    pub version: u64,
}

/// `GET /cycles/{id}` (staff).
pub async fn get_cycle(app: &App, caller: &Caller, id: &str) -> Result<CycleView, AppError> {
    require_staff(caller)?;
    let loaded = load_cycle(app, id).await?;
    Ok(CycleView {
        record: loaded.record,
        version: loaded.version,
    })
}

/// `POST /cycles/{id}/deadlines`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineExtension {
    #[serde(default)]
    pub application_deadline: Option<String>,
    #[serde(default)]
    pub recommendation_deadline: Option<String>,
}

/// `POST /cycles/{id}/deadlines` (office, Art. 9(3), 11(1)): extends a published deadline (never
/// shortens it; the domain decides) and tells every draft's contact, in the same transaction.
pub async fn extend_deadlines(
    app: &App,
    caller: &Caller,
    id: &str,
    input: DeadlineExtension,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    let parse =
        |text: &Option<String>, field: &'static str| -> Result<Option<NaiveDate>, AppError> {
            text.as_deref()
                .map(|text| validation::date(text).ok_or(AppError::InvalidCycle { detail: field }))
                .transpose()
        };
    let application = parse(
        &input.application_deadline,
        "application_deadline must be YYYY-MM-DD",
    )?;
    let recommendation = parse(
        &input.recommendation_deadline,
        "recommendation_deadline must be YYYY-MM-DD",
    )?;
    if application.is_none() && recommendation.is_none() {
        return Err(AppError::NoDeadlineGiven);
    }
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, id).await?;
        let previous = loaded.record.cycle.clone();
        let mut record = loaded.record;
        record.cycle =
            record
                .cycle
                .extend_deadlines(application, recommendation, &caller.actor, now)?;
        let mut tx = Tx::new();
        tx.guard(store::replace(&record, loaded.version)?, || {
            AppError::from(award_ports::TableError::Conflict)
        });
        tx.push(audit(
            keys::cycle_partition(id),
            caller.sub(),
            "cycle_deadlines_extended",
            &[
                (
                    "application_deadline",
                    format!(
                        "{} -> {}",
                        previous.application_deadline, record.cycle.application_deadline
                    ),
                ),
                (
                    "recommendation_deadline",
                    format!(
                        "{} -> {}",
                        previous.recommendation_deadline, record.cycle.recommendation_deadline
                    ),
                ),
            ],
            now,
        )?);
        if previous.status != CycleStatus::Draft {
            let extra = BTreeMap::from([
                (
                    "previous_application_deadline".to_owned(),
                    previous.application_deadline.to_string(),
                ),
                (
                    "previous_recommendation_deadline".to_owned(),
                    previous.recommendation_deadline.to_string(),
                ),
            ]);
            for draft in applications::in_cycle(app, id, Some(ApplicationState::Draft)).await? {
                let about = About {
                    application: &draft,
                    cycle: &record.cycle,
                    recommender: None,
                };
                tx.push(notices::owe(
                    NoticeKind::DeadlineExtended,
                    &recipients::applicant(&draft),
                    about.data(&extra),
                    Some(draft.id),
                    now,
                )?);
            }
        }
        tx.commit(app.table.as_ref()).await?;
        Ok(record)
    })
    .await
}

/// What one run of the cycle schedule did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CycleRun {
    /// Cycles whose call closed (application deadline passed).
    pub closed: Vec<String>,
    /// Cycles moved on to review (recommendation deadline passed).
    pub reviewing: Vec<String>,
    /// Applications closed for want of a recommendation.
    pub unrecommended: usize,
}

/// The scheduled job of Art. 11(1)–(3) (daily; EventBridge Scheduler on AWS, the local runner's
/// scheduler locally): closes every open cycle whose application deadline day has ended (China
/// time) and releases the one-open-cycle guard, so the next cycle (Art. 4) can open; moves every
/// closed cycle whose recommendation deadline day has ended on to review, after closing the
/// applications still waiting for a recommendation (rejected: "no recommendation by the
/// deadline", with notices). It reads the cycles' current statuses, not a date log, so a missed
/// run is caught up by the next and a second run the same day finds nothing to do.
pub async fn advance_cycles(app: &App, now: DateTime<Utc>) -> Result<CycleRun, AppError> {
    let system = Actor::new(SYSTEM_ACTOR, [Role::System]);
    let mut run = CycleRun::default();
    let in_status = |status: CycleStatus| {
        query_all(
            app.table.as_ref(),
            Query::partition(Index::Gsi1, keys::CYCLES).sort(SortCondition::BeginsWith(
                keys::cycles_in_status_prefix(status.as_str()),
            )),
        )
    };
    // Both statuses in one round trip.
    let (open, closed) =
        tokio::try_join!(in_status(CycleStatus::Open), in_status(CycleStatus::Closed))?;
    for (status, items) in [(CycleStatus::Open, open), (CycleStatus::Closed, closed)] {
        for item in items {
            let cycle = from_item::<CycleRecord>(item)?.record.cycle;
            // The index's copy may lag, but a deadline is only ever extended: when its copy has
            // nothing due, neither has the cycle, and no strongly consistent read is needed.
            if !cycle.due(now) {
                continue;
            }
            let id = cycle.id;
            if status == CycleStatus::Open && close_call(app, &system, &id, now).await? {
                run.closed.push(id.clone());
            }
            // A call closed just now may also be past its recommendation deadline (a missed run).
            if let Some(closed) = start_review(app, &system, &id, now).await? {
                run.unrecommended += closed;
                run.reviewing.push(id);
            }
        }
    }
    Ok(run)
}

/// Closes the call of cycle `id` if its deadline day has ended; `false` when there is nothing to do.
async fn close_call(
    app: &App,
    system: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, id).await?;
        let mut record = loaded.record;
        record.cycle = match record.cycle.close(system, now) {
            Ok(cycle) => cycle,
            Err(CycleError::Status { .. } | CycleError::DeadlineNotReached { .. }) => {
                return Ok(false);
            }
            Err(other) => return Err(other.into()),
        };
        let mut tx = Tx::new();
        tx.guard(store::replace(&record, loaded.version)?, || {
            AppError::from(award_ports::TableError::Conflict)
        });
        // The guard names this cycle; deleting it lets the next cycle open.
        tx.push(Write::Delete {
            key: keys::open_cycle_guard(),
            condition: Condition::None,
        });
        tx.push(audit(
            keys::cycle_partition(id),
            SYSTEM_ACTOR,
            "cycle_closed",
            &[(
                "application_deadline",
                record.cycle.application_deadline.to_string(),
            )],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(true)
    })
    .await
}

/// Closes one application no unit recommended by the deadline (Art. 11(3)).
async fn close_unrecommended(
    app: &App,
    system: &Actor,
    application_id: ulid::Ulid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    stage::advance(
        app,
        &StageCommand {
            application_id,
            command: Command::CloseUnrecommended,
            actor: system,
            now,
            notice_data: BTreeMap::from([(
                "reason".to_owned(),
                "推荐单位未在推荐截止日期前签署推荐意见".to_owned(),
            )]),
            settings: Settings::default(),
        },
        |_| Ok(()),
        |_| Ok(()),
    )
    .await
    .map(|_| ())
}

/// Moves cycle `id` on to review if its recommendation deadline day has ended, after closing
/// each application still waiting; `None` when there is nothing to do.
async fn start_review(
    app: &App,
    system: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<usize>, AppError> {
    let loaded = load_cycle(app, id).await?;
    if loaded
        .record
        .cycle
        .clone()
        .start_review(system, now)
        .is_err()
    {
        return Ok(None);
    }
    let waiting = applications::in_cycle(app, id, Some(ApplicationState::Submitted)).await?;
    // Each application is closed in its own transaction, many at once: a failure leaves the
    // others closed or waiting, and the next day's run finds what is left.
    // Collected first: a lazy iterator held across the awaits is not provably `Send`.
    let runs: Vec<_> = waiting
        .iter()
        .map(|application| close_unrecommended(app, system, application.id, now))
        .collect();
    let closed = crate::store::each_at_once(runs).await?;
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, id).await?;
        let mut record = loaded.record;
        record.cycle = match record.cycle.start_review(system, now) {
            Ok(cycle) => cycle,
            Err(CycleError::Status { .. }) => return Ok(()),
            Err(other) => return Err(other.into()),
        };
        let mut tx = Tx::new();
        tx.guard(store::replace(&record, loaded.version)?, || {
            AppError::from(award_ports::TableError::Conflict)
        });
        tx.push(audit(
            keys::cycle_partition(id),
            SYSTEM_ACTOR,
            "cycle_review_started",
            &[(
                "recommendation_deadline",
                record.cycle.recommendation_deadline.to_string(),
            )],
            now,
        )?);
        tx.commit(app.table.as_ref()).await
    })
    .await?;
    Ok(Some(closed))
}
