//! The one path from a domain decision to storage, shared by every stage of Art. 11:
//!
//! load (the application, its cycle, its recommending unit) → `lifecycle::decide` → save, where
//! the save is ONE transaction holding the new record (guarded by the version loaded), its audit
//! record, every notice the decision's events name (resolved by [`recipients`]) and every dated
//! item they name (`DUE#<date>`, for the scheduled jobs). A use case of a stage supplies only the
//! command, who may act, and what the stage keeps beside the lifecycle (e.g. the recommendation's
//! opinion); it never writes a notice or an audit record by hand.
//!
//! A write that lost a race (another request changed the application between load and save) is
//! re-run from the load after a back-off, so the decision is always taken on what is stored.

use std::collections::BTreeMap;

use award_domain::award::AftercarePolicy;
use award_domain::calendar::WorkingCalendar;
use award_domain::lifecycle::{self, Command, Context, Event};
use award_domain::roles::Actor;
use award_ports::{Condition, TableError, Write};
use chrono::{DateTime, Utc};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::keys;
use crate::model::{Application, CycleRecord, DueItem, QuotaCounter, Recommender};
use crate::reads::applications::load_application;
use crate::reads::units::load_recommender;
use crate::recipients::About;
use crate::store::{self, Stored, Tx, retry_on_conflict};

/// One command on one application, as a stage's use case asks for it.
pub struct StageCommand<'a> {
    pub application_id: Ulid,
    pub command: Command,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    /// Data the stage's notices need beyond what the record holds (e.g. `reason`).
    pub notice_data: BTreeMap<String, String>,
    /// What the decision reads beyond the application, its cycle and its unit.
    pub settings: Settings<'a>,
}

/// The settings a command's decision counts on, read by the stage that issues it (the award reads
/// the Office's aftercare policy, the publicity the calendar with the years the Office loaded), so
/// that this path names no stage and reads no setting of its own. Left out, the default policy and
/// the official calendar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings<'a> {
    pub aftercare: Option<&'a AftercarePolicy>,
    pub calendar: Option<&'a WorkingCalendar>,
}

/// Runs `request` through the domain and saves the outcome (see the module docs).
///
/// `visible` refuses callers who may not see the application (answer `ApplicationNotFound`, so
/// nothing leaks); `amend` records what the stage keeps beside the lifecycle, after the domain
/// has accepted the command. Errors: the domain's refusals (`TransitionError` mapped in
/// `error.rs`), `ConcurrentUpdate` after repeated lost races, and the ports' failures.
pub async fn advance(
    app: &App,
    request: &StageCommand<'_>,
    visible: impl Fn(&Application) -> Result<(), AppError>,
    amend: impl Fn(&mut Application) -> Result<(), AppError>,
) -> Result<Application, AppError> {
    advance_with(app, request, visible, amend, |_, _| Ok(Tx::new())).await
}

/// [`advance`] when the stored application is still in `from`, else nothing: a list decision
/// (the shortlist, the candidates, the deliberation, the publicity) repeated after an interruption
/// finishes what was left without moving anything twice. The state is checked on the record the
/// stage path loads, so it costs no extra read.
pub async fn advance_if_in(
    app: &App,
    request: &StageCommand<'_>,
    from: award_domain::lifecycle::ApplicationState,
) -> Result<(), AppError> {
    advance_loaded_if_in(app, request, None, from).await
}

/// [`advance_if_in`], deciding first on what the list's own reads hold (see [`advance_loaded`]).
pub async fn advance_loaded_if_in(
    app: &App,
    request: &StageCommand<'_>,
    loaded: Option<Loaded>,
    from: award_domain::lifecycle::ApplicationState,
) -> Result<(), AppError> {
    let skip = |state| AppError::illegal(state, request.command.name());
    let outcome = advance_loaded(
        app,
        request,
        loaded,
        |application| {
            if application.state() == from {
                Ok(())
            } else {
                Err(skip(application.state()))
            }
        },
        |_| Ok(()),
        |_, _| Ok(Tx::new()),
    )
    .await;
    match outcome {
        Ok(_) | Err(AppError::IllegalTransition { .. }) => Ok(()),
        Err(error) => Err(error),
    }
}

/// [`advance`], plus the writes a stage keeps beside the application in the same transaction
/// (`extra`, given the amended application and its cycle: e.g. the award's register entry and
/// its certificate number's guard), each with the refusal its condition stands for.
///
/// The approval (Art. 4) is counted here for every stage that approves: the cycle's quota
/// counter (`CYCLE#<cycle>` / `QUOTA`) is read, given to the domain as `approved_in_cycle`, and
/// written back incremented under a version guard in the same transaction, so concurrent
/// approvals are decided one after the other and never exceed the quota. An award is counted on
/// the same item, so the winners' announcement (which closes the counter) and an award never
/// pass each other: after it, an approval or an award is `AnnouncementIssued`.
pub async fn advance_with(
    app: &App,
    request: &StageCommand<'_>,
    visible: impl Fn(&Application) -> Result<(), AppError>,
    amend: impl Fn(&mut Application) -> Result<(), AppError>,
    extra: impl Fn(&Application, &award_domain::cycle::Cycle) -> Result<Tx, AppError>,
) -> Result<Application, AppError> {
    advance_loaded(app, request, None, visible, amend, extra).await
}

