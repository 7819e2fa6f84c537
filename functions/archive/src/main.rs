//! Lambda `archive`: the table's stream, filtered by the event source mapping to export jobs
//! (`archive_job` images) that are `queued`. Each job is claimed (version-guarded: a redelivered
//! record finds it claimed and does nothing), the cycle's archive streamed to the bucket in
//! multipart parts, and the job marked `done` or `failed`
//! (`award_app::stages::archive::build::table_changes`). One invocation runs one export to its
//! end, so the function's timeout (the template's 900 s) bounds the size of a cycle it can export.

use award_app::events::StreamRecords;
use award_app::stages::archive::build::table_changes;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<StreamRecords>| async move {
            let clock = Utc::now;
            let outcome = table_changes(app, event.payload, &clock).await?;
            tracing::info!(report = ?outcome.report, "archive invocation handled");
            // Exactly {"batchItemFailures":[...]}: the mapping reports `ReportBatchItemFailures`.
            Ok::<_, Error>(outcome.response)
        },
    ))
    .await
}
