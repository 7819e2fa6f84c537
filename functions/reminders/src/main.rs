//! Lambda `reminders`: run once a day by EventBridge Scheduler (China morning). Each run does the
//! dated work that is due by today:
//! - the cycles' (`award_app::stages::cycles::advance_cycles`): it reads current statuses, so a
//!   missed day is caught up and a second run the same day changes nothing;
//! - aftercare (`award_app::stages::aftercare::run_daily`): the `DUE#<day>` items from the day
//!   after its watermark up to today (expiry reminders, follow-up visits, expiry, the end of a
//!   debarment), each handled once.

use award_app::stages::aftercare;
use award_app::stages::cycles::advance_cycles;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |_event: LambdaEvent<serde_json::Value>| async move {
            let now = Utc::now();
            let cycles = advance_cycles(app, now).await?;
            tracing::info!(?cycles, "cycle schedule handled");
            let aftercare = aftercare::run_daily(app, now).await?;
            tracing::info!(?aftercare, "aftercare schedule handled");
            Ok::<_, Error>(serde_json::json!({ "cycles": cycles, "aftercare": aftercare }))
        },
    ))
    .await
}
