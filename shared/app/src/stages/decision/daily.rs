//! The daily publicity run (the `publicity` function).

use award_domain::lifecycle::ScheduleKind;

use crate::model::DueItem;

use super::*;
use crate::daily;

/// What one daily run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PublicityRun {
    /// Applications whose publicity closed with no objection open.
    #[schemars(with = "Vec<String>")]
    pub closed: Vec<Ulid>,
    /// Applications whose publicity ended with an objection open (the Office reminded today).
    #[schemars(with = "Vec<String>")]
    pub waiting: Vec<Ulid>,
}

/// For every publicity that ended in the last [`PUBLICITY_CATCH_UP_DAYS`] (the `DUE#<day>` items
/// `publicity_ended`): no objection open → the publicity is closed (the Office told it may submit
/// the name for approval); an objection open → the close waits and the Office is reminded, once a
/// day. A second run the same day writes nothing.
pub async fn run_daily(app: &App, now: DateTime<Utc>) -> Result<PublicityRun, AppError> {
    let mut days = PublicityDays {
        app,
        now,
        run: PublicityRun::default(),
        seen: std::collections::BTreeSet::new(),
    };
    daily::window(today(now), PUBLICITY_CATCH_UP_DAYS, &mut days).await?;
    Ok(days.run)
}

/// The publicity run's work for one day: the publicities that ended that day, each application
/// handled once a run (`seen`).
struct PublicityDays<'a> {
    app: &'a App,
    now: DateTime<Utc>,
    run: PublicityRun,
    seen: std::collections::BTreeSet<Ulid>,
}

impl daily::DailyRun for PublicityDays<'_> {
    type Due = Vec<DueItem>;

    async fn read(&self, day: NaiveDate) -> Result<Vec<DueItem>, AppError> {
        crate::reads::due::of_kind_on(self.app, day, ScheduleKind::PublicityEnded)
            .await?
            .collect()
    }

    async fn act(&mut self, _day: NaiveDate, due: Vec<DueItem>) -> Result<(), AppError> {
        for due_item in due {
            if self.seen.insert(due_item.application_id) {
                match close_one(self.app, due_item.application_id, self.now).await? {
                    Some(true) => self.run.closed.push(due_item.application_id),
                    Some(false) => self.run.waiting.push(due_item.application_id),
                    None => {}
                }
            }
        }
        Ok(())
    }
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
        let waiting = open_objection(app, &application.cycle_id, application.id).await?;
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
