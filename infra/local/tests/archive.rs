//! The cycle's archive (issue 22 item 4) over the runner: the Office exports the demo cycle
//! from the API, downloads it, and it verifies; one byte altered in one file and another file
//! removed are both named by the verification (the library's and `award-local archive verify`'s).
//! Only the Office may export, and exporting and downloading are in the cycle's audit trail.

use std::io::{Read, Write};
use std::sync::Arc;

use award_local::demo::{self, CYCLE_ID};
use award_local::{Clock, Identity, LocalConfig, ManualClock};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;

fn after_the_demo() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Client {
    http: reqwest::Client,
    base: String,
    data: std::path::PathBuf,
    clock: ManualClock,
}

impl Client {
    fn token(&self, role: &str, sub: &str) -> String {
        let identity = Identity {
            sub: sub.into(),
            email: format!("{sub}@example.cn"),
            roles: vec![role.into()],
        };
        award_local::mint_token(&self.data, &identity, self.clock.now(), Duration::hours(1))
            .unwrap()
    }

    async fn call(&self, method: &str, role: &str, path: &str) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "POST" => self.http.post(url),
            _ => self.http.get(url),
        };
        let response = request
            .bearer_auth(self.token(role, &format!("{role}-1")))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Exports as the Office, waits for the runner to settle, and downloads the archive.
    async fn export_and_download(&self, server: &award_local::RunningServer) -> (Value, Vec<u8>) {
        let (status, job) = self
            .call("POST", "office", &format!("/cycles/{CYCLE_ID}/archive"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{job}");
        assert_eq!(job["status"], "queued", "{job}");
        server.settled().await;
        let (status, list) = self
            .call("GET", "office", &format!("/cycles/{CYCLE_ID}/archives"))
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let done = &list["archives"][0];
        assert_eq!(done["id"], job["id"], "newest first: {list}");
        assert_eq!(done["status"], "done", "{list}");
        assert_eq!(done["final"], true, "the demo cycle is finished: {list}");
        assert_eq!(done["applications_total"], 8, "{list}");
        assert_eq!(done["applications_done"], 8, "{list}");
        let (status, download) = self
            .call(
                "GET",
                "office",
                &format!(
                    "/cycles/{CYCLE_ID}/archives/{}/download",
                    job["id"].as_str().unwrap()
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{download}");
        assert!(
            download["file_name"].as_str().unwrap().ends_with(".zip"),
            "{download}"
        );
        let bytes = self
            .http
            .get(download["download"]["url"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        assert_eq!(Some(bytes.len() as u64), done["size"].as_u64());
        (done.clone(), bytes)
    }
}

fn entry_text(zip_bytes: &[u8], path: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(path)
        .unwrap_or_else(|_| panic!("{path} in the archive"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// A copy of the zip with one byte of `alter` flipped and `remove` left out.
fn tampered(zip_bytes: &[u8], alter: &str, remove: &str) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..source.len() {
        let mut entry = source.by_index(index).unwrap();
        let name = entry.name().unwrap().into_owned();
        if name == remove {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == alter {
            bytes[10] ^= 0x01;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_exports_the_demo_cycle_which_verifies_and_tampering_is_named() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    demo::play(LocalConfig::new(&data), |_| {})
        .await
        .expect("the demo plays");

    let clock = ManualClock::new(after_the_demo());
    let mut config = LocalConfig::new(&data);
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.clock = Arc::new(clock.clone());
    let server = award_local::start(config).await.unwrap();
    let client = Client {
        http: reqwest::Client::new(),
        base: server.base_url(),
        data: data.clone(),
        clock,
    };

    // Only the Office: every other role is refused, and nothing is queued.
    for role in ["applicant", "recommender", "expert", "committee", "finance"] {
        for (method, path) in [
            ("POST", format!("/cycles/{CYCLE_ID}/archive")),
            ("GET", format!("/cycles/{CYCLE_ID}/archives")),
        ] {
            let (status, body) = client.call(method, role, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} {method} {path}");
            assert_eq!(body["code"], "forbidden", "{body}");
        }
    }
    let (status, body) = client.call("POST", "office", "/cycles/2031/archive").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "cycle_not_found");
    let (status, empty) = client
        .call("GET", "office", &format!("/cycles/{CYCLE_ID}/archives"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        empty["archives"],
        serde_json::json!([]),
        "refusals queue nothing"
    );

    let (job, zip_bytes) = client.export_and_download(&server).await;
    let file = folder.path().join("demo-archive.zip");
    std::fs::write(&file, &zip_bytes).unwrap();
    let report = award_local::archive::verify_file(&file).unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.cycle_id.as_deref(), Some(CYCLE_ID));
    assert!(report.verified > 100, "{report:?}");

    // What the archive holds: the records, the files, the print views, the sums.
    let manifest: Value = serde_json::from_str(&entry_text(&zip_bytes, "manifest.json")).unwrap();
    assert_eq!(manifest["final"], true);
    assert_eq!(
        manifest["absent"],
        serde_json::json!([]),
        "every stored file is there"
    );
    let paths: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    for expected in [
        "cycle/cycle.json",
        "cycle/audit.json",
        "board/board_entry.json",
        "print/ranking.html",
        "print/board.html",
        "objections/objection.json",
        "attachments/attachment.json",
        "units/recommender.json",
        "experts/expert.json",
    ] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    let evidence: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|path| path.starts_with("applications/") && path.contains("/files/"))
        .collect();
    assert!(evidence.len() >= 8, "{evidence:?}");
    assert!(
        paths
            .iter()
            .any(|path| path.starts_with("attachments/files/")),
        "the minutes"
    );
    for family in ["application", "audit", "assignment", "notice", "document"] {
        assert!(
            paths
                .iter()
                .any(|path| path.ends_with(&format!("/{family}.json"))),
            "{family}.json"
        );
    }
    let form = paths
        .iter()
        .find(|path| path.starts_with("print/applications/") && path.matches('/').count() == 2)
        .unwrap();
    let printed = entry_text(&zip_bytes, form);
    assert!(printed.contains("盖章处"));
    // The form reads as the page does: Chinese labels, amounts in yuan, China dates.
    for words in [
        "认证标准",
        "营业收入",
        "元",
        "质量信用记录",
        "符合国家产业政策",
    ] {
        assert!(printed.contains(words), "{words} in the printed form");
    }
    for field in [
        "valid_from",
        "revenue",
        "narrative",
        "industry_policy",
        "quality_sampling",
    ] {
        assert!(!printed.contains(field), "{field} printed as a field name");
    }
    // Each submitted score sheet as signed on paper, and each winner's certificate.
    let sheets: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|path| path.contains("/score-sheets/"))
        .collect();
    assert!(sheets.len() >= 10, "{sheets:?}");
    let sheet = entry_text(&zip_bytes, sheets[0]);
    assert!(
        sheet.contains("评审专家（签字）") && sheet.contains("合计"),
        "{sheet}"
    );
    let certificates: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|path| path.ends_with("/certificate.html"))
        .collect();
    assert_eq!(certificates.len(), 3, "{certificates:?}");
    assert!(
        certificates
            .iter()
            .any(|path| entry_text(&zip_bytes, path).contains("武质奖〔2026〕第1号")),
        "{certificates:?}"
    );
    // The revoked winner's certificate is filed as revoked.
    assert_eq!(
        certificates
            .iter()
            .filter(|path| entry_text(&zip_bytes, path).contains("本证书已于"))
            .count(),
        1,
        "{certificates:?}"
    );
    let ranking = entry_text(&zip_bytes, "print/ranking.html");
    let winner = demo::cast::ENTERPRISES[0].name;
    assert!(ranking.contains(winner), "{ranking}");
    assert!(entry_text(&zip_bytes, "SHA256SUMS").contains("  manifest.json\n"));
    let first_audit = entry_text(&zip_bytes, "cycle/audit.json");
    assert!(
        first_audit.contains("\"archive_exported\"") && first_audit.contains("\"office-1\""),
        "the export is in the trail it exports"
    );

    // A second export (a minute later) holds the first one's completion and download in the
    // cycle's trail.
    client.clock.advance(Duration::minutes(1));
    let (_, second) = client.export_and_download(&server).await;
    let trail: Value = serde_json::from_str(&entry_text(&second, "cycle/audit.json")).unwrap();
    let actions: Vec<(String, String, String)> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|record| {
            (
                record["action"].as_str().unwrap_or_default().to_owned(),
                record["actor"].as_str().unwrap_or_default().to_owned(),
                record["detail"]["archive_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let first_id = job["id"].as_str().unwrap().to_owned();
    for (action, actor) in [
        ("archive_exported", "office-1"),
        ("archive_completed", "system"),
        ("archive_downloaded", "office-1"),
    ] {
        assert!(
            actions.contains(&(action.into(), actor.into(), first_id.clone())),
            "{action} by {actor} in {actions:?}"
        );
    }

    // Tampered: one evidence file altered by one byte, another removed, one file added.
    let altered = evidence[0];
    let removed = evidence[1];
    let mut bad = tampered(&zip_bytes, altered, removed);
    {
        let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(&mut bad)).unwrap();
        zip.start_file("extra.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"not in the manifest").unwrap();
        zip.finish().unwrap();
    }
    let bad_file = folder.path().join("tampered.zip");
    std::fs::write(&bad_file, &bad).unwrap();
    let report = award_local::archive::verify_file(&bad_file).unwrap();
    assert!(!report.ok());
    assert_eq!(
        report
            .altered
            .iter()
            .map(|(path, _)| path.as_str())
            .collect::<Vec<_>>(),
        [altered]
    );
    assert_eq!(report.missing, [removed]);
    assert_eq!(report.unexpected, ["extra.txt"]);

    // The command line says the same, with a failing exit status; and passes the good one.
    let bin = env!("CARGO_BIN_EXE_award-local");
    let output = std::process::Command::new(bin)
        .args(["archive", "verify"])
        .arg(&bad_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("ALTERED 已被改动: {altered}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("MISSING 缺失: {removed}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("UNEXPECTED 清单外文件: extra.txt"),
        "{stdout}"
    );
    let output = std::process::Command::new(bin)
        .args(["archive", "verify"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    server.shutdown().await.unwrap();
}
