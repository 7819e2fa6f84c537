//! What the stream handlers share (notify, screening, aggregate): a stream record as the port's
//! [`ChangeRecord`], its new image as a typed record, what one record came to ([`Handled`]), and
//! how a batch is handled ([`partial_batch`]): the records of different partitions concurrently,
//! each partition's in order, and the first record that fails, in batch order, is the one the partial batch
//! response names so that the stream delivers the batch again from it. Each
//! handler writes only what it does with one record.

use std::future::Future;

use award_ports::{ChangeKind, ChangeRecord, table::key_of};
use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::store::{self, Record, from_item};

/// What a handler did with an event's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EventReport {
    /// Records that changed something (a document checked, a notice sent).
    pub changed: usize,
    /// Records whose work was already done (redelivery) or not due yet.
    pub unchanged: usize,
    /// Records that failed and are worth retrying.
    pub failed: usize,
    /// Notices whose send failed transiently: pending again, with a back-off (the redrive's).
    pub retrying: usize,
    /// Notices given up (`failed`): a permanent failure, too many attempts, or the redrive window
    /// left behind. Each is logged with `NOTICE_FAILED_LOG_MARKER`.
    pub gave_up: usize,
    /// Records ignored, with the reason (unknown keys, nothing declared).
    pub skipped: Vec<String>,
}

impl EventReport {
    /// The report, or an error when records failed, so the platform redelivers the event.
    pub(crate) fn finish(self) -> Result<Self, AppError> {
        if self.failed > 0 {
            Err(AppError::RecordsFailed {
                failed: self.failed,
            })
        } else {
            Ok(self)
        }
    }

    /// Counts what one record came to; `false` when it failed.
    pub fn count(&mut self, handled: Handled) -> bool {
        match handled {
            Handled::Ignored => {}
            Handled::Changed => self.changed += 1,
            Handled::Unchanged => self.unchanged += 1,
            Handled::Retrying => self.retrying += 1,
            Handled::GaveUp => self.gave_up += 1,
            Handled::Skipped(reason) => self.skipped.push(reason),
            Handled::Failed => {
                self.failed += 1;
                return false;
            }
        }
        true
    }
}

/// What a handler made of one record (each counted in the [`EventReport`] field of its name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// None of this handler's business (another item type, another state).
    Ignored,
    Changed,
    Unchanged,
    Retrying,
    GaveUp,
    /// Not worth retrying (it would fail again), with the reason.
    Skipped(String),
    /// Worth retrying: the handler has logged why.
    Failed,
}

/// The new image of `record` as a `T`: `Ok(None)` when there is none or it is another type's
/// item; `Err(Handled::Skipped)` when it is a `T` that does not map (logged, and not retried:
/// it would fail again). `what` names the item in the log and the report.
pub fn typed_image<T: Record>(record: &ChangeRecord, what: &str) -> Result<Option<T>, Handled> {
    let Some(image) = &record.new_image else {
        return Ok(None);
    };
    if store::type_of(image) != Some(T::TYPE) {
        return Ok(None);
    }
    match from_item::<T>(image.clone()) {
        Ok(stored) => Ok(Some(stored.record)),
        Err(error) => {
            tracing::error!(sequence = %record.sequence, %error, "unreadable {what} image; skipped");
            Err(Handled::Skipped(format!(
                "unreadable {what} {:?}",
                record.key
            )))
        }
    }
}

/// One stream record as the port's [`ChangeRecord`]. `aws_lambda_events` and the ports both use
/// `serde_dynamo::Item` (one crate version in the workspace), so images pass through as they are;
/// only the event name and the keys need reading.
pub fn change_record(record: EventRecord) -> Result<ChangeRecord, AppError> {
    let kind = match record.event_name.as_str() {
        "INSERT" => ChangeKind::Insert,
        "MODIFY" => ChangeKind::Modify,
        "REMOVE" => ChangeKind::Remove,
        other => {
            return Err(AppError::corrupt(format!(
                "unknown stream event name {other:?}"
            )));
        }
    };
    let key = key_of(&record.change.keys)?;
    let new_image = (kind != ChangeKind::Remove && !record.change.new_image.is_empty())
        .then_some(record.change.new_image);
    Ok(ChangeRecord {
        sequence: record.change.sequence_number.unwrap_or(record.event_id),
        kind,
        key,
        new_image,
    })
}

/// The stream event's records as the port's [`ChangeRecord`]s; the first record that does not
/// map fails the whole conversion.
pub fn change_records(event: StreamEvent) -> Result<Vec<ChangeRecord>, AppError> {
    event.records.into_iter().map(change_record).collect()
}

/// A stream invocation's records, each kept as JSON until it is read on its own, so one record
/// that does not parse cannot fail the parsing of the whole batch.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
pub struct StreamRecords {
    #[serde(rename = "Records")]
    pub records: Vec<serde_json::Value>,
}

/// A stream batch as a handler receives it: the table's change feed as the port's
/// [`ChangeRecord`]s (the local runner, tests, the benchmarks), or the stream event as Lambda
/// delivers it, each record still JSON.
#[derive(Debug, Clone)]
pub enum Changes<'r> {
    Feed(&'r [ChangeRecord]),
    Stream(StreamRecords),
}

impl<'r> From<&'r [ChangeRecord]> for Changes<'r> {
    fn from(records: &'r [ChangeRecord]) -> Self {
        Self::Feed(records)
    }
}

impl<'r> From<&'r Vec<ChangeRecord>> for Changes<'r> {
    fn from(records: &'r Vec<ChangeRecord>) -> Self {
        Self::Feed(records)
    }
}

