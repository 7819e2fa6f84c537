//! Lambda `aggregate`: the table's stream, filtered by the event source mapping to submitted score
//! sheets and received on-site review reports (Art. 11(5)–(6)). Each record aggregates its panel;
//! once every counted sheet is in (and, on site, the survey and the report), the result is final
//! and the application moves on. A redelivered record finds nothing changed and writes nothing
//! (`award_app::stages::reviews::table_changes`).

use award_app::events::StreamRecords;
use award_app::stages::reviews::table_changes;
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
            tracing::info!(report = ?outcome.report, "aggregate invocation handled");
            // Exactly {"batchItemFailures":[...]}: the mapping reports `ReportBatchItemFailures`.
            Ok::<_, Error>(outcome.response)
        },
    ))
    .await
}
