//! What the daily runs share (the `reminders` function's aftercare run, the `publicity` function's
//! closes): the China days a run reads, oldest first, each handed to the run's own work for one
//! day ([`DailyRun::day`]). A run reads either a fixed window back from today ([`window`]: its
//! work shows in what it reads, so a second run finds it done) or every day since the last one it
//! finished ([`since_watermark`]: the watermark moved as it goes). Each run writes only what it
//! does on one day.

use chrono::{DateTime, Days, NaiveDate, Utc};

use award_ports::{Key, TableError};

use crate::App;
use crate::error::AppError;
use crate::store::{self, Record};

/// A daily run's work for one China day; the run keeps what it did in `self`.
pub(crate) trait DailyRun {
    /// Does what is due on `day` (a China date). Errors end the run: the days after it are left
    /// to the next one.
    async fn day(&mut self, day: NaiveDate) -> Result<(), AppError>;
}

/// The record that keeps a run's progress: every day up to [`Watermark::last_day`] is done.
pub(crate) trait Watermark: Record {
    /// Where the record is stored.
    fn key() -> Key;
    /// The last China day the run finished.
    fn last_day(&self) -> NaiveDate;
    /// The record saying every day up to `day` is done, written at `now`.
    fn done_to(day: NaiveDate, now: DateTime<Utc>) -> Self;
}

/// The days from `first` to `last` (China dates, both included), oldest first.
fn days(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |day| *day <= last)
}

/// Runs `run` on `today` and the `days_before` China days before it, oldest first. Errors: the
/// first day's that failed.
pub(crate) async fn window(
    today: NaiveDate,
    days_before: u64,
    run: &mut impl DailyRun,
) -> Result<(), AppError> {
    let first = today
        .checked_sub_days(Days::new(days_before))
        .unwrap_or(NaiveDate::MIN);
    for day in days(first, today) {
        run.day(day).await?;
    }
    Ok(())
}

/// Runs `run` on every China day from the day after the stored watermark `W` up to today
/// (`first_run_lookback` days back when none is stored yet), oldest first, then moves the
/// watermark to today. A long catch-up also moves it every `checkpoint_days` days as it goes, so
/// a run that fails part-way costs the next run only the days since its last checkpoint. Another
/// run moving the watermark meanwhile did the same days: this one finishes its days and no longer
/// moves it. Nothing is read or written when the watermark is already today.
///
/// Errors: the table's, a day's (the watermark stays at the last checkpoint), or a stored
/// watermark at the end of time.
pub(crate) async fn since_watermark<W: Watermark>(
    app: &App,
    now: DateTime<Utc>,
    first_run_lookback: u64,
    checkpoint_days: u32,
    run: &mut impl DailyRun,
) -> Result<(), AppError> {
    let today = award_domain::china_date(now);
    let watermark = store::load::<W>(app.table.as_ref(), &W::key()).await?;
    let first = match &watermark {
        Some(stored) => stored
            .record
            .last_day()
            .checked_add_days(Days::new(1))
            .ok_or_else(|| AppError::corrupt("a watermark at the end of time"))?,
        None => today
            .checked_sub_days(Days::new(first_run_lookback))
            .unwrap_or(today),
    };
    if first > today {
        return Ok(());
    }
    // The stored watermark's version (`None`: none yet); `None` too once another run moved it.
    let mut version = watermark.as_ref().map(|stored| stored.version);
    let mut owned = true;
    let mut since_checkpoint = 0;
    for day in days(first, today) {
        run.day(day).await?;
        since_checkpoint += 1;
        if owned && since_checkpoint >= checkpoint_days && day < today {
            owned = move_watermark::<W>(app, &mut version, day, now).await?;
            since_checkpoint = 0;
        }
    }
    if owned {
        move_watermark::<W>(app, &mut version, today, now).await?;
    }
    Ok(())
}

/// Moves the watermark to `day` from the `version` this run last wrote or read (`None`: none
/// stored yet). `false` when another run moved it meanwhile: that run handled the same days, and
/// this one no longer moves it.
async fn move_watermark<W: Watermark>(
    app: &App,
    version: &mut Option<u64>,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let next = W::done_to(day, now);
    let write = match *version {
        Some(version) => store::replace(&next, version)?,
        None => store::create(&next)?,
    };
    match app.table.transact(vec![write]).await {
        Ok(()) => {
            *version = Some(version.map_or(1, |version| version + 1));
            Ok(true)
        }
        Err(TableError::Conflict) => Ok(false),
        Err(error) => Err(error.into()),
    }
}
