//! Lambda `upload-api`: the HTTP API behind API Gateway (HTTP API, payload format 2.0, JWT
//! authorizer). The event is read as JSON first so that typed JWT claims cannot break it.

use award_app::http::handle_event;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            Ok::<_, Error>(handle_event(app, event.payload, Utc::now()).await)
        },
    ))
    .await
}
