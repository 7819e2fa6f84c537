//! `award-local`: the local runner's command line. The work is in the library (`award_local`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use award_app::AppConfig;
use award_local::clock::ClockSetting;
use award_local::{DEFAULT_MAIL_FROM, DataDir, Identity, LocalConfig};

const USAGE: &str = "\
usage:
  award-local serve [--addr 127.0.0.1:8787|PORT] [--data DIR] [--redrive-minutes N] [--web DIR] [--demo]
                    [--expose-dev-sign-in]
  award-local demo [--data DIR] [--addr 127.0.0.1:8787|PORT]
  award-local token --role ROLE [--role ROLE]... --sub ID --email ADDRESS [--ttl-minutes N] [--data DIR]
  award-local archive export --cycle ID --out FILE [--data DIR]
  award-local archive verify FILE

The data folder is --data, else $AWARD_DATA_DIR, else ./.local-data. The pages are served at / from
--web, else ./web/dist when it has been built (`npm run build` in web/); the development sign-in
(POST /local/sign-in, which hands any role's token to whoever asks) is the runner's alone, and is
served only on a loopback address (127.0.0.1, ::1): on any other --addr (0.0.0.0:8787) the runner
starts without it, unless --expose-dev-sign-in accepts that risk.
At start, the runner checks again every upload it had stored, so none is lost to a crash.
`demo` fills an empty data folder (--data, else ./.demo-data) with a whole 2026 cycle played through
the API: eight enterprises, two recommending units, ten experts, screening, review, publicity across
National Day, three awards and a revocation, every email in the outbox (its links point at --addr,
where the folder is to be served). `serve --demo` does the same
when the folder is empty (a folder the demo already filled is served as it is), then serves it; the
development sign-in page then offers the demo's accounts.
`archive export` writes a cycle's archive (docs/ARCHIVE.md) to FILE from a data folder no runner is
serving; `archive verify` checks every file of an archive against its manifest and names what is
altered, missing or unexpected (exit status 1 when anything is).
Roles: applicant, recommender, office, expert, committee, finance.
Environment: AWARD_CLOCK_OFFSET (the runner's clock and the tokens': a signed shift such as 60d,
-2h, 90m, 30s or 1d12h, to act after a deadline without waiting; or an RFC 3339 instant such as
2026-10-12T23:59:00+08:00 the clock starts at and runs on from; give serve and token the same
value), AWARD_CLOCK_OFFSET_DAYS (the older form: N whole days; not with AWARD_CLOCK_OFFSET),
AWARD_LOCAL_HOLD_S3_EVENTS=1 (diagnostics: store uploads but check none until a restart without
it), MAIL_FROM (sender of the notices), MAIL_FROM_NAME (its display name),
OFFICE_MAILBOX, COMMITTEE_MAILBOX, FINANCE_MAILBOX (default office@, committee@, finance@award.wuwei.local),
PUBLIC_BASE_URL (links in emails; default this runner's address), MAX_UPLOAD_BYTES (default 50 MiB),
MAX_DOCUMENTS (default 30), RUST_LOG.";

/// Tokens last a working day unless told otherwise.
const DEFAULT_TOKEN_MINUTES: i64 = 8 * 60;

/// The environment variable behind [`LocalConfig::hold_object_events`].
const HOLD_S3_EVENTS_ENV: &str = "AWARD_LOCAL_HOLD_S3_EVENTS";

/// `award-local serve`'s options.
struct ServeOptions {
    addr: SocketAddr,
    data: Option<PathBuf>,
    redrive_every: Option<Duration>,
    web: Option<PathBuf>,
    demo: bool,
    expose_dev_sign_in: bool,
}

enum Command {
    Serve(ServeOptions),
    Demo {
        data: Option<PathBuf>,
        /// Where the folder will be served: the emails' links point there.
        addr: SocketAddr,
    },
    Token {
        identity: Identity,
        ttl_minutes: i64,
        data: Option<PathBuf>,
    },
    ArchiveExport {
        data: Option<PathBuf>,
        cycle: String,
        out: PathBuf,
    },
    ArchiveVerify(PathBuf),
    Help,
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("award-local: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::ArchiveExport { data, cycle, out } => {
            let data = DataDir::resolve(data);
            match clock_offset() {
                Err(message) => Err(message),
                Ok(offset) => {
                    let now =
                        chrono::Utc::now() + offset.map_or(chrono::Duration::zero(), |(_, by)| by);
                    award_local::archive::export_to_file(&data, &cycle, &out, "award-local", now)
                        .await
                        .map(|manifest| {
                            println!(
                                "{}: the archive of cycle {} ({} files, {})",
                                out.display(),
                                manifest.cycle_id,
                                manifest.files.len(),
                                if manifest.is_final {
                                    "final"
                                } else {
                                    "not final"
                                }
                            );
                        })
                        .map_err(|error| error.to_string())
                }
            }
        }
        Command::ArchiveVerify(file) => {
            return match award_local::archive::verify_file(&file) {
                Ok(report) => {
                    print!("{}", award_app::stages::archive::verify::describe(&report));
                    if report.ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(error) => {
                    eprintln!("award-local: {error}");
                    ExitCode::from(2)
                }
            };
        }
        Command::Token {
            identity,
            ttl_minutes,
            data,
        } => clock_offset()
            .and_then(|offset| {
                award_local::mint_token(
                    &DataDir::resolve(data),
                    &identity,
                    chrono::Utc::now() + offset.map_or(chrono::Duration::zero(), |(_, by)| by),
                    chrono::Duration::minutes(ttl_minutes),
                )
                .map_err(|error| error.to_string())
            })
            .map(|token| println!("{token}")),
        Command::Serve(options) if !options.demo => {
            let data = DataDir::resolve(options.data.clone());
            serve(options, data).await
        }
        Command::Serve(options) => {
            let data = options
                .data
                .clone()
                .unwrap_or_else(award_local::demo::default_data_dir);
            match fill_with_demo(options.addr, &data, true).await {
                Ok(()) => serve(options, data).await,
                Err(message) => Err(message),
            }
        }
        Command::Demo { data, addr } => {
            let data = data.unwrap_or_else(award_local::demo::default_data_dir);
            fill_with_demo(addr, &data, false).await.map(|()| {
                println!(
                    "serve it: award-local serve --demo --data {} --addr {addr} (its emails link there)",
                    data.display()
                );
            })
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("award-local: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Plays the demo into `data` unless it holds one already; the emails' links point at `addr`.
async fn fill_with_demo(
    addr: SocketAddr,
    data: &std::path::Path,
    then_serve: bool,
) -> Result<(), String> {
    if award_local::demo::holds_demo(data) {
        let then = if then_serve {
            "serving it as it is"
        } else {
            "nothing to do (remove the folder to play it again)"
        };
        println!("{} already holds the demo; {then}", data.display());
        return Ok(());
    }
    if !award_local::demo::is_empty(data).map_err(|error| error.to_string())? {
        return Err(format!(
            "the demo fills an empty data folder; {} is not empty (remove it or choose another with --data)",
            data.display()
        ));
    }
    let mut config = local_config(data.to_owned())?;
    if config.app.public_base_url == format!("http://{}", award_local::DEFAULT_ADDR) {
        // Not 127.0.0.1:8787 itself, which the runner replaces with the demo's own passing port.
        let port = if addr.port() == 0 {
            award_local::DEFAULT_ADDR.port()
        } else {
            addr.port()
        };
        config.app.public_base_url = format!("http://localhost:{port}");
    }
    println!(
        "award-local is playing the demo's 2026 cycle into {}",
        data.display()
    );
    let summary = award_local::demo::play(config, |stage| println!("  {stage}"))
        .await
        .map_err(|error| error.to_string())?;
    println!(
        "the demo is in {}: {} applications, {} awards ({} revoked), {} emails in the outbox",
        data.display(),
        summary.applications,
        summary.awards,
        summary.revoked,
        summary.emails
    );
    println!("  sign in (development sign-in page) as any of:");
    for account in &summary.accounts {
        println!(
            "    {:<11} {:<14} {}",
            account.role, account.sub, account.name
        );
    }
    Ok(())
}

/// The runner's settings over `data_dir`: every setting from the environment, with local defaults.
fn local_config(data_dir: PathBuf) -> Result<LocalConfig, String> {
    let mut config = LocalConfig::new(data_dir);
    // Every setting has a local default; PUBLIC_BASE_URL's is replaced by the bound address.
    let mailboxes = award_local::default_mailboxes();
    let default_base = config.app.public_base_url.clone();
    config.app = AppConfig::from_lookup(|name| {
        std::env::var(name).ok().or_else(|| {
            Some(match name {
                "MAIL_FROM" => DEFAULT_MAIL_FROM.to_owned(),
                "MAIL_FROM_NAME" => award_local::DEFAULT_MAIL_FROM_NAME.to_owned(),
                "OFFICE_MAILBOX" => mailboxes.office.clone(),
                "COMMITTEE_MAILBOX" => mailboxes.committee.clone(),
                "FINANCE_MAILBOX" => mailboxes.finance.clone(),
                "PUBLIC_BASE_URL" => default_base.clone(),
                _ => return None,
            })
        })
    })
    .map_err(|error| error.to_string())?;
    Ok(config)
}

async fn serve(options: ServeOptions, data_dir: PathBuf) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let mut config = local_config(data_dir)?;
    config.addr = options.addr;
    config.web_dir = web_dir(options.web)?;
    config.expose_dev_sign_in = options.expose_dev_sign_in;
    config.hold_object_events = hold_object_events()?;
    if let Some(every) = options.redrive_every {
        config.redrive_every = every;
    }
    let clock = clock_offset()?;
    if let Some((_, offset)) = clock.filter(|(_, offset)| !offset.is_zero()) {
        config.clock = std::sync::Arc::new(award_local::OffsetClock { offset });
    }

    let config_web = config.web_dir.clone();
    let held = config.hold_object_events;
    let server = award_local::start(config)
        .await
        .map_err(|error| error.to_string())?;
    let data = std::path::absolute(server.data_dir()).unwrap_or_else(|_| server.data_dir().into());
    println!(
        "award-local is serving the award API on {}",
        server.base_url()
    );
    if let Some(web) = &config_web {
        println!(
            "  pages:         {}/ (from {})",
            server.base_url(),
            web.display()
        );
    }
    println!("  data folder:   {}", data.display());
    println!("  outbox folder: {}", data.join("outbox").display());
    println!(
        "  mint a token:  award-local token --data {} --role applicant --sub SUB --email ADDRESS",
        data.display()
    );
    if let Some((setting, _)) = clock {
        println!("  clock:         {setting}; mint tokens with the same setting");
    }
    if !server.dev_sign_in() {
        println!(
            "  sign-in:       the development sign-in is OFF: {} is not a loopback address \
             (--expose-dev-sign-in serves it anyway); mint tokens with award-local token",
            server.address().ip()
        );
    } else if !server.address().ip().is_loopback() {
        println!(
            "  sign-in:       WARNING: the development sign-in is served on {} (--expose-dev-sign-in): \
             anyone who reaches it can act in any role",
            server.address().ip()
        );
    }
    if held {
        println!(
            "  uploads:       HELD ({HOLD_S3_EVENTS_ENV}): stored but not checked until a restart without it"
        );
    }
    println!("Press Ctrl-C to stop.");

    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    let redelivered = server.stored_objects_redelivered();
    let interrupted = tokio::select! {
        interrupted = &mut interrupted => interrupted,
        redelivered = redelivered => {
            if let Some(count) = redelivered.filter(|count| *count > 0) {
                println!("  uploads:       {count} stored before the start checked again (a crash may have lost their events)");
            }
            interrupted.await
        }
    };
    println!("stopping…");
    server.shutdown().await.map_err(|error| error.to_string())?;
    interrupted.map_err(|error| format!("cannot wait for Ctrl-C: {error}"))
}

/// The clock `AWARD_CLOCK_OFFSET` (or `AWARD_CLOCK_OFFSET_DAYS`) asks for and its shift from the
/// machine's clock now; `None` when neither is set. Errors: a bad value, or both set.
fn clock_offset() -> Result<Option<(ClockSetting, chrono::Duration)>, String> {
    let Some(setting) = award_local::clock::clock_setting_from(|name| std::env::var(name).ok())?
    else {
        return Ok(None);
    };
    let offset = setting
        .offset_at(chrono::Utc::now())
        .map_err(|why| format!("{}: {why}", award_local::clock::CLOCK_OFFSET_ENV))?;
    Ok(Some((setting, offset)))
}

/// `AWARD_LOCAL_HOLD_S3_EVENTS`: `1` holds the S3 events; unset or empty does not.
fn hold_object_events() -> Result<bool, String> {
    match std::env::var(HOLD_S3_EVENTS_ENV) {
        Err(_) => Ok(false),
        Ok(text) if text.trim().is_empty() => Ok(false),
        Ok(text) if text.trim() == "1" => Ok(true),
        Ok(text) => Err(format!(
            "{HOLD_S3_EVENTS_ENV} must be 1 (hold) or unset, not {text:?}"
        )),
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let Some(command) = args.next() else {
        return Err("missing command".into());
    };
    let mut addr = award_local::DEFAULT_ADDR;
    let mut data = None;
    let mut redrive_every = None;
    let mut web = None;
    let mut demo = false;
    let mut expose_dev_sign_in = false;
    let mut roles = Vec::new();
    let mut sub = None;
    let mut email = None;
    let mut ttl_minutes = DEFAULT_TOKEN_MINUTES;

    let serve = match command.as_str() {
        "serve" => true,
        "token" => false,
        "demo" => {
            let mut addr = award_local::DEFAULT_ADDR;
            let mut data = None;
            while let Some(flag) = args.next() {
                let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
                match flag.as_str() {
                    "--help" | "-h" => return Ok(Command::Help),
                    "--data" => data = Some(PathBuf::from(value()?)),
                    "--addr" => addr = parse_addr(&value()?)?,
                    _ => return Err(format!("unknown option {flag:?} for demo")),
                }
            }
            return Ok(Command::Demo { data, addr });
        }
        "archive" => return parse_archive(args),
        "help" | "--help" | "-h" => return Ok(Command::Help),
        other => return Err(format!("unknown command {other:?}")),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match (serve, flag.as_str()) {
            (_, "--help" | "-h") => return Ok(Command::Help),
            (_, "--data") => data = Some(PathBuf::from(value()?)),
            (true, "--addr") => addr = parse_addr(&value()?)?,
            (true, "--web") => web = Some(PathBuf::from(value()?)),
            (true, "--demo") => demo = true,
            (true, "--expose-dev-sign-in") => expose_dev_sign_in = true,
            (true, "--redrive-minutes") => {
                let minutes = parse_positive(&flag, &value()?)?;
                redrive_every = Some(Duration::from_secs(minutes.saturating_mul(60)));
            }
            (false, "--role") => roles.push(value()?),
            (false, "--sub") => sub = Some(value()?),
            (false, "--email") => email = Some(value()?),
            (false, "--ttl-minutes") => {
                ttl_minutes = i64::try_from(parse_positive(&flag, &value()?)?)
                    .map_err(|_| "--ttl-minutes is too large".to_owned())?;
            }
            _ => return Err(format!("unknown option {flag:?} for {command}")),
        }
    }

    if serve {
        return Ok(Command::Serve(ServeOptions {
            addr,
            data,
            redrive_every,
            web,
            demo,
            expose_dev_sign_in,
        }));
    }
    if roles.is_empty() {
        return Err("token needs --role".into());
    }
    Ok(Command::Token {
        identity: Identity {
            sub: sub.ok_or("token needs --sub")?,
            email: email.ok_or("token needs --email")?,
            roles,
        },
        ttl_minutes,
        data,
    })
}

/// `archive export --cycle ID --out FILE [--data DIR]` or `archive verify FILE`.
fn parse_archive(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    match args.next().as_deref() {
        Some("verify") => {
            let file = args.next().ok_or("archive verify needs FILE")?;
            if let Some(extra) = args.next() {
                return Err(format!("unexpected {extra:?} after archive verify FILE"));
            }
            Ok(Command::ArchiveVerify(PathBuf::from(file)))
        }
        Some("export") => {
            let (mut data, mut cycle, mut out) = (None, None, None);
            while let Some(flag) = args.next() {
                let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
                match flag.as_str() {
                    "--data" => data = Some(PathBuf::from(value()?)),
                    "--cycle" => cycle = Some(value()?),
                    "--out" => out = Some(PathBuf::from(value()?)),
                    "--help" | "-h" => return Ok(Command::Help),
                    _ => return Err(format!("unknown option {flag:?} for archive export")),
                }
            }
            Ok(Command::ArchiveExport {
                data,
                cycle: cycle.ok_or("archive export needs --cycle")?,
                out: out.ok_or("archive export needs --out")?,
            })
        }
        Some("--help" | "-h") => Ok(Command::Help),
        _ => Err("archive needs export or verify".into()),
    }
}

/// The built pages: `--web DIR` (which must hold `index.html`), else `./web/dist` if built, else none.
fn web_dir(web: Option<PathBuf>) -> Result<Option<PathBuf>, String> {
    match web {
        Some(dir) if dir.join("index.html").is_file() => Ok(Some(dir)),
        Some(dir) => Err(format!(
            "--web {} has no index.html (build the pages: npm run build in web/)",
            dir.display()
        )),
        None => {
            let built = PathBuf::from("web/dist");
            Ok(built.join("index.html").is_file().then_some(built))
        }
    }
}

/// `127.0.0.1:8787`, `[::1]:8787` or a bare port on 127.0.0.1.
fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    text.parse()
        .map_err(|_| format!("--addr {text:?} is neither ADDRESS:PORT nor a port"))
}

fn parse_positive(flag: &str, text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err(format!(
            "{flag} must be a positive whole number, got {text:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> impl Iterator<Item = String> {
        text.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn serve_takes_an_address_or_a_port() {
        let Ok(Command::Serve(ServeOptions {
            addr,
            data,
            expose_dev_sign_in,
            ..
        })) = parse(args("serve --addr 9000 --data /tmp/d"))
        else {
            panic!("expected serve");
        };
        assert_eq!(addr, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(data, Some(PathBuf::from("/tmp/d")));
        assert!(!expose_dev_sign_in);
        let Ok(Command::Serve(ServeOptions { addr, .. })) = parse(args("serve --addr 127.0.0.1:0"))
        else {
            panic!("expected serve");
        };
        assert_eq!(addr.port(), 0);
        let Ok(Command::Serve(ServeOptions {
            addr,
            expose_dev_sign_in,
            ..
        })) = parse(args("serve --addr 0.0.0.0:8787 --expose-dev-sign-in"))
        else {
            panic!("expected serve");
        };
        assert_eq!(addr, "0.0.0.0:8787".parse().unwrap());
        assert!(expose_dev_sign_in);
        assert!(
            parse(args(
                "token --role office --sub u1 --email a@b.cn --expose-dev-sign-in"
            ))
            .is_err()
        );
        assert!(parse(args("serve --addr localhost")).is_err());
        assert!(parse(args("serve --role office")).is_err());
    }

    #[test]
    fn demo_takes_a_data_folder_and_serve_a_demo_flag() {
        let Ok(Command::Demo { data, addr }) = parse(args("demo --data /tmp/d --addr 8790")) else {
            panic!("expected demo");
        };
        assert_eq!(data, Some(PathBuf::from("/tmp/d")));
        assert_eq!(addr.port(), 8790);
        assert!(matches!(
            parse(args("demo")),
            Ok(Command::Demo { data: None, addr }) if addr == award_local::DEFAULT_ADDR
        ));
        assert!(parse(args("demo --web dist")).is_err());
        assert!(parse(args("demo --data")).is_err());
        assert!(parse(args("demo --data /tmp/d extra")).is_err());
        let Ok(Command::Serve(ServeOptions { demo, .. })) = parse(args("serve --demo --addr 9000"))
        else {
            panic!("expected serve");
        };
        assert!(demo);
        let Ok(Command::Serve(ServeOptions { demo, .. })) = parse(args("serve")) else {
            panic!("expected serve");
        };
        assert!(!demo);
    }

    #[test]
    fn token_needs_role_sub_and_email() {
        let Ok(Command::Token {
            identity,
            ttl_minutes,
            ..
        }) = parse(args(
            "token --role office --role applicant --sub u1 --email a@b.cn --ttl-minutes 5",
        ))
        else {
            panic!("expected token");
        };
        assert_eq!(identity.roles, ["office", "applicant"]);
        assert_eq!(identity.sub, "u1");
        assert_eq!(ttl_minutes, 5);
        assert!(parse(args("token --sub u1 --email a@b.cn")).is_err());
        assert!(parse(args("token --role office --email a@b.cn")).is_err());
        assert!(
            parse(args(
                "token --role office --sub u1 --email a@b.cn --ttl-minutes 0"
            ))
            .is_err()
        );
        assert!(parse(args("token --role office --sub u1 --email")).is_err());
    }
}