/// What a use case already read for its own checks: the application as loaded (with its
/// version), its cycle and its unit.
///
/// [`Loaded::from_list`] makes one from a list's reads.
pub struct Loaded {
    pub application: Stored<Application>,
    pub cycle: CycleRecord,
    pub recommender: Option<Recommender>,
    /// The cycle's quota counter as read for an approval or an award (`Some(None)`: none yet);
    /// `None` when not read (the path reads it when its command needs it).
    pub quota: Option<Option<Stored<QuotaCounter>>>,
}

impl Loaded {
    /// An application of a list read (its version as the list read it: a stale one loses its
    /// transaction and is read afresh), with its cycle and its unit found among `units`; `None`
    /// when its unit is not among them (the stage path reads it).
    pub fn from_list(
        application: Stored<Application>,
        cycle: &CycleRecord,
        units: &[Recommender],
    ) -> Option<Self> {
        let recommender = match application.record.recommender_id {
            Some(id) => Some(units.iter().find(|unit| unit.id == id)?.clone()),
            None => None,
        };
        Some(Self {
            application,
            cycle: cycle.clone(),
            recommender,
            quota: None,
        })
    }
}

/// Reads what the stage path reads before deciding on `command`: the application, then at once
/// its cycle, its unit and (for an approval or an award, Art. 4) the cycle's quota counter — two
/// round trips — for a use case that checks something of its own on them and hands them to
/// [`advance_loaded`]. Errors: `ApplicationNotFound`; a cycle that does not exist is corrupt data.
pub async fn load(app: &App, application_id: Ulid, command: &Command) -> Result<Loaded, AppError> {
    Ok(
        load_with(app, application_id, command, |_, _| async { Ok(()) })
            .await?
            .0,
    )
}

/// [`load`], with `also` (a read the use case's checks need, given the application's cycle id
/// and its id) made in the same round trip as the cycle's.
pub async fn load_with<T, Fut>(
    app: &App,
    application_id: Ulid,
    command: &Command,
    also: impl FnOnce(String, Ulid) -> Fut,
) -> Result<(Loaded, T), AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let application = load_application(app, application_id).await?;
    let (cycle, recommender, quota) =
        load_named(app, &application.record, command, None, None, None);
    let (cycle, recommender, quota, also) = tokio::try_join!(
        cycle,
        recommender,
        quota,
        also(application.record.cycle_id.clone(), application.record.id)
    )?;
    let cycle = cycle
        .ok_or_else(|| AppError::corrupt("an application whose cycle does not exist"))?
        .record;
    Ok((
        Loaded {
            application,
            cycle,
            recommender,
            quota,
        },
        also,
    ))
}

type Named<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, AppError>> + Send + 'a>>;

/// The reads of what `application` names, each a future to join with others: its cycle, its unit
/// and, for an approval or an award only (Art. 4), the cycle's quota counter (`None` when not
/// read). A cycle, a unit or a counter given is not read again.
#[allow(clippy::type_complexity)]
fn load_named<'a>(
    app: &'a App,
    application: &'a Application,
    command: &Command,
    cycle: Option<CycleRecord>,
    recommender: Option<Option<Recommender>>,
    quota: Option<Option<Stored<QuotaCounter>>>,
) -> (
    Named<'a, Option<Stored<CycleRecord>>>,
    Named<'a, Option<Recommender>>,
    Named<'a, Option<Option<Stored<QuotaCounter>>>>,
) {
    let counted = matches!(command, Command::Approve { .. } | Command::Award { .. });
    (
        Box::pin(async move {
            match cycle {
                // Not guarded by the transaction: its version is never used.
                Some(record) => Ok(Some(Stored { record, version: 0 })),
                None => {
                    store::load::<CycleRecord>(
                        app.table.as_ref(),
                        &keys::cycle(&application.cycle_id),
                    )
                    .await
                }
            }
        }),
        Box::pin(async move {
            if let Some(recommender) = recommender {
                return Ok(recommender);
            }
            match application.recommender_id {
                Some(id) => load_recommender(app, id)
                    .await
                    .map(|stored| Some(stored.record)),
                None => Ok(None),
            }
        }),
        Box::pin(async move {
            if let Some(quota) = quota {
                return Ok(Some(quota));
            }
            if !counted {
                return Ok(None);
            }
            store::load::<QuotaCounter>(
                app.table.as_ref(),
                &keys::quota_counter(&application.cycle_id),
            )
            .await
            .map(Some)
        }),
    )
}

