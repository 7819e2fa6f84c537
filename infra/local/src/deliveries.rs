//! The event plumbing AWS provides around the functions: S3 → `upload-received`, the table's
//! stream → `notify`, `screening`, `aggregate` and `archive` (their partial batch responses honoured), the
//! schedule → `redrive_pending_notices`. Deliveries are at-least-once, as on AWS; the handlers are
//! idempotent. Nothing owed is kept only in memory across a crash: the S3 events are found again
//! from the stored objects at start, the change feed resumes from its persisted checkpoint, and the
//! schedule catches up on its next run.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use award_app::events::StreamBatchOutcome;
use award_app::{App, AppError, EventReport};
use award_app::{events, keys};
use award_embedded::{EmbeddedBlobs, EmbeddedTable};
use award_ports::{BlobError, Blobs as _, ChangeRecord, TableError};
use aws_lambda_events::s3::S3Event;
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;

use crate::clock::Clock;
use crate::s3_event::{self, CreatedObject};

/// The change-feed consumer name under which `notify`'s position is kept in the table file.
pub(crate) const NOTIFY_CONSUMER: &str = "notify";
/// Records per `notify` invocation (the template's event source mapping `BatchSize`).
const STREAM_BATCH_SIZE: usize = 25;

/// How a failing delivery is retried: `attempts` in all, waiting `first_backoff`, then twice as
/// long each time up to `max_backoff`. After the last attempt the event is given up, as AWS sends
/// it to the on-failure destination; the scheduled redrive resends notices left pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// One attempt and the template's `MaximumRetryAttempts: 5`.
    fn default() -> Self {
        Self {
            attempts: 6,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, failed_attempts: u32) -> Duration {
        let doublings = failed_attempts.saturating_sub(1).min(16);
        self.first_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

/// Progress of the deliveries, watched by [`Activity::settled`].
#[derive(Clone)]
pub(crate) struct Activity {
    /// S3 events accepted but not yet handled.
    pending_objects: Arc<watch::Sender<usize>>,
    /// The change-feed sequence `notify` has consumed up to.
    feed_position: Arc<watch::Sender<u64>>,
    /// A scheduled run (the redrive, the daily jobs) is in progress: it may be sending a notice
    /// it claimed before the change feed reached it.
    schedule_busy: Arc<watch::Sender<bool>>,
    /// How many stored objects' events were delivered again at start, once they all were.
    redelivered: Arc<watch::Sender<Option<usize>>>,
}

impl Activity {
    pub(crate) fn new(feed_position: u64) -> Self {
        Self {
            pending_objects: Arc::new(watch::channel(0).0),
            feed_position: Arc::new(watch::channel(feed_position).0),
            schedule_busy: Arc::new(watch::channel(false).0),
            redelivered: Arc::new(watch::channel(None).0),
        }
    }

    /// Resolves, once the events of the objects stored before the start have all been delivered
    /// again, to how many there were; `None` once every `Activity` is gone without that.
    pub(crate) fn redelivered(&self) -> impl Future<Output = Option<usize>> + Send + 'static {
        let mut redelivered = self.redelivered.subscribe();
        async move {
            let done = redelivered.wait_for(Option::is_some).await.ok()?;
            *done
        }
    }

    pub(crate) fn object_event_queued(&self) {
        self.pending_objects.send_modify(|pending| *pending += 1);
    }

    fn object_event_done(&self) {
        self.pending_objects
            .send_modify(|pending| *pending = pending.saturating_sub(1));
    }

    pub(crate) async fn settled(&self, table: &EmbeddedTable) {
        let mut pending = self.pending_objects.subscribe();
        let mut position = self.feed_position.subscribe();
        let mut newest = table.subscribe();
        let mut busy = self.schedule_busy.subscribe();
        loop {
            // Read in this order: an S3 event's table writes land before it stops being pending,
            // so they are seen in `newest` whenever `pending` reads zero.
            let no_object_event = *pending.borrow_and_update() == 0;
            let newest_change = *newest.borrow_and_update();
            let consumed = *position.borrow_and_update();
            let scheduled_run = *busy.borrow_and_update();
            if no_object_event && !scheduled_run && consumed >= newest_change {
                return;
            }
            let stopped = tokio::select! {
                changed = pending.changed() => changed.is_err(),
                changed = position.changed() => changed.is_err(),
                changed = newest.changed() => changed.is_err(),
                changed = busy.changed() => changed.is_err(),
            };
            if stopped {
                return;
            }
        }
    }
}

/// Resolves once the runner is asked to stop (or its stop signal is gone).
pub(crate) async fn stopped(mut shutdown: watch::Receiver<bool>) {
    // An error means the sender is gone, which also means stop.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

enum Outcome {
    Done,
    GaveUp,
    Stopped,
}

/// Invokes a handler until it succeeds, the policy gives up, or the runner stops.
async fn with_retries<F, Fut>(
    what: &str,
    policy: RetryPolicy,
    shutdown: &watch::Receiver<bool>,
    mut invoke: F,
) -> Outcome
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<EventReport, AppError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match invoke().await {
            Ok(report) => {
                tracing::debug!(what, ?report, "delivered");
                return Outcome::Done;
            }
            Err(error) if attempt >= policy.attempts => {
                tracing::error!(what, attempt, %error, "delivery failed; given up (the on-failure destination on AWS)");
                return Outcome::GaveUp;
            }
            Err(error) => {
                let wait = policy.backoff(attempt);
                tracing::warn!(what, attempt, %error, retry_in = ?wait, "delivery failed; will retry");
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = stopped(shutdown.clone()) => return Outcome::Stopped,
                }
            }
        }
    }
}

