//! Lambda `publicity`: run once a day by EventBridge Scheduler (China morning). Each publicity
//! that ended (its `DUE#<day>` item, up to 14 days back, so a missed run is caught up) is closed
//! when no objection against the name is open — the Office is told it may submit the name for
//! approval — or waits, the Office reminded once a day (Art. 11(8)). A second run the same day
//! writes nothing (`award_app::stages::decision::run_daily`).

use award_app::stages::decision::run_daily;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |_event: LambdaEvent<serde_json::Value>| async move {
            let run = run_daily(app, Utc::now()).await?;
            tracing::info!(?run, "daily publicity run handled");
            Ok::<_, Error>(run)
        },
    ))
    .await
}
