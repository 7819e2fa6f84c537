//! The local runner: every function of the award in one process (on 127.0.0.1 unless told
//! otherwise), over the embedded adapters, in a data folder that survives restarts.
//!
//! It stands in for the AWS services around the functions:
//! * **API Gateway** (HTTP API, payload 2.0, JWT authorizer): verifies a locally minted token
//!   ([`token`]) and hands `upload-api`'s handler the same `lambda_http::Request` ([`gateway`]);
//! * **S3**: serves the presigned links of [`EmbeddedBlobs`] and, after an accepted upload, sends
//!   the `ObjectCreated:Put` event to `upload-received` ([`s3_event`]); at start, it sends again
//!   the events of every stored object, so that none is lost to a crash;
//! * **DynamoDB Streams + the event source mapping**: tails the embedded table's change feed and
//!   delivers batches to `notify`, retrying a failing batch with back-off ([`deliveries`]);
//! * **EventBridge Scheduler**: runs the scheduled functions on their schedule.
//!
//! [`start`] binds, starts everything and returns a [`RunningServer`]; tests start one on port 0
//! with a [`clock::ManualClock`] and wait for [`RunningServer::settled`] instead of sleeping.

pub mod archive;
pub mod clock;
pub mod data_dir;
mod deliveries;
pub mod demo;
pub mod gateway;
mod routes;
pub mod s3_event;
pub mod token;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use award_app::{App, AppConfig, Mailboxes};
use award_embedded::{EmbeddedBlobs, EmbeddedMail, EmbeddedTable};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use data_dir::DataDir;
pub use deliveries::RetryPolicy;
pub use token::Identity;

