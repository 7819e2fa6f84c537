//! Lambda `notify`: the table's stream (send the notices a change owes) and its schedule (an
//! EventBridge rule: redrive notices still pending). `NotifyEvent` tells the two apart.

use award_app::events::{NotifyEvent, notify};
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<NotifyEvent>| async move {
            let report = notify(app, event.payload, Utc::now()).await?;
            tracing::info!(?report, "notify invocation handled");
            Ok::<_, Error>(report)
        },
    ))
    .await
}