/// [`advance_with`], whose first attempt decides on what the use case already read (`loaded`)
/// instead of reading it again: two round trips fewer. It is as safe as reading afresh: the
/// transaction is guarded by the version loaded, so a change since is a lost race, and the
/// next attempt reads everything from the table.
pub async fn advance_loaded(
    app: &App,
    request: &StageCommand<'_>,
    loaded: Option<Loaded>,
    visible: impl Fn(&Application) -> Result<(), AppError>,
    amend: impl Fn(&mut Application) -> Result<(), AppError>,
    extra: impl Fn(&Application, &award_domain::cycle::Cycle) -> Result<Tx, AppError>,
) -> Result<Application, AppError> {
    let (visible, amend, extra) = (&visible, &amend, &extra);
    let preloaded = &std::sync::Mutex::new(loaded);
    retry_on_conflict(|| async move {
        let first = preloaded.lock().ok().and_then(|mut taken| taken.take());
        let (loaded, cycle, recommender, quota) = match first {
            Some(Loaded {
                application,
                cycle,
                recommender,
                quota,
            }) => (application, Some(cycle), Some(recommender), quota),
            None => (
                load_application(app, request.application_id).await?,
                None,
                None,
                None,
            ),
        };
        visible(&loaded.record)?;
        // What the application names is read at once (what the use case read is not read again):
        // its cycle, its unit and, for an approval or an award only (Art. 4), the cycle's count —
        // one round trip.
        let (cycle, recommender, quota) = load_named(
            app,
            &loaded.record,
            &request.command,
            cycle,
            recommender,
            quota,
        );
        let (cycle, recommender, quota) = tokio::try_join!(cycle, recommender, quota)?;
        let cycle = cycle
            .ok_or_else(|| AppError::corrupt("an application whose cycle does not exist"))?
            .record
            .cycle;
        let default_policy = AftercarePolicy::default();
        let aftercare = request.settings.aftercare.unwrap_or(&default_policy);
        let calendar = match request.settings.calendar {
            Some(calendar) => calendar,
            None => WorkingCalendar::official().map_err(|error| AppError::calendar(&error))?,
        };
        let counted = quota
            .as_ref()
            .and_then(|counter| counter.as_ref().map(|stored| stored.record.clone()));
        // Art. 11(9): the one announcement names every winner, so none is added after it.
        if counted.as_ref().is_some_and(|counter| counter.announced) {
            return Err(AppError::AnnouncementIssued);
        }
        let approved_in_cycle = counted.as_ref().map_or(0, |counter| counter.approved);
        let context = Context {
            cycle: &cycle,
            calendar,
            approved_in_cycle,
            aftercare,
        };
        let decision = lifecycle::decide(
            &loaded.record.lifecycle,
            &request.command,
            request.actor,
            request.now,
            &context,
        )?;
        let mut application = loaded.record;
        let from = application.state();
        application.lifecycle = decision.lifecycle;
        amend(&mut application)?;
        application.updated_at = request.now;

        let mut tx = Tx::new();
        // Changed since it was loaded: decide again on what is stored now.
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application.id),
            &request.actor.subject,
            request.command.name(),
            &[
                ("from", from.as_str().to_owned()),
                ("to", application.state().as_str().to_owned()),
            ],
            request.now,
        )?);
        let about = About {
            application: &application,
            cycle: &cycle,
            recommender: recommender.as_ref(),
        };
        tx.extend(about.owed(app, &decision.events, &request.notice_data, request.now)?);
        if let Some(counter) = quota {
            let mut next = counted.unwrap_or_else(|| QuotaCounter {
                cycle_id: application.cycle_id.clone(),
                approved: 0,
                awarded: 0,
                announced: false,
            });
            match request.command {
                Command::Award { .. } => next.awarded += 1,
                _ => next.approved += 1,
            }
            // Another approval, award or the announcement landed since the count was read:
            // decide again on what is stored now.
            let write = match counter {
                Some(stored) => store::replace(&next, stored.version)?,
                None => store::create(&next)?,
            };
            tx.guard(write, || AppError::from(TableError::Conflict));
        }
        tx.append(extra(&application, &cycle)?);
        for event in &decision.events {
            if let Event::Scheduled { kind, date } = event {
                // Re-scheduling the same work for the same day is the same item: no guard.
                let item = store::to_item(
                    &DueItem {
                        kind: *kind,
                        date: *date,
                        application_id: application.id,
                        created_at: request.now,
                    },
                    1,
                )?;
                tx.push(Write::Put {
                    item,
                    condition: Condition::None,
                });
            }
        }
        tx.commit(app.table.as_ref()).await?;
        Ok(application)
    })
    .await
}
