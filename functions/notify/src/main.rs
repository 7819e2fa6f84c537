//! Lambda `notify`: the table's stream (send the notices a change owes; partial batch response)
//! and its schedule (an EventBridge rule: redrive notices still pending). `NotifyEvent` tells the
//! two apart. It sends through SES, or through an SMTP relay in the China regions
//! (`MAIL_TRANSPORT=smtp`, `SMTP_URL`).

use std::sync::Arc;

use award_app::AppError;
use award_app::events::{NotifyEvent, notify};
use award_lambda::{MailTransport, mail_transport};
use award_ports::Mail;
use award_smtp::SmtpMail;
use chrono::Utc;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    award_lambda::init_tracing();
    let app = award_lambda::aws_app_with_mail(|sdk| {
        let lookup = |name: &str| std::env::var(name).ok();
        match mail_transport(&lookup)? {
            MailTransport::Ses => Ok(award_lambda::ses_mail(sdk)),
            MailTransport::Smtp { url } => SmtpMail::from_url(&url)
                .map(|mail| Arc::new(mail) as Arc<dyn Mail>)
                .map_err(|error| AppError::config(error.to_string())),
        }
    })
    .await?;
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
