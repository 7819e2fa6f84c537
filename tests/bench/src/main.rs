//! `award-bench`: measures and prints figures for docs/PERFORMANCE.md (see scripts/bench.sh).
//!
//! * `award-bench calls` — table calls per operation (no AWS needed).
//! * `award-bench cold-start --bin-dir DIR [--runs N]` — cold start, warm invocation and peak
//!   memory, size and zipped size of the eight function binaries beside the floor's (`DIR/floor`,
//!   `tests/floor`), runs alternating, on a table seeded with the demo's played cycle (release for
//!   the figures; the debug ones in CI's quick run), against the local AWS at `MOTO_URL`.
//! * `award-bench aftercare` — the `reminders` function's daily aftercare run with 10 items due,
//!   in a table of ~40 items and in one with 100 000 more dated items of other days.
//! * `award-bench review` — the review's pure work at scale: aggregation of 10 000 applications ×
//!   15 experts, the draw of 200 applications × 60 experts (time and peak memory).
//!
//! Nothing here asserts a speed: it measures and writes.

mod calls;
mod cold_start;
mod review;
mod seed;

use std::path::PathBuf;
use std::time::Duration;

use award_local::gateway::{GatewayRequest, to_event};

type BenchError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BenchError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("calls") => print_calls().await,
        Some("review") => review::print(),
        Some("aftercare") => print_aftercare().await,
        Some("cold-start") => {
            let bin_dir = flag(&args, "--bin-dir")
                .map(PathBuf::from)
                .ok_or("cold-start needs --bin-dir DIR (the release binaries)")?;
            let runs: usize = match flag(&args, "--runs") {
                Some(runs) => runs.parse()?,
                None => 10,
            };
            print_cold_start(&bin_dir, runs).await
        }
        _ => Err(
            "usage: award-bench calls | review | aftercare | cold-start --bin-dir DIR [--runs N]"
                .into(),
        ),
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1).cloned())
}

async fn print_calls() -> Result<(), BenchError> {
    println!(
        "| operation | GetItem | Query | TransactWriteItems | items written | sequential round trips |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (operation, calls) in calls::measure().await? {
        println!(
            "| {operation} | {} | {} | {} | {} | {} |",
            calls.gets, calls.queries, calls.transacts, calls.written_items, calls.rounds
        );
    }
    Ok(())
}