/// A stream batch to a handler as its event source mapping delivers it
/// (`ReportBatchItemFailures`): when the partial batch response names a failed record, the records
/// before it are done and the batch is delivered again from it, each delivery one attempt of
/// `policy`.
async fn deliver_batch<'r, F, Fut>(
    what: &str,
    records: &'r [ChangeRecord],
    policy: RetryPolicy,
    shutdown: &watch::Receiver<bool>,
    invoke: F,
) -> Outcome
where
    F: Fn(&'r [ChangeRecord]) -> Fut,
    Fut: Future<Output = Result<StreamBatchOutcome, AppError>>,
{
    let from = AtomicUsize::new(0);
    let (from, invoke) = (&from, &invoke);
    with_retries(what, policy, shutdown, move || async move {
        let rest = &records[from.load(Ordering::Relaxed)..];
        let outcome = invoke(rest).await?;
        let Some(failed) = outcome.failed_sequence() else {
            return Ok(outcome.report);
        };
        let at = rest
            .iter()
            .position(|record| record.sequence == failed)
            .ok_or_else(|| {
                AppError::corrupt(format!("the failed record {failed} is not in the batch"))
            })?;
        from.fetch_add(at, Ordering::Relaxed);
        Err(AppError::RecordsFailed {
            failed: outcome.report.failed,
        })
    })
    .await
}

/// The S3 events the delivery worker owes: those of the objects already stored when the runner
/// started, then those the HTTP server queues after each accepted upload.
pub(crate) struct ObjectEvents {
    /// Delivered first (see [`stored_object_events`]); counted in `Activity` by the caller.
    pub stored: Vec<S3Event>,
    pub queue: mpsc::UnboundedReceiver<S3Event>,
    /// Deliver nothing until the runner stops (`LocalConfig::hold_object_events`, diagnostics).
    pub hold: bool,
}

/// The `ObjectCreated:Put` event of every evidence object (`applications/<app>/<doc>`) and
/// attachment (`attachments/<id>`) the store holds.
///
/// The queue of S3 events lives in memory: a runner killed after it answered an upload's PUT and
/// before `upload-received` handled its event would otherwise leave the document `declared` for
/// good, where S3 would have delivered the event. Every stored object is delivered again rather
/// than only those whose record is still `declared`: deciding that is the handler's first step
/// (`events::object_created` leaves a checked document or attachment unchanged and owes nothing
/// for it), and a copy of that check here could drift from it; the handler also finishes removing
/// a rejected object that a crash left behind. The events carry the lowest sequencer: a
/// redelivery is no later upload, so a checked record's sequencer must not look older than it.
pub(crate) async fn stored_object_events(
    blobs: &EmbeddedBlobs,
    bucket: &str,
    now: DateTime<Utc>,
) -> Result<Vec<S3Event>, BlobError> {
    let mut stored = blobs.list_keys(EVIDENCE_PREFIX)?;
    stored.extend(blobs.list_keys(ATTACHMENT_PREFIX)?);
    let mut events = Vec::new();
    for key in stored {
        if keys::parse_object_key(&key).is_none() && keys::parse_attachment_key(&key).is_none() {
            continue;
        }
        // Deleted since it was listed: nothing to deliver.
        let Some(meta) = blobs.head(&key).await? else {
            continue;
        };
        events.push(s3_event::object_created(&CreatedObject {
            bucket,
            key: &key,
            size: meta.content_length,
            sequence: 0,
            source_ip: None,
            at: now,
        }));
    }
    Ok(events)
}

/// The key prefixes the bucket notifies `upload-received` of (`keys::object_key`,
/// `keys::attachment_object_key`).
const EVIDENCE_PREFIX: &str = "applications/";
const ATTACHMENT_PREFIX: &str = "attachments/";

/// S3 → `upload-received`: one invocation per event, the stored objects' first, then the queue's
/// in arrival order. Ends when the HTTP server (the queue's only sender) is gone and the queue is
/// empty, or at once on a stop while holding.
pub(crate) async fn deliver_object_events(
    app: Arc<App>,
    events: ObjectEvents,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    activity: Activity,
    shutdown: watch::Receiver<bool>,
) {
    let ObjectEvents {
        stored,
        mut queue,
        hold,
    } = events;
    if hold {
        tracing::warn!(
            "S3 events are held (AWARD_LOCAL_HOLD_S3_EVENTS): uploads are stored but not checked"
        );
        stopped(shutdown).await;
        return;
    }
    let count = stored.len();
    for event in stored {
        deliver_object_event(&app, event, &clock, retry, &activity, &shutdown).await;
    }
    activity.redelivered.send_replace(Some(count));
    while let Some(event) = queue.recv().await {
        deliver_object_event(&app, event, &clock, retry, &activity, &shutdown).await;
    }
}

/// One S3 event to `upload-received`, retried until it succeeds, is given up, or the runner stops.
async fn deliver_object_event(
    app: &App,
    event: S3Event,
    clock: &Arc<dyn Clock>,
    retry: RetryPolicy,
    activity: &Activity,
    shutdown: &watch::Receiver<bool>,
) {
    let outcome = with_retries("S3 ObjectCreated event", retry, shutdown, || {
        events::object_created(app, event.clone(), clock.now())
    })
    .await;
    if let Outcome::Stopped = outcome {
        // Not lost: the object is stored, so the next start delivers its event again.
        tracing::warn!("runner stopping; an S3 event was not delivered");
    }
    activity.object_event_done();
}

/// The table's change feed → `notify`, in batches, from the persisted checkpoint. A batch is
/// acknowledged (the checkpoint moved past it) once handled or given up; one interrupted by a stop
/// is delivered again at the next start.
pub(crate) async fn tail_changes(
    app: Arc<App>,
    table: EmbeddedTable,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    activity: Activity,
    shutdown: watch::Receiver<bool>,
) {
    let mut newest = table.subscribe();
    let mut position = *activity.feed_position.borrow();
    let mut read_failures = 0;
    while !*shutdown.borrow() {
        let batch = match read_batch(&table, position).await {
            Ok(batch) => {
                read_failures = 0;
                batch
            }
            Err(error) => {
                read_failures += 1;
                let wait = retry.backoff(read_failures);
                tracing::error!(%error, retry_in = ?wait, "cannot read the change feed");
                tokio::select! {
                    () = tokio::time::sleep(wait) => continue,
                    () = stopped(shutdown.clone()) => return,
                }
            }
        };
        let Some(&(last, _)) = batch.last() else {
            // Nothing new: sleep until a commit passes our position.
            tokio::select! {
                woke = newest.wait_for(|&sequence| sequence > position) => {
                    if woke.is_err() {
                        return;
                    }
                }
                () = stopped(shutdown.clone()) => return,
            }
            continue;
        };

        let records: Vec<ChangeRecord> = batch.into_iter().map(|(_, record)| record).collect();
        // On AWS each function's event source mapping reads the stream on its own; here all three
        // read each batch in turn, each retried and given up on its own, from one shared position.
        // `screening` and `aggregate` get every record, their handlers skipping what the mappings'
        // filters would.
        let outcome = deliver_batch("table change batch", &records, retry, &shutdown, |rest| {
            events::table_changes(&app, rest, clock.now())
        })
        .await;
        if let Outcome::Stopped = outcome {
            return;
        }
        let outcome = deliver_batch(
            "table change batch (screening)",
            &records,
            retry,
            &shutdown,
            |rest| award_app::stages::screening::table_changes(&app, rest, clock.now()),
        )
        .await;
        if let Outcome::Stopped = outcome {
            return;
        }
        let outcome = deliver_batch(
            "table change batch (aggregate)",
            &records,
            retry,
            &shutdown,
            |rest| award_app::stages::reviews::table_changes(&app, rest, clock.now()),
        )
        .await;
        if let Outcome::Stopped = outcome {
            return;
        }
        // The cycle's archive exports: run to their end here, so `settled` covers them (on
        // AWS, the `archive` function's own mapping). A long export holds the feed meanwhile.
        let now = || clock.now();
        let outcome = deliver_batch(
            "table change batch (archive)",
            &records,
            retry,
            &shutdown,
            |rest| award_app::stages::archive::build::table_changes(&app, rest, &now),
        )
        .await;
        if let Outcome::Stopped = outcome {
            return;
        }
        if let Err(error) = save_checkpoint(&table, last).await {
            // The batch will be delivered again; `notify` is idempotent.
            tracing::error!(%error, "cannot save the change-feed checkpoint");
            continue;
        }
        position = last;
        activity.feed_position.send_replace(last);
    }
}

async fn read_batch(
    table: &EmbeddedTable,
    after: u64,
) -> Result<Vec<(u64, ChangeRecord)>, TableError> {
    let table = table.clone();
    tokio::task::spawn_blocking(move || table.changes_after(after, STREAM_BATCH_SIZE))
        .await
        .map_err(|error| TableError::Backend(error.to_string()))?
}

async fn save_checkpoint(table: &EmbeddedTable, sequence: u64) -> Result<(), TableError> {
    let table = table.clone();
    tokio::task::spawn_blocking(move || table.set_checkpoint(NOTIFY_CONSUMER, sequence))
        .await
        .map_err(|error| TableError::Backend(error.to_string()))?
}

/// The scheduled functions: `redrive_pending_notices` (notify's schedule), `advance_cycles` and
/// `aftercare::run_daily` (the `reminders` function's daily schedule) and `decision::run_daily`
/// (the `publicity` function's),
/// now and then every `every`; each does only what is due, so running them more often than on AWS
/// changes nothing but latency.
pub(crate) async fn run_schedule(
    activity: Activity,
    app: Arc<App>,
    table: EmbeddedTable,
    clock: Arc<dyn Clock>,
    every: Duration,
    shutdown: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let newest = table.subscribe();
    // Each job is a function of the clock and the table: a tick that finds both as the last run
    // left them has nothing to do. This matters where the clock is moved by hand and the schedule
    // ticks every few milliseconds (the demo): a run reads whole partitions, and ten thousand
    // idle runs cost minutes of CPU.
    let mut last_run: Option<(DateTime<Utc>, u64)> = None;
    loop {
        tokio::select! {
            biased;
            () = stopped(shutdown.clone()) => return,
            _ = ticks.tick() => {}
        }
        let seen = (clock.now(), *newest.borrow());
        if last_run == Some(seen) {
            continue;
        }
        last_run = Some(seen);
        activity.schedule_busy.send_replace(true);
        match events::redrive_pending_notices(&app, clock.now()).await {
            Ok(report) if report.changed > 0 => {
                tracing::info!(sent = report.changed, "redrive sent pending notices");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "redrive of pending notices failed"),
        }
        match award_app::stages::cycles::advance_cycles(&app, clock.now()).await {
            Ok(run) if !run.closed.is_empty() || !run.reviewing.is_empty() => {
                tracing::info!(?run, "cycle schedule moved cycles on");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cycle schedule failed"),
        }
        // DynamoDB's TTL, played: per-day items (the objections' counters) past their `ttl` go.
        match table.remove_expired(clock.now().timestamp()).await {
            Ok(removed) if removed > 0 => tracing::info!(removed, "expired items removed"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "removing expired items failed"),
        }
        match award_app::stages::aftercare::run_daily(&app, clock.now()).await {
            Ok(run)
                if !run.reminded.is_empty()
                    || !run.visits_due.is_empty()
                    || !run.expired.is_empty()
                    || !run.debarments_ended.is_empty() =>
            {
                tracing::info!(?run, "aftercare schedule handled dated items");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "aftercare schedule failed"),
        }
        match award_app::stages::decision::run_daily(&app, clock.now()).await {
            Ok(run) if !run.closed.is_empty() || !run.waiting.is_empty() => {
                tracing::info!(?run, "publicity schedule closed or reminded");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "publicity schedule failed"),
        }
        activity.schedule_busy.send_replace(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            attempts: 10,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5),
        };
        let waits: Vec<u64> = (1..=5).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_batch_is_delivered_again_from_the_record_its_response_names() {
        use award_app::batch::{Handled, partial_batch};
        use award_ports::{ChangeKind, Key};

        let record = |sequence: &str| ChangeRecord {
            sequence: sequence.to_owned(),
            kind: ChangeKind::Insert,
            key: Key::new("ITEM", sequence),
            new_image: None,
        };
        let records = [record("41"), record("42"), record("43")];
        let handled = std::sync::Mutex::new(Vec::new());
        let failures_left = AtomicUsize::new(1);
        let policy = RetryPolicy {
            attempts: 3,
            first_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        };
        let (_stop, shutdown) = watch::channel(false);
        let (handled_ref, failures) = (&handled, &failures_left);
        let outcome = deliver_batch("test batch", &records, policy, &shutdown, |rest| {
            partial_batch(rest, move |change| async move {
                handled_ref.lock().unwrap().push(change.sequence.clone());
                let fails = change.sequence == "42"
                    && failures
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                            left.checked_sub(1)
                        })
                        .is_ok();
                if fails {
                    Handled::Failed
                } else {
                    Handled::Changed
                }
            })
        })
        .await;
        assert!(matches!(outcome, Outcome::Done));
        // The record before the failed one is not handled again.
        assert_eq!(*handled.lock().unwrap(), ["41", "42", "42", "43"]);
    }
}