/// The address the runner listens on unless told otherwise.
pub const DEFAULT_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8787);
/// The sender of every local notice.
pub const DEFAULT_MAIL_FROM: &str = "noreply@award.wuwei.local";
/// Its display name (`MAIL_FROM_NAME` unless set).
pub const DEFAULT_MAIL_FROM_NAME: &str = "武威市人民政府质量奖评审委员会办公室";
/// The local mailboxes of the Office, the Committee and the finance bureau (their mail lands in
/// the outbox folder like every other).
pub fn default_mailboxes() -> Mailboxes {
    Mailboxes {
        office: "office@award.wuwei.local".into(),
        committee: "committee@award.wuwei.local".into(),
        finance: "finance@award.wuwei.local".into(),
    }
}
/// The bucket name the local S3 events carry.
pub const DEFAULT_BUCKET: &str = "award-evidence-local";
/// How often the scheduled redrive of pending notices runs locally.
pub const DEFAULT_REDRIVE_EVERY: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("secret: {0}")]
    Secret(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("table: {0}")]
    Table(#[from] award_ports::TableError),
    #[error("blobs: {0}")]
    Blobs(#[from] award_ports::BlobError),
    #[error("mail: {0}")]
    Mail(#[from] award_ports::MailError),
    #[error("token: {0}")]
    Token(#[from] token::TokenError),
    #[error("a runner task failed: {0}")]
    Task(String),
    #[error("the demo stopped at {step}: {detail}")]
    Demo { step: String, detail: String },
}

impl LocalError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// How to run the local runner.
#[derive(Clone)]
pub struct LocalConfig {
    /// Where to listen; port 0 picks a free port. The development sign-in is served only on a
    /// loopback address, unless `expose_dev_sign_in` says otherwise.
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// The use cases' settings (sender, upload limit, link lifetimes), as the functions get them.
    pub app: AppConfig,
    /// Every handler's `now`.
    pub clock: Arc<dyn Clock>,
    /// The period of the scheduled redrive of pending notices.
    pub redrive_every: Duration,
    /// How a failing event delivery is retried (S3 events and change-feed batches).
    pub retry: RetryPolicy,
    pub bucket: String,
    /// The built pages (`web/dist`), served at `/` beside the API; `None` serves the API alone.
    pub web_dir: Option<PathBuf>,
    /// Serve the development sign-in (`POST /local/sign-in`, which hands any role's token to
    /// whoever asks, and `GET /local/accounts`) even when `addr` is not a loopback address. Without
    /// it those routes answer 404 `dev_sign_in_off` there, and tokens come from `award-local token`
    /// on the machine that holds the data folder.
    pub expose_dev_sign_in: bool,
    /// A diagnostic knob (`AWARD_LOCAL_HOLD_S3_EVENTS=1`): accept and store uploads but deliver
    /// none of their S3 events, nor those of the objects stored before, until a runner starts
    /// without it. It makes "killed after answering the PUT, before the event was handled"
    /// deterministic for the crash test; [`RunningServer::settled`] never resolves meanwhile.
    pub hold_object_events: bool,
}

impl LocalConfig {
    /// The defaults, over the data folder `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: DEFAULT_ADDR,
            data_dir: data_dir.into(),
            // The real address replaces this once the listener is bound.
            app: AppConfig::new(
                DEFAULT_MAIL_FROM,
                default_mailboxes(),
                &format!("http://{DEFAULT_ADDR}"),
            ),
            clock: Arc::new(SystemClock),
            redrive_every: DEFAULT_REDRIVE_EVERY,
            retry: RetryPolicy::default(),
            bucket: DEFAULT_BUCKET.to_owned(),
            web_dir: None,
            expose_dev_sign_in: false,
            hold_object_events: false,
        }
    }
}

/// A started runner. Dropping it asks it to stop; [`RunningServer::shutdown`] also waits.
pub struct RunningServer {
    address: SocketAddr,
    dev_sign_in: bool,
    data: DataDir,
    table: EmbeddedTable,
    activity: deliveries::Activity,
    shutdown: watch::Sender<bool>,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

/// Binds `config.addr`, opens the data folder and starts serving and delivering events, first
/// delivering again the S3 events of every object already stored (a crash may have lost them).
/// Errors: the configuration, the data folder, the address (`Bind`), the stored objects' listing.
pub async fn start(config: LocalConfig) -> Result<RunningServer, LocalError> {
    config
        .app
        .check()
        .map_err(|error| LocalError::Config(error.to_string()))?;
    let data = DataDir::open(&config.data_dir)?;

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| LocalError::Bind {
            addr: config.addr,
            source,
        })?;
    let address = listener.local_addr().map_err(|source| LocalError::Bind {
        addr: config.addr,
        source,
    })?;

    let mut app_config = config.app.clone();
    // Links in emails (confirmations) point at this runner, wherever it was bound.
    if app_config.public_base_url == format!("http://{DEFAULT_ADDR}") {
        app_config.public_base_url = format!("http://{address}");
    }
    let table = EmbeddedTable::open(data.table_file())?;
    let blobs = Arc::new(EmbeddedBlobs::new(
        data.blobs(),
        format!("http://{address}"),
        data.blob_link_secret()?,
    )?);
    let app = Arc::new(App::new(
        Arc::new(table.clone()),
        blobs.clone(),
        Arc::new(EmbeddedMail::new(data.outbox())?),
        app_config,
    ));

    let (shutdown, _) = watch::channel(false);
    let activity = deliveries::Activity::new(table.checkpoint(deliveries::NOTIFY_CONSUMER)?);
    let stored =
        deliveries::stored_object_events(&blobs, &config.bucket, config.clock.now()).await?;
    for _ in &stored {
        activity.object_event_queued();
    }
    let (object_events, object_events_rx) = mpsc::unbounded_channel();
    // Anyone who can reach a non-loopback address could otherwise take any role's token.
    let dev_sign_in = address.ip().is_loopback() || config.expose_dev_sign_in;
    let state = Arc::new(routes::Shared {
        app: app.clone(),
        blobs,
        clock: config.clock.clone(),
        token_secret: data.token_secret()?,
        bucket: config.bucket.clone(),
        object_events,
        // Seeded from the clock so that sequencers keep increasing across restarts.
        object_sequence: AtomicU64::new(
            u64::try_from(config.clock.now().timestamp_micros()).unwrap_or_default(),
        ),
        activity: activity.clone(),
        data_root: data.root().to_owned(),
        dev_sign_in,
    });

    let server = {
        let stop = shutdown.subscribe();
        let service = routes::router(state, config.web_dir.as_deref())
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let serving = axum::serve(listener, service)
                .with_graceful_shutdown(deliveries::stopped(stop))
                .await;
            if let Err(error) = serving {
                tracing::error!(%error, "the HTTP server stopped with an error");
            }
        })
    };
    let objects = tokio::spawn(deliveries::deliver_object_events(
        app.clone(),
        deliveries::ObjectEvents {
            stored,
            queue: object_events_rx,
            hold: config.hold_object_events,
        },
        config.clock.clone(),
        config.retry,
        activity.clone(),
        shutdown.subscribe(),
    ));
    let feed = tokio::spawn(deliveries::tail_changes(
        app.clone(),
        table.clone(),
        config.clock.clone(),
        config.retry,
        activity.clone(),
        shutdown.subscribe(),
    ));
    let schedule = tokio::spawn(deliveries::run_schedule(
        activity.clone(),
        app,
        table.clone(),
        config.clock.clone(),
        config.redrive_every,
        shutdown.subscribe(),
    ));

    Ok(RunningServer {
        address,
        dev_sign_in,
        data,
        table,
        activity,
        shutdown,
        tasks: vec![
            ("http server", server),
            ("S3 event delivery", objects),
            ("change feed", feed),
            ("schedule", schedule),
        ],
    })
}

