//! Lambda `reminders`: run once a day by EventBridge Scheduler (China morning). Each run does the
//! dated work that is due by today — it reads current statuses, so a missed day is caught up and
//! a second run the same day changes nothing (`award_app::usecases::cycles::advance_cycles`).

use award_app::usecases::cycles::advance_cycles;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |_event: LambdaEvent<serde_json::Value>| async move {
            let run = advance_cycles(app, Utc::now()).await?;
            tracing::info!(?run, "daily schedule handled");
            Ok::<_, Error>(run)
        },
    ))
    .await
}