async fn print_aftercare() -> Result<(), BenchError> {
    println!(
        "| dated items of other days | due today | GetItem | Query | TransactWriteItems | items written | time |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for filler in [0, 100_000] {
        let (calls, elapsed, run) = calls::aftercare_run(filler).await?;
        println!(
            "| {filler} | {} | {} | {} | {} | {} | {:.1} ms |",
            run.reminded.len(),
            calls.gets,
            calls.queries,
            calls.transacts,
            calls.written_items,
            elapsed.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

async fn print_cold_start(bin_dir: &std::path::Path, runs: usize) -> Result<(), BenchError> {
    let moto = std::env::var("MOTO_URL").map_err(|_| "set MOTO_URL (scripts/bench.sh does)")?;
    let table = format!("bench-{}", ulid::Ulid::new().to_string().to_lowercase());
    let bucket = table.clone();
    let sender = "award@bench.example";
    let sdk = award_aws::sdk_config(Some(&moto)).await;
    award_aws::create_table(&aws_sdk_dynamodb::Client::new(&sdk), &table).await?;
    award_aws::create_bucket(&award_aws::s3_client(&sdk, true), &bucket).await?;
    award_aws::verify_sender(&aws_sdk_ses::Client::new(&sdk), sender).await?;
    let env: Vec<(String, String)> = [
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_LAMBDA_FUNCTION_NAME", "bench"),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench"),
        ("TABLE_NAME", table.as_str()),
        ("BUCKET_NAME", bucket.as_str()),
        ("MAIL_FROM", sender),
        // Every variable the functions read at start (award_app::AppConfig::from_lookup).
        ("OFFICE_MAILBOX", "office@bench.example"),
        ("COMMITTEE_MAILBOX", "committee@bench.example"),
        ("FINANCE_MAILBOX", "finance@bench.example"),
        ("PUBLIC_BASE_URL", "http://127.0.0.1:8787"),
        ("RUST_LOG", "warn"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();

    let seeded = seed::demo_into(&award_aws::DynamoTable::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        table.as_str(),
    ))
    .await?;
    println!(
        "Table: the demo's played cycle ({seeded} items). Each row's runs alternate with the \
         floor's (floor, function, floor, …); its ratios are to the floor's runs paired with it. \
         Zipped: `bootstrap` alone, deflate level 9."
    );
    println!();
    println!(
        "| binary | size (KiB) | zipped (bytes) | init median / max (ms) | first event median / max (ms) | warm event median (ms) | peak RSS max (MiB) | init, first, warm ÷ floor | event |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let floor = bin_dir.join("floor");
    let mut every_floor_run = Vec::new();
    let mut rows = Vec::new();
    for (binary, event, what) in events()? {
        let path = bin_dir.join(binary);
        let (mut mine, mut paired) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        for _ in 0..runs {
            paired.push(cold_start::run_once(&floor, &env, &event).await?);
            mine.push(cold_start::run_once(&path, &env, &event).await?);
        }
        let (mine, paired_figures) = (Figures::of(&mine), Figures::of(&paired));
        every_floor_run.extend(paired);
        rows.push((path, mine, paired_figures, what));
    }
    let floor_figures = Figures::of(&every_floor_run);
    println!(
        "{}",
        floor_figures.row(&floor, None, "any event: one `GetItem`")?
    );
    for (path, mine, paired, what) in rows {
        println!("{}", mine.row(&path, Some(&paired), what)?);
    }
    println!("\n{runs} runs per binary and as many of the floor beside each.");
    Ok(())
}

/// The medians and maxima of a binary's runs.
struct Figures {
    init: (Duration, Duration),
    cold: (Duration, Duration),
    warm: Duration,
    peak_rss_kib: u64,
}

impl Figures {
    fn of(runs: &[cold_start::Run]) -> Self {
        let spread = |pick: fn(&cold_start::Run) -> Duration| {
            let mut values: Vec<Duration> = runs.iter().map(pick).collect();
            values.sort();
            let median = values.get(values.len() / 2).copied().unwrap_or_default();
            (median, values.last().copied().unwrap_or_default())
        };
        Self {
            init: spread(|r| r.init),
            cold: spread(|r| r.cold),
            warm: spread(|r| r.warm).0,
            peak_rss_kib: runs
                .iter()
                .map(|r| r.peak_rss_kib)
                .max()
                .unwrap_or_default(),
        }
    }

    /// One line of the table; `floor`: the floor's runs paired with these, for the ratios.
    fn row(
        &self,
        binary: &std::path::Path,
        floor: Option<&Figures>,
        what: &str,
    ) -> Result<String, BenchError> {
        let size = std::fs::metadata(binary)
            .map_err(|error| format!("{}: {error}", binary.display()))?
            .len();
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        let ratio = |mine: Duration, floor: Duration| {
            if floor.is_zero() {
                "–".to_owned()
            } else {
                format!("{:.1}", mine.as_secs_f64() / floor.as_secs_f64())
            }
        };
        let ratios = floor.map_or_else(
            || "1 (the floor)".to_owned(),
            |floor| {
                format!(
                    "{} / {} / {}",
                    ratio(self.init.0, floor.init.0),
                    ratio(self.cold.0, floor.cold.0),
                    ratio(self.warm, floor.warm)
                )
            },
        );
        let name = binary
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(format!(
            "| {name} | {} | {} | {} / {} | {} / {} | {} | {:.1} | {ratios} | {what} |",
            size / 1024,
            zipped_bytes(binary)?,
            ms(self.init.0),
            ms(self.init.1),
            ms(self.cold.0),
            ms(self.cold.1),
            ms(self.warm),
            self.peak_rss_kib as f64 / 1024.0,
        ))
    }
}

/// The size of the deployment package Lambda would get for `binary`: a zip holding it alone as
/// `bootstrap`, deflated at level 9 (as `zip -9` does; `sam build` zips at its own level).
fn zipped_bytes(binary: &std::path::Path) -> Result<usize, BenchError> {
    use std::io::Write as _;
    let bytes = std::fs::read(binary)?;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .unix_permissions(0o755);
    zip.start_file("bootstrap", options)?;
    zip.write_all(&bytes)?;
    zip.finish()?;
    Ok(out.into_inner().len())
}

/// One representative event per binary, shaped as AWS sends it.
fn events() -> Result<Vec<(&'static str, String, &'static str)>, BenchError> {
    let now = chrono::Utc::now();
    let api = to_event(GatewayRequest {
        method: axum::http::Method::GET,
        uri: format!("/public/awards/{}", award_local::demo::CYCLE_ID).parse()?,
        headers: axum::http::HeaderMap::new(),
        body: Vec::new(),
        source: None,
        claims: None,
        request_id: "bench".into(),
        received_at: now,
    });
    let unknown_key = format!("applications/{}/{}", ulid::Ulid::new(), ulid::Ulid::new());
    let s3 = award_local::s3_event::object_created(&award_local::s3_event::CreatedObject {
        bucket: "bench",
        key: &unknown_key,
        size: 1,
        sequence: 1,
        source_ip: None,
        at: now,
    });
    let scheduled = serde_json::json!({
        "version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": now.to_rfc3339(), "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:000000000000:rule/bench"], "detail": {}
    });
    let stream = stream_event(now).to_string();
    Ok(vec![
        (
            "upload-api",
            serde_json::to_string(&api)?,
            "GET /public/awards/2026 (the demo's winners, public)",
        ),
        (
            "upload-received",
            serde_json::to_string(&s3)?,
            "ObjectCreated for an undeclared key",
        ),
        (
            "notify",
            scheduled.to_string(),
            "scheduled redrive, nothing pending",
        ),
        (
            "notify",
            stream.clone(),
            "stream: one audit record's INSERT (no notice)",
        ),
        (
            "screening",
            stream.clone(),
            "stream: one audit record's INSERT (nothing to screen)",
        ),
        (
            "aggregate",
            stream.clone(),
            "stream: one audit record's INSERT (no sheet)",
        ),
        (
            "archive",
            stream,
            "stream: one audit record's INSERT (no export job)",
        ),
        ("reminders", scheduled.to_string(), "daily run, nothing due"),
        (
            "publicity",
            scheduled.to_string(),
            "daily run, nothing ended",
        ),
    ])
}

/// A DynamoDB stream event as Lambda delivers it (`NEW_AND_OLD_IMAGES`): one INSERT of an audit
/// record, which every stream handler reads and leaves alone.
fn stream_event(now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    let id = ulid::Ulid::new().to_string();
    let image = serde_json::json!({
        "PK": {"S": "CYCLE#2026"},
        "SK": {"S": format!("AUDIT#{id}")},
        "type": {"S": "audit"},
        "version": {"N": "1"},
        "id": {"S": id},
        "subject_partition": {"S": "CYCLE#2026"},
        "actor": {"S": "office-bench"},
        "action": {"S": "bench"},
        "detail": {"M": {}},
        "at": {"S": now.to_rfc3339()},
    });
    serde_json::json!({"Records": [{
        "eventID": "1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": now.timestamp(),
            "Keys": {"PK": image["PK"], "SK": image["SK"]},
            "NewImage": image,
            "SequenceNumber": "100000000000000000001",
            "SizeBytes": 256,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/2026-01-01T00:00:00.000",
    }]})
}
