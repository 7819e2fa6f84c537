//! Lambda `screening`: the table's stream, filtered by the event source mapping to application
//! images in state `recommended` (Art. 11(4)). Each record is screened and the result stored with
//! the application; a redelivered record, or the record of the screening's own write, finds the
//! same inputs and writes nothing (`award_app::stages::screening::table_changes`).

use award_app::events::change_records;
use award_app::stages::screening::table_changes;
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<StreamEvent>| async move {
            let records = change_records(event.payload)?;
            let report = table_changes(app, &records, Utc::now()).await?;
            tracing::info!(?report, "screening invocation handled");
            Ok::<_, Error>(report)
        },
    ))
    .await
}
