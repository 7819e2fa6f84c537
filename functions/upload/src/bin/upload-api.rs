//! Lambda `upload-api`: the HTTP API behind API Gateway (HTTP API, JWT authorizer).

use award_app::http::handle;
use chrono::Utc;
use lambda_http::{Error, Request, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    fn_upload::init_tracing();
    let app = fn_upload::aws_app().await?;
    let app = &app;
    lambda_http::run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(handle(app, request, Utc::now()).await)
    }))
    .await
}