impl From<StreamRecords> for Changes<'_> {
    fn from(event: StreamRecords) -> Self {
        Self::Stream(event)
    }
}

impl Changes<'_> {
    /// Each record with the sequence number a failure of it is reported by (`None` when a wire
    /// record has none), or why it does not map to a [`ChangeRecord`]. Parsed one by one, so one
    /// malformed record fails only itself.
    fn records(self) -> Vec<(Option<String>, Result<ChangeRecord, AppError>)> {
        match self {
            Self::Feed(records) => records
                .iter()
                .map(|record| (Some(record.sequence.clone()), Ok(record.clone())))
                .collect(),
            Self::Stream(event) => event
                .records
                .into_iter()
                .map(|raw| {
                    let sequence = sequence_number(&raw);
                    let change = match serde_json::from_value::<EventRecord>(raw) {
                        Ok(record) => change_record(record),
                        Err(error) => {
                            tracing::error!(sequence = ?sequence, %error, "stream record does not parse");
                            Err(AppError::corrupt(format!(
                                "stream record does not parse: {error}"
                            )))
                        }
                    };
                    (sequence, change)
                })
                .collect(),
        }
    }
}

/// What a stream handler did with a batch: the partial batch response Lambda reads
/// (`FunctionResponseTypes: [ReportBatchItemFailures]`: at most one failure, the first record
/// that failed; none after it was tried) and what was done, for the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamBatchOutcome {
    pub response: DynamoDbEventResponse,
    pub report: EventReport,
}

impl StreamBatchOutcome {
    /// The sequence number of the record that failed, from which the stream delivers the batch
    /// again (records before it are checkpointed); `None` when every record was handled.
    pub fn failed_sequence(&self) -> Option<&str> {
        self.response
            .batch_item_failures
            .first()
            .and_then(|failure| failure.item_identifier.as_deref())
    }

    /// The report, or `RecordsFailed` when a record failed: for a caller that redelivers the
    /// whole batch rather than the part from the failed record.
    pub fn finish(self) -> Result<EventReport, AppError> {
        self.report.finish()
    }
}

/// A record's `dynamodb.SequenceNumber`, the identifier Lambda expects for a DynamoDB stream
/// record in `batchItemFailures` ("Configuring partial batch response with DynamoDB and Lambda").
fn sequence_number(record: &serde_json::Value) -> Option<String> {
    record
        .pointer("/dynamodb/SequenceNumber")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|sequence| !sequence.is_empty())
        .map(str::to_owned)
}

/// Handles a stream batch and reports the first record that fails (it does not map to a
/// [`ChangeRecord`], or `handle` failed on it): its sequence number is the one failure reported,
/// and the stream delivers the batch again from it. Records before it are done and checkpointed.
///
/// Records of different partitions are handled concurrently (up to [`store::AT_ONCE`] chains at
/// once), so a batch costs the round trips of its longest chain, not of all its records one after another (issue 23: the submission's three
/// notices are three chains of three round trips, not nine in a row); the records of one
/// partition (an application's items, a notice) are handled in their order, each after the one
/// before it succeeded. A record after the
/// failure may have been handled already: every handler is idempotent, so its redelivery changes
/// nothing. Only the records before the failure are counted in the report.
///
/// `Err` only when a failing record carries no sequence number to report (Lambda reads an empty
/// or missing identifier as the failure of the whole batch, so it is said plainly instead).
pub async fn partial_batch<'r, F, Fut>(
    changes: impl Into<Changes<'r>>,
    handle: F,
) -> Result<StreamBatchOutcome, AppError>
where
    F: Fn(ChangeRecord) -> Fut,
    Fut: Future<Output = Handled>,
{
    let records = changes.into().records();
    // One chain per partition (a record that does not map is a chain of its own), in batch
    // order: the records of one application (its panel's sheets, say) all lead to that one
    // application item, and would only race each other for it.
    let mut chains: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for (index, (_, change)) in records.iter().enumerate() {
        let key = change.as_ref().ok().map(|change| change.key.pk.clone());
        match chains
            .iter_mut()
            .find(|(chain_key, _)| key.is_some() && *chain_key == key)
        {
            Some((_, indices)) => indices.push(index),
            None => chains.push((key, vec![index])),
        }
    }
    let records = &records;
    let handle = &handle;
    // Collected first: a lazy iterator held across the awaits is not provably `Send`.
    let runs: Vec<_> = chains
        .iter()
        .map(|(_, indices)| async move {
            let mut handled = Vec::with_capacity(indices.len());
            for &index in indices {
                let outcome = match &records[index].1 {
                    Ok(change) => handle(change.clone()).await,
                    Err(error) => {
                        tracing::error!(%error, "handling a table change failed");
                        Handled::Failed
                    }
                };
                let failed = outcome == Handled::Failed;
                handled.push((index, outcome));
                if failed {
                    break;
                }
            }
            handled
        })
        .collect();
    let outcomes = store::at_once(runs).await;
    let mut by_index: Vec<Option<Handled>> = vec![None; records.len()];
    for (index, outcome) in outcomes.into_iter().flatten() {
        by_index[index] = Some(outcome);
    }
    let mut outcome = StreamBatchOutcome::default();
    for (index, handled) in by_index.into_iter().enumerate() {
        // A record not tried sits after its item's failure, itself after the first failure.
        let Some(handled) = handled else { break };
        if outcome.report.count(handled) {
            continue;
        }
        let Some(sequence) = records[index].0.clone() else {
            return Err(AppError::corrupt(
                "a failed stream record has no SequenceNumber to report",
            ));
        };
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = Some(sequence);
        outcome.response.batch_item_failures.push(failure);
        break;
    }
    Ok(outcome)
}
