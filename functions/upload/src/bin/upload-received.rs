//! Lambda `upload-received`: S3 `ObjectCreated` → check the object against its declaration.

use award_app::events::object_created;
use aws_lambda_events::event::s3::S3Event;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app().await?;
    let app = &app;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<S3Event>| async move {
        let report = object_created(app, event.payload, Utc::now()).await?;
        tracing::info!(?report, "object-created event handled");
        Ok::<_, Error>(report)
    }))
    .await
}
