//! The shell every award Lambda shares: JSON logs for CloudWatch, and the [`App`] over the AWS
//! adapters, built once per cold start from the environment. The handlers are in `award-app`.

use std::sync::Arc;

use award_app::{App, AppConfig, AppError, required};
use award_aws::{DynamoTable, S3Blobs, SesMail, s3_client, sdk_config};
use award_ports::Mail;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// JSON lines on stdout (CloudWatch keeps the timestamp); level from `RUST_LOG`, default `info`.
/// `RUST_LOG` is read as targets and levels (`info`, `warn,award_app=debug`), not `EnvFilter`'s
/// span and field directives: those bring a regex engine into every function's binary.
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .json()
        .with_ansi(false)
        .with_current_span(false)
        .without_time()
        .finish()
        .with(log_filter(std::env::var("RUST_LOG").ok().as_deref()))
        .init();
}

/// The filter `RUST_LOG` asks for; `info` when it is unset, empty or does not parse.
fn log_filter(setting: Option<&str>) -> Targets {
    setting
        .map(str::trim)
        .filter(|setting| !setting.is_empty())
        .and_then(|setting| setting.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

/// Which adapter of the Mail port sends the notices (`MAIL_TRANSPORT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// SES, through the function's role (`ses`, the default).
    Ses,
    /// An SMTP relay at `SMTP_URL` (`smtp`): the China regions, where SES does not exist.
    Smtp { url: String },
}

/// `MAIL_TRANSPORT` (`ses` when unset) and, for `smtp`, `SMTP_URL` (required), read through
/// `lookup`. A `Config` error names the bad setting, never the URL (it holds the password).
pub fn mail_transport(lookup: &impl Fn(&str) -> Option<String>) -> Result<MailTransport, AppError> {
    match lookup("MAIL_TRANSPORT").as_deref().map(str::trim) {
        None | Some("") | Some("ses") => Ok(MailTransport::Ses),
        Some("smtp") => Ok(MailTransport::Smtp {
            url: required(lookup, "SMTP_URL")?,
        }),
        Some(other) => Err(AppError::config(format!(
            "MAIL_TRANSPORT must be ses or smtp, not {other:?}"
        ))),
    }
}

/// The SES adapter on the shared SDK configuration.
pub fn ses_mail(sdk: &aws_config::SdkConfig) -> Arc<dyn Mail> {
    Arc::new(SesMail::new(award_aws::ses_client(sdk)))
}

/// The app over DynamoDB (`TABLE_NAME`), S3 (`BUCKET_NAME`) and SES (`MAIL_FROM`,
/// `MAIL_FROM_NAME`), with `MAX_UPLOAD_BYTES`; a missing or bad setting is an error naming it.
/// For the functions that only owe notices and never send them.
pub async fn aws_app() -> Result<App, AppError> {
    aws_app_with_mail(|sdk| Ok(ses_mail(sdk))).await
}

/// [`aws_app`] with the Mail adapter `mail` builds (the sender, `notify`, chooses it by
/// [`mail_transport`]). Errors are logged once here, as the function cannot start.
pub async fn aws_app_with_mail(
    mail: impl FnOnce(&aws_config::SdkConfig) -> Result<Arc<dyn Mail>, AppError>,
) -> Result<App, AppError> {
    let app = build_aws_app(mail).await;
    if let Err(error) = &app {
        tracing::error!(%error, "cannot start: bad configuration");
    }
    app
}

async fn build_aws_app(
    mail: impl FnOnce(&aws_config::SdkConfig) -> Result<Arc<dyn Mail>, AppError>,
) -> Result<App, AppError> {
    let lookup = |name: &str| std::env::var(name).ok();
    let config = AppConfig::from_lookup(lookup)?;
    let table_name = required(&lookup, "TABLE_NAME")?;
    let bucket_name = required(&lookup, "BUCKET_NAME")?;
    let sdk = sdk_config(None).await;
    Ok(App::new(
        Arc::new(DynamoTable::new(
            award_aws::dynamodb_client(&sdk),
            table_name,
        )),
        Arc::new(S3Blobs::new(s3_client(&sdk, false), bucket_name)),
        mail(&sdk)?,
        config,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn rust_log_sets_targets_and_levels() {
        use tracing::Level;
        let default = log_filter(None);
        assert!(default.would_enable("award_app", &Level::INFO));
        assert!(!default.would_enable("award_app", &Level::DEBUG));
        assert!(!log_filter(Some("")).would_enable("award_app", &Level::DEBUG));
        let warn = log_filter(Some("warn"));
        assert!(!warn.would_enable("award_app", &Level::INFO));
        assert!(warn.would_enable("award_app", &Level::WARN));
        let mixed = log_filter(Some("warn,award_app=debug"));
        assert!(mixed.would_enable("award_app::http", &Level::DEBUG));
        assert!(!mixed.would_enable("aws_config", &Level::INFO));
        // EnvFilter's span directive does not parse as targets: the default, not silence.
        assert!(log_filter(Some("[span{id=1}]=trace")).would_enable("award_app", &Level::INFO));
    }

    #[test]
    fn the_mail_transport_is_chosen_by_configuration() {
        assert_eq!(mail_transport(&lookup(&[])).unwrap(), MailTransport::Ses);
        assert_eq!(
            mail_transport(&lookup(&[("MAIL_TRANSPORT", "ses")])).unwrap(),
            MailTransport::Ses
        );
        assert_eq!(
            mail_transport(&lookup(&[
                ("MAIL_TRANSPORT", "smtp"),
                ("SMTP_URL", "smtps://u:p@smtp.example.cn:465")
            ]))
            .unwrap(),
            MailTransport::Smtp {
                url: "smtps://u:p@smtp.example.cn:465".into()
            }
        );
        let missing = mail_transport(&lookup(&[("MAIL_TRANSPORT", "smtp")])).unwrap_err();
        assert!(missing.to_string().contains("SMTP_URL"));
        let unknown = mail_transport(&lookup(&[("MAIL_TRANSPORT", "sendmail")])).unwrap_err();
        assert!(unknown.to_string().contains("MAIL_TRANSPORT"));
    }
}
