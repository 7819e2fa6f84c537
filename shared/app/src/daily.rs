//! What the daily runs share (the `reminders` function's aftercare run, the `publicity` function's
//! closes): the China days a run reads, each day's reads made concurrently with the others' (up to
//! [`DAYS_READ_AT_ONCE`]: one round trip, not one per day), then each day's work done in day
//! order ([`DailyRun::read`], [`DailyRun::act`]). A run reads either a fixed window back from today ([`window`]: its
//! work shows in what it reads, so a second run finds it done) or every day since the last one it
//! finished ([`since_watermark`]: the watermark moved as it goes). Each run writes only what it
//! does on one day.

use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::future::join_all;

use award_ports::{Key, TableError};

use crate::App;
use crate::error::AppError;
use crate::store::{self, Record};

/// A daily run's work for one China day; the run keeps what it did in `self`.
pub(crate) trait DailyRun {
    /// What is due on one day, as read.
    type Due;
    /// Reads what is due on `day` (a China date): reads only, so that the days are read
    /// concurrently, a day's reads never depending on an earlier day's work.
    async fn read(&self, day: NaiveDate) -> Result<Self::Due, AppError>;
    /// Does what `due` asks on `day`, the days in order. Errors end the run: the days after it
    /// are left to the next one.
    async fn act(&mut self, day: NaiveDate, due: Self::Due) -> Result<(), AppError>;
}

/// How many days are read at once: a long catch-up is read in batches of this many days.
pub(crate) const DAYS_READ_AT_ONCE: usize = 31;

/// Reads `days` (in order, at most [`DAYS_READ_AT_ONCE`]) concurrently, then acts on each in
/// order, up to the first day whose read or work failed. A day in `read_before` is not read
/// again. Errors: that day's.
async fn read_then_act<R: DailyRun>(
    days: &[NaiveDate],
    run: &mut R,
    read_before: &mut Option<(NaiveDate, Result<R::Due, AppError>)>,
) -> Result<(), AppError> {
    let mut before = read_before
        .take_if(|(day, _)| days.contains(day))
        .map(|(day, due)| (day, Some(due)));
    let reader: &R = run;
    let read = join_all(days.iter().map(|day| {
        let ready = match &mut before {
            Some((read_day, due)) if read_day == day => due.take(),
            _ => None,
        };
        async move {
            match ready {
                Some(due) => due,
                None => reader.read(*day).await,
            }
        }
    }))
    .await;
    for (day, due) in days.iter().zip(read) {
        run.act(*day, due?).await?;
    }
    Ok(())
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
    let days: Vec<NaiveDate> = days(first, today).collect();
    for batch in days.chunks(DAYS_READ_AT_ONCE) {
        read_then_act(batch, run, &mut None).await?;
    }
    Ok(())
}

/// Runs `run` on every China day from the day after the stored watermark `W` up to today
/// (`first_run_lookback` days back when none is stored yet), oldest first, then moves the
/// watermark to today. A long catch-up also moves it every `checkpoint_days` days as it goes (at
/// most [`DAYS_READ_AT_ONCE`]; a batch's days are read at once), so
/// a run that fails part-way costs the next run only the days since its last checkpoint. Another
/// run moving the watermark meanwhile did the same days: this one finishes its days and no longer
/// moves it. Today's day is read with the watermark (one round trip); nothing is written when
/// the watermark is already today.
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
    // Today is read with the watermark: a run each day then reads in one round trip, writes the
    // watermark in a second.
    let key = W::key();
    let (watermark, today_due) =
        tokio::join!(store::load::<W>(app.table.as_ref(), &key), run.read(today));
    let watermark = watermark?;
    let mut read_before = Some((today, today_due));
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
    let days: Vec<NaiveDate> = days(first, today).collect();
    let batch = usize::try_from(checkpoint_days)
        .unwrap_or(DAYS_READ_AT_ONCE)
        .clamp(1, DAYS_READ_AT_ONCE);
    for days in days.chunks(batch) {
        read_then_act(days, run, &mut read_before).await?;
        if let Some(&last) = days.last()
            && owned
            && last < today
        {
            owned = move_watermark::<W>(app, &mut version, last, now).await?;
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
