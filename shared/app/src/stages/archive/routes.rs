//! The routes of the cycle's archive (档案): this stage's slice of the one route table
//! ([`crate::routes`]). The Office's alone.

use crate::api::{self, *};
use crate::error::AppError;
use crate::keys;
use crate::stages::archive;

pub static ROUTES: &[RouteSpec] = &[
    route!(
        "ExportArchive",
        "POST",
        "/cycles/{id}/archive",
        OFFICE,
        handler!(|app, call| created(
            &archive::start(app, call.caller()?, call.param(0), call.now).await?
        ))
    ),
    route!(
        "ListArchives",
        "GET",
        "/cycles/{id}/archives",
        OFFICE,
        handler!(|app, call| ok(&serde_json::json!({
            "archives": archive::list(app, call.caller()?, call.param(0), call.now).await?
        })))
    ),
    route!(
        "DownloadArchive",
        "GET",
        "/cycles/{id}/archives/{archive}/download",
        OFFICE,
        handler!(|app, call| {
            let job = keys::parse_id(call.param(1)).ok_or(AppError::ArchiveNotFound)?;
            let meta = api::request_meta(call.request);
            ok(&archive::download(app, call.caller()?, call.param(0), job, meta, call.now).await?)
        })
    ),
];
