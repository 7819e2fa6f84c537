//! `award-local archive export` and `archive verify`: the cycle's archive (docs/ARCHIVE.md) from
//! the command line — written straight to a file from a data folder no runner is serving, and
//! checked against its manifest.

use std::path::Path;
use std::sync::Arc;

use award_app::stages::archive::build::{self, ExportRequest, FileOutput, Manifest, Quiet};
use award_app::stages::archive::verify::{self, Verification};
use award_app::{App, AppConfig};
use award_embedded::{EmbeddedBlobs, EmbeddedMail, EmbeddedTable};
use chrono::{DateTime, Utc};

use crate::{DEFAULT_ADDR, DEFAULT_MAIL_FROM, DataDir, LocalError, default_mailboxes};

/// Writes the archive of `cycle_id` from the data folder `data` to the file `out`, dated `now`
/// (UTC) and exported by `by`; whether it is final is read from the cycle as it stands. The
/// folder must not be open in a running runner (the table file is locked). Returns the manifest.
/// Errors: the folder, the table, `cycle_not_found`, the file.
pub async fn export_to_file(
    data: &Path,
    cycle_id: &str,
    out: &Path,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Manifest, LocalError> {
    let data = DataDir::open(data)?;
    let app = App::new(
        Arc::new(EmbeddedTable::open(data.table_file())?),
        Arc::new(EmbeddedBlobs::new(
            data.blobs(),
            format!("http://{DEFAULT_ADDR}"),
            data.blob_link_secret()?,
        )?),
        Arc::new(EmbeddedMail::new(data.outbox())?),
        AppConfig::new(
            DEFAULT_MAIL_FROM,
            default_mailboxes(),
            &format!("http://{DEFAULT_ADDR}"),
        ),
    );
    let app_error = |error: award_app::AppError| LocalError::Config(error.to_string());
    let cycle = award_app::reads::cycles::load_cycle(&app, cycle_id)
        .await
        .map_err(app_error)?
        .record;
    let is_final = award_app::stages::archive::is_final(&app, &cycle)
        .await
        .map_err(app_error)?;
    let output = FileOutput::create(out).map_err(|source| LocalError::Io {
        path: out.to_owned(),
        source,
    })?;
    let request = ExportRequest {
        cycle_id: cycle_id.to_owned(),
        exported_by: by.to_owned(),
        exported_at: now,
        is_final,
    };
    let exported = build::export(&app, &request, Box::new(output), &mut Quiet)
        .await
        .map_err(app_error)?;
    Ok(exported.manifest)
}

/// Verifies the archive at `path` against its manifest. Errors: the file cannot be opened or is
/// not a readable zip.
pub fn verify_file(path: &Path) -> Result<Verification, LocalError> {
    let file = std::fs::File::open(path).map_err(|source| LocalError::Io {
        path: path.to_owned(),
        source,
    })?;
    verify::verify(std::io::BufReader::new(file)).map_err(|error| {
        LocalError::Config(format!("{}: not a readable zip: {error}", path.display()))
    })
}
