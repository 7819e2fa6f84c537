//! The daily run of the `reminders` function over the dated items (`DUE#<day>`) an award wrote.

use award_ports::Key;

use super::*;
use crate::daily;

/// What one run did (application ids).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AftercareRun {
    /// The China days read, oldest first.
    pub days: Vec<NaiveDate>,
    #[schemars(with = "Vec<String>")]
    pub reminded: Vec<Ulid>,
    #[schemars(with = "Vec<String>")]
    pub visits_due: Vec<Ulid>,
    #[schemars(with = "Vec<String>")]
    pub expired: Vec<Ulid>,
    #[schemars(with = "Vec<String>")]
    pub debarments_ended: Vec<Ulid>,
    /// Items whose work no longer applied (the award revoked before its reminder, ...).
    pub dropped: usize,
}

/// Handles every dated item due from the day after the watermark up to today (China dates), then
/// moves the watermark to today. A long catch-up (runs missed for months) also moves it every
/// [`CHECKPOINT_DAYS`] days as it goes, so a run that fails part-way costs the next run only the
/// days since its last checkpoint: those it reads again and finds only what is still owed
/// (`daily::since_watermark`). The publicity's own items (`publicity_ended`) are the `publicity`
/// function's. Errors: the table's.
pub async fn run_daily(app: &App, now: DateTime<Utc>) -> Result<AftercareRun, AppError> {
    let mut days = AftercareDays {
        app,
        now,
        run: AftercareRun::default(),
    };
    daily::since_watermark::<AftercareWatermark>(
        app,
        now,
        FIRST_RUN_LOOKBACK_DAYS,
        CHECKPOINT_DAYS,
        &mut days,
    )
    .await?;
    Ok(days.run)
}

/// How many days a catch-up handles between two moves of its watermark.
pub const CHECKPOINT_DAYS: u32 = 31;

impl daily::Watermark for AftercareWatermark {
    fn key() -> Key {
        keys::aftercare_watermark()
    }

    fn last_day(&self) -> NaiveDate {
        self.last_completed_day
    }

    fn done_to(day: NaiveDate, now: DateTime<Utc>) -> Self {
        Self {
            last_completed_day: day,
            updated_at: now,
        }
    }
}

/// The aftercare run's work for one day: the dated items due that day.
struct AftercareDays<'a> {
    app: &'a App,
    now: DateTime<Utc>,
    run: AftercareRun,
}

impl daily::DailyRun for AftercareDays<'_> {
    type Due = Vec<DueItem>;

    async fn read(&self, day: NaiveDate) -> Result<Vec<DueItem>, AppError> {
        crate::reads::due::on(self.app, day).await?.collect()
    }

    async fn act(&mut self, day: NaiveDate, due: Vec<DueItem>) -> Result<(), AppError> {
        let (app, now, run) = (self.app, self.now, &mut self.run);
        run.days.push(day);
        for due in due {
            // The publicity's items are the `publicity` function's.
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
        Ok(())
    }
}

/// The delete that marks `due` handled; it fails when another run handled it first.
pub(super) fn handled(due: &DueItem) -> Write {
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
