//! Checking an archive against its own manifest: every file listed is there with its size and
//! SHA-256, nothing is there that is not listed, and `SHA256SUMS` agrees with the manifest
//! (docs/ARCHIVE.md, "Verifying"). Reads the zip a file at a time, streaming each through the
//! hash: the archive is never held in memory.

use std::collections::BTreeMap;
use std::io::{Read, Seek};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::build::{MANIFEST, Manifest, SUMS};

/// What verification found. `ok()` when every list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The manifest's cycle and instant, when it could be read.
    pub cycle_id: Option<String>,
    pub is_final: Option<bool>,
    /// Files checked and found as listed.
    pub verified: usize,
    /// Listed with a SHA-256 or size other than the file's: (path, why).
    pub altered: Vec<(String, String)>,
    /// Listed in the manifest, not in the zip.
    pub missing: Vec<String>,
    /// In the zip, not listed in the manifest.
    pub unexpected: Vec<String>,
    /// Whatever else is wrong: no readable manifest, `SHA256SUMS` disagreeing with it.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.altered.is_empty()
            && self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.problems.is_empty()
    }
}

/// Streams one entry through SHA-256: (hex digest, size in bytes).
fn digest_of(mut entry: impl Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = entry.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// Verifies the zip read from `source`. Errors only when the zip itself cannot be read (not a
/// zip, truncated before its directory); everything else is reported in the [`Verification`].
pub fn verify(source: impl Read + Seek) -> Result<Verification, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(source)?;
    let mut report = Verification::default();
    let mut in_zip: BTreeMap<String, usize> = BTreeMap::new();
    for index in 0..archive.len() {
        let entry = archive.by_index(index)?;
        if entry.is_file() {
            in_zip.insert(entry.name()?.into_owned(), index);
        }
    }

    let manifest_bytes = match in_zip.get(MANIFEST) {
        Some(index) => {
            let mut bytes = Vec::new();
            archive.by_index(*index)?.read_to_end(&mut bytes)?;
            Some(bytes)
        }
        None => None,
    };
    let manifest: Option<Manifest> = match &manifest_bytes {
        Some(bytes) => match serde_json::from_slice(bytes) {
            Ok(manifest) => Some(manifest),
            Err(error) => {
                report
                    .problems
                    .push(format!("{MANIFEST} cannot be read: {error}"));
                None
            }
        },
        None => {
            report.problems.push(format!("{MANIFEST} is missing"));
            None
        }
    };
    let Some(manifest) = manifest else {
        return Ok(report);
    };
    report.cycle_id = Some(manifest.cycle_id.clone());
    report.is_final = Some(manifest.is_final);

    let mut listed: BTreeMap<&str, (&str, u64)> = BTreeMap::new();
    for file in &manifest.files {
        listed.insert(file.path.as_str(), (file.sha256.as_str(), file.size));
        let Some(index) = in_zip.get(&file.path) else {
            report.missing.push(file.path.clone());
            continue;
        };
        let (sha256, size) = match archive
            .by_index(*index)
            .map_err(std::io::Error::from)
            .and_then(digest_of)
        {
            Ok(found) => found,
            Err(error) => {
                report
                    .altered
                    .push((file.path.clone(), format!("cannot be read: {error}")));
                continue;
            }
        };
        if sha256 != file.sha256 {
            report.altered.push((
                file.path.clone(),
                format!("SHA-256 {sha256}, the manifest says {}", file.sha256),
            ));
        } else if size != file.size {
            report.altered.push((
                file.path.clone(),
                format!("{size} bytes, the manifest says {}", file.size),
            ));
        } else {
            report.verified += 1;
        }
    }
    for path in in_zip.keys() {
        if path != MANIFEST && path != SUMS && !listed.contains_key(path.as_str()) {
            report.unexpected.push(path.clone());
        }
    }

    // SHA256SUMS: the same files and digests as the manifest, plus the manifest's own digest.
    match in_zip.get(SUMS) {
        None => report.problems.push(format!("{SUMS} is missing")),
        Some(index) => {
            let mut text = String::new();
            archive.by_index(*index)?.read_to_string(&mut text)?;
            let mut seen = 0usize;
            for line in text.lines().filter(|line| !line.is_empty()) {
                let Some((sha256, path)) = line.split_once("  ") else {
                    report
                        .problems
                        .push(format!("{SUMS}: unreadable line {line:?}"));
                    continue;
                };
                if path == MANIFEST {
                    let actual = manifest_bytes
                        .as_deref()
                        .map(|bytes| hex::encode(Sha256::digest(bytes)));
                    if actual.as_deref() != Some(sha256) {
                        report.altered.push((
                            MANIFEST.into(),
                            format!("its SHA-256 differs from the one in {SUMS}"),
                        ));
                    }
                    continue;
                }
                seen += 1;
                if listed.get(path).map(|(digest, _)| *digest) != Some(sha256) {
                    report
                        .problems
                        .push(format!("{SUMS} and {MANIFEST} disagree on {path}"));
                }
            }
            if seen != listed.len() {
                report.problems.push(format!(
                    "{SUMS} lists {seen} files, {MANIFEST} {}",
                    listed.len()
                ));
            }
        }
    }
    Ok(report)
}

/// The report as people read it (the command line's output), in English and Chinese.
pub fn describe(report: &Verification) -> String {
    let mut out = String::new();
    if let Some(cycle) = &report.cycle_id {
        let kind = match report.is_final {
            Some(true) => "final / 已完结",
            _ => "not final, for reference only / 未完结，仅供参考",
        };
        out.push_str(&format!("cycle {cycle} ({kind})\n"));
    }
    out.push_str(&format!(
        "{} files verified / 已核验 {} 个文件\n",
        report.verified, report.verified
    ));
    for (path, why) in &report.altered {
        out.push_str(&format!("ALTERED 已被改动: {path}: {why}\n"));
    }
    for path in &report.missing {
        out.push_str(&format!("MISSING 缺失: {path}\n"));
    }
    for path in &report.unexpected {
        out.push_str(&format!("UNEXPECTED 清单外文件: {path}\n"));
    }
    for problem in &report.problems {
        out.push_str(&format!("PROBLEM 问题: {problem}\n"));
    }
    out.push_str(if report.ok() {
        "OK: the archive matches its manifest / 档案与清单一致\n"
    } else {
        "FAILED: the archive does not match its manifest / 档案与清单不一致\n"
    });
    out
}
