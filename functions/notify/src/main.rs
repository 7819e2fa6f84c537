//! Lambda `notify`: the table's stream (send the notices a change owes; partial batch response)
//! and its schedule (an EventBridge rule: redrive notices still pending). `NotifyEvent` tells the
//! two apart.

use award_app::events::{NotifyEvent, notify};
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    fn_upload::init_tracing();
    let app = fn_upload::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<NotifyEvent>| async move {
            let outcome = notify(app, event.payload, Utc::now()).await?;
            tracing::info!(report = ?outcome.report(), "notify invocation handled");
            Ok::<_, Error>(outcome.response()?)
        },
    ))
    .await
}