impl RunningServer {
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn data_dir(&self) -> &Path {
        self.data.root()
    }

    pub fn outbox(&self) -> PathBuf {
        self.data.outbox()
    }

    /// Whether `POST /local/sign-in` and `GET /local/accounts` are served (see
    /// [`LocalConfig::expose_dev_sign_in`]).
    pub fn dev_sign_in(&self) -> bool {
        self.dev_sign_in
    }

    /// Resolves once the S3 events of the objects stored before the start have been delivered
    /// again, to how many there were (each handled or given up); `None` if the runner is asked to
    /// stop first. While the S3 events are held ([`LocalConfig::hold_object_events`]) only a stop
    /// resolves it. Owns what it needs, so it may outlive a borrow of the server.
    pub fn stored_objects_redelivered(
        &self,
    ) -> impl std::future::Future<Output = Option<usize>> + Send + 'static {
        let redelivered = self.activity.redelivered();
        let stop = self.shutdown.subscribe();
        async move {
            tokio::select! {
                count = redelivered => count,
                () = deliveries::stopped(stop) => None,
            }
        }
    }

    /// Waits until every event the runner owes has been handled: no S3 event waiting for
    /// `upload-received`, and `notify` has consumed the change feed up to its newest change
    /// (including the changes `notify` itself made). Returns early if the runner stops.
    pub async fn settled(&self) {
        self.activity.settled(&self.table).await;
    }

    /// Stops accepting requests, lets the workers finish what they hold, and waits for them, so
    /// that the data folder can be opened again.
    pub async fn shutdown(mut self) -> Result<(), LocalError> {
        self.shutdown.send_replace(true);
        let mut failures = Vec::new();
        for (name, task) in std::mem::take(&mut self.tasks) {
            if let Err(error) = task.await {
                failures.push(format!("{name}: {error}"));
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(LocalError::Task(failures.join("; ")))
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Mints a token for `identity` with the data folder's token key (created if missing), valid from
/// `now` for `lifetime`: what `award-local token` prints.
pub fn mint_token(
    data_dir: &Path,
    identity: &Identity,
    now: chrono::DateTime<chrono::Utc>,
    lifetime: chrono::Duration,
) -> Result<String, LocalError> {
    let data = DataDir::open(data_dir)?;
    Ok(token::mint(&data.token_secret()?, identity, now, lifetime)?)
}
