//! Lambda `screening`: the table's stream, filtered by the event source mapping to application
//! images in state `recommended` (Art. 11(4)). Each record is screened and the result stored with
//! the application; a redelivered record, or the record of the screening's own write, finds the
//! same inputs and writes nothing (`award_app::stages::screening::table_changes`).

use award_app::events::StreamRecords;
use award_app::stages::screening::table_changes;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<StreamRecords>| async move {
            let outcome = table_changes(app, event.payload, Utc::now()).await?;
            tracing::info!(report = ?outcome.report, "screening invocation handled");
            // Exactly {"batchItemFailures":[...]}: the mapping reports `ReportBatchItemFailures`.
            Ok::<_, Error>(outcome.response)
        },
    ))
    .await
}
