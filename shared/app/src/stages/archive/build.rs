//! Writing a cycle's archive: a zip streamed to the bucket (or a file) a part at a time, never
//! whole in memory — records a family at a time, stored files a chunk ([`CHUNK_BYTES`]) at a
//! time — with `manifest.json` (every file's path, SHA-256 and size) and `SHA256SUMS` last.
//! The layout and the schemas are in docs/ARCHIVE.md.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use award_ports::table::{AttributeValue, key_of};
use award_ports::{BlobError, BlobMeta, BlobUpload, Index, Item, Key, Query};
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ulid::Ulid;
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use super::{ArchiveJob, ArchiveStatus, render};
use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::keys::{self, item_type};
use crate::model::{
    Application, Assignment, Attachment, BoardEntry, CycleRecord, Document, DocumentStatus, Notice,
};
use crate::reads::{applications, cycles};
use crate::store::{self, from_item, query_all, type_of};
use crate::templates;

/// The format's name and version, in the manifest.
pub const FORMAT: &str = "quality-award-archive/1";
pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";
/// The size of the parts sent to the store (S3 wants at least 5 MiB but the last): with one
/// chunk, what the export holds of the zip in memory at most.
pub const PART_BYTES: usize = 8 * 1024 * 1024;
/// How much of a stored file is read at a time, in bytes.
pub const CHUNK_BYTES: u64 = 1024 * 1024;
/// Stored files at or above this size get a zip64 header (zip's own 4 GiB limit).
const ZIP64_FROM: u64 = 0xFFFF_FFFF;

/// `manifest.json`: what the archive holds and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub cycle_id: String,
    pub cycle_title: String,
    /// UTC instant the export started; the records are as they stood then.
    pub exported_at: DateTime<Utc>,
    pub exported_by: String,
    /// `true`: the cycle was finished; `false`: exported while it ran, for reference only.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Every file of the archive but `manifest.json` and `SHA256SUMS`, in the order written.
    pub files: Vec<ManifestFile>,
    /// Stored files the records name that the bucket did not hold when exported.
    #[serde(default)]
    pub absent: Vec<AbsentFile>,
}

/// One file of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path inside the zip, `/`-separated, UTF-8.
    pub path: String,
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// A stored file that should have been exported and was not found in the bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsentFile {
    pub path: String,
    pub object_key: String,
}

/// Counts as the export goes, for the job's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub applications_total: u32,
    pub applications_done: u32,
    pub files_written: u64,
    /// Bytes of the files before compression.
    pub bytes_written: u64,
}

/// Told of the export's progress after each application and section.
#[async_trait]
pub trait Progress: Send {
    async fn report(&mut self, counts: &Counts) -> Result<(), AppError>;
}

/// No one listens (the command line, tests).
pub struct Quiet;

#[async_trait]
impl Progress for Quiet {
    async fn report(&mut self, _: &Counts) -> Result<(), AppError> {
        Ok(())
    }
}

/// Who exports what, and the instant the archive is dated (UTC).
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub cycle_id: String,
    pub exported_by: String,
    pub exported_at: DateTime<Utc>,
    pub is_final: bool,
}

/// What was written: the manifest, and the zip's size and SHA-256 as the upload reports them.
#[derive(Debug, Clone)]
pub struct Exported {
    pub manifest: Manifest,
    pub object: BlobMeta,
}

/// The zip writer's sink: bytes the zip wrote that are not sent yet. Shared with the writer
/// (which owns its sink) so that the async side can take whole parts from it between writes.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take_if(&self, at_least: usize) -> std::io::Result<Option<Vec<u8>>> {
        let mut bytes = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("archive buffer poisoned"))?;
        Ok((bytes.len() >= at_least && !bytes.is_empty()).then(|| std::mem::take(&mut *bytes)))
    }
}

impl std::io::Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("archive buffer poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn zip_error(error: impl std::fmt::Display) -> AppError {
    AppError::corrupt(format!("the archive could not be written: {error}"))
}

/// The zip being written, the manifest being gathered, and the counts.
struct Writer {
    zip: ZipWriter<StreamWriter<Pending>>,
    pending: Pending,
    upload: Box<dyn BlobUpload>,
    modified: zip::DateTime,
    files: Vec<ManifestFile>,
    paths: BTreeSet<String>,
    absent: Vec<AbsentFile>,
    counts: Counts,
}

impl Writer {
    fn new(upload: Box<dyn BlobUpload>, at: DateTime<Utc>) -> Self {
        let pending = Pending::default();
        // Zip times carry no zone: the export's UTC instant (docs/ARCHIVE.md).
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(at.year()).unwrap_or(1980),
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .unwrap_or_default();
        Self {
            zip: ZipWriter::new_stream(pending.clone()),
            pending,
            upload,
            modified,
            files: Vec::new(),
            paths: BTreeSet::new(),
            absent: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// A path not used yet: a second file of the same name gets `-2`, `-3` … before its extension.
    fn unique(&mut self, path: String) -> String {
        let mut candidate = path.clone();
        let mut n = 2;
        while self.paths.contains(&candidate) {
            candidate = match path.rsplit_once('.') {
                Some((stem, ext)) if !ext.contains('/') => format!("{stem}-{n}.{ext}"),
                _ => format!("{path}-{n}"),
            };
            n += 1;
        }
        self.paths.insert(candidate.clone());
        candidate
    }

    fn start(&mut self, path: &str, compress: bool, size_hint: u64) -> Result<(), AppError> {
        let options = SimpleFileOptions::default()
            .compression_method(if compress {
                CompressionMethod::Deflated
            } else {
                // Evidence is PDF, JPEG or PNG: compressed already.
                CompressionMethod::Stored
            })
            .last_modified_time(self.modified)
            .unix_permissions(0o644)
            .large_file(size_hint >= ZIP64_FROM);
        self.zip.start_file(path, options).map_err(zip_error)
    }

    /// Sends what the zip wrote once a whole part is there (`all`: whatever is there).
    async fn drain(&mut self, all: bool) -> Result<(), AppError> {
        let at_least = if all { 0 } else { PART_BYTES };
        if let Some(part) = self.pending.take_if(at_least).map_err(zip_error)? {
            self.upload.write_part(part).await?;
        }
        Ok(())
    }

    /// One file of `bytes`, listed in the manifest unless it is the manifest or the sums.
    async fn add(&mut self, path: &str, bytes: &[u8], listed: bool) -> Result<(), AppError> {
        let path = self.unique(path.to_owned());
        self.start(&path, true, bytes.len() as u64)?;
        self.zip.write_all(bytes).map_err(zip_error)?;
        if listed {
            self.files.push(ManifestFile {
                path,
                sha256: hex::encode(Sha256::digest(bytes)),
                size: bytes.len() as u64,
            });
        }
        self.counts.files_written += 1;
        self.counts.bytes_written += bytes.len() as u64;
        self.drain(false).await
    }

    async fn add_json(&mut self, path: &str, value: &impl Serialize) -> Result<(), AppError> {
        let mut bytes = serde_json::to_vec_pretty(value).map_err(zip_error)?;
        bytes.push(b'\n');
        self.add(path, &bytes, true).await
    }

    /// The stored object `key` as `path`, read a chunk at a time; an object the bucket does not
    /// hold is listed in `absent` instead.
    async fn add_object(&mut self, app: &App, path: &str, key: &str) -> Result<(), AppError> {
        let Some(meta) = app.blobs.head(key).await? else {
            self.absent.push(AbsentFile {
                path: path.to_owned(),
                object_key: key.to_owned(),
            });
            return Ok(());
        };
        let path = self.unique(path.to_owned());
        self.start(&path, false, meta.content_length)?;
        let mut digest = Sha256::new();
        let mut offset = 0u64;
        loop {
            let chunk = app
                .blobs
                .read_range(key, offset, CHUNK_BYTES)
                .await?
                .ok_or_else(|| {
                    AppError::from(BlobError::Backend(format!(
                        "{key} vanished while it was being archived"
                    )))
                })?;
            if chunk.is_empty() {
                break;
            }
            digest.update(&chunk);
            self.zip.write_all(&chunk).map_err(zip_error)?;
            offset += chunk.len() as u64;
            let short = (chunk.len() as u64) < CHUNK_BYTES;
            self.drain(false).await?;
            if short {
                break;
            }
        }
        self.files.push(ManifestFile {
            path,
            sha256: hex::encode(digest.finalize()),
            size: offset,
        });
        self.counts.files_written += 1;
        self.counts.bytes_written += offset;
        Ok(())
    }

    /// Writes the manifest and the sums, closes the zip and completes the upload.
    async fn finish(mut self, mut manifest: Manifest) -> Result<Exported, AppError> {
        manifest.files = std::mem::take(&mut self.files);
        manifest.absent = std::mem::take(&mut self.absent);
        let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(zip_error)?;
        manifest_bytes.push(b'\n');
        self.add(MANIFEST, &manifest_bytes, false).await?;
        let mut sums = String::new();
        for file in &manifest.files {
            sums.push_str(&format!("{}  {}\n", file.sha256, file.path));
        }
        sums.push_str(&format!(
            "{}  {MANIFEST}\n",
            hex::encode(Sha256::digest(&manifest_bytes))
        ));
        self.add(SUMS, sums.as_bytes(), false).await?;
        let Writer {
            zip,
            pending,
            mut upload,
            ..
        } = self;
        zip.finish().map_err(zip_error)?;
        if let Some(rest) = pending.take_if(0).map_err(zip_error)? {
            upload.write_part(rest).await?;
        }
        let object = upload.complete().await?;
        Ok(Exported { manifest, object })
    }
}

/// A name safe as one path segment in a zip and in `SHA256SUMS`: no separator, no control
/// character, no leading dot, at most 120 characters.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// An item as JSON: attribute names as stored, numbers as numbers (docs/ARCHIVE.md).
fn item_json(item: Item) -> Result<serde_json::Value, AppError> {
    Ok(serde_dynamo::from_item(item)?)
}

fn items_json(items: Vec<Item>) -> Result<Vec<serde_json::Value>, AppError> {
    items.into_iter().map(item_json).collect()
}

/// Items grouped by their `type`, each group in the order given.
fn by_type(items: Vec<Item>) -> Result<BTreeMap<String, Vec<serde_json::Value>>, AppError> {
    let mut groups: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for item in items {
        let kind = type_of(&item).unwrap_or("unknown").to_owned();
        groups.entry(kind).or_default().push(item_json(item)?);
    }
    Ok(groups)
}

fn string_attr(item: &Item, name: &str) -> Option<String> {
    match item.as_ref().get(name) {
        Some(AttributeValue::S(value)) => Some(value.clone()),
        _ => None,
    }
}

async fn partition(app: &App, pk: String) -> Result<Vec<Item>, AppError> {
    query_all(app.table.as_ref(), Query::partition(Index::Primary, pk)).await
}

/// Writes the whole archive of `request.cycle_id` to `upload`, telling `progress` as it goes.
/// On any error the upload is aborted (nothing is left in the store) and the error returned.
/// Errors: `cycle_not_found`; the table's and the store's failures.
pub async fn export(
    app: &App,
    request: &ExportRequest,
    upload: Box<dyn BlobUpload>,
    progress: &mut dyn Progress,
) -> Result<Exported, AppError> {
    let mut writer = Writer::new(upload, request.exported_at);
    match write_records(app, request, &mut writer, progress).await {
        Ok(manifest) => writer.finish(manifest).await,
        Err(error) => {
            if let Err(abort) = writer.upload.abort().await {
                tracing::warn!(%abort, "the failed archive's upload could not be aborted");
            }
            Err(error)
        }
    }
}

/// What the applications' pass gathers for the sections after it.
#[derive(Default)]
struct Named {
    attachments: BTreeSet<Ulid>,
    units: BTreeMap<Ulid, Option<String>>,
    experts: BTreeSet<Ulid>,
}

async fn write_records(
    app: &App,
    request: &ExportRequest,
    writer: &mut Writer,
    progress: &mut dyn Progress,
) -> Result<Manifest, AppError> {
    let cycle_id = request.cycle_id.as_str();
    let cycle: CycleRecord = cycles::load_cycle(app, cycle_id).await?.record;
    let applications = applications::in_cycle(app, cycle_id, None).await?;
    writer.counts.applications_total = u32::try_from(applications.len()).unwrap_or(u32::MAX);
    progress.report(&writer.counts).await?;

    // The cycle's own partition: the cycle, its audit trail, the guards, the quota counter —
    // not the export jobs, which describe archives rather than the cycle.
    let mut cycle_items = partition(app, keys::cycle_partition(cycle_id)).await?;
    cycle_items.retain(|item| type_of(item) != Some(item_type::ARCHIVE_JOB));
    for (kind, records) in by_type(cycle_items)? {
        writer
            .add_json(&format!("cycle/{kind}.json"), &records)
            .await?;
    }
    if let Some(contact) = app.table.get(&keys::office_contact()).await? {
        writer
            .add_json("cycle/office_contact.json", &[item_json(contact)?])
            .await?;
    }

    // Revocation cases are listed for the whole city (GSI1 `CASES`): the cycle's, by application.
    let mut cases: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::CASES),
    )
    .await?
    {
        if string_attr(&item, "cycle_id").as_deref() == Some(cycle_id)
            && let Some(application) = string_attr(&item, "application_id")
        {
            cases.entry(application).or_default().push(item);
        }
    }

    let mut named = Named::default();
    if let Some(deliberation) = &cycle.decision.deliberation {
        named.attachments.insert(deliberation.minutes_attachment_id);
    }
    for application in &applications {
        let application_cases = cases
            .remove(&application.id.to_string())
            .unwrap_or_default();
        write_application(
            app,
            writer,
            &cycle,
            application,
            application_cases,
            &mut named,
        )
        .await?;
        writer.counts.applications_done += 1;
        progress.report(&writer.counts).await?;
    }

    // Objections (Art. 3) with their audit trails.
    let objections = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::cycle_objections_partition(cycle_id)),
    )
    .await?;
    if !objections.is_empty() {
        let mut trail = Vec::new();
        for objection in &objections {
            if let Some(id) =
                string_attr(objection, "attachment_id").and_then(|id| keys::parse_id(&id))
            {
                named.attachments.insert(id);
            }
            let pk = key_of(objection)?.pk;
            for item in partition(app, pk).await? {
                if type_of(&item) == Some(item_type::AUDIT) {
                    trail.push(item_json(item)?);
                }
            }
        }
        writer
            .add_json("objections/objection.json", &items_json(objections)?)
            .await?;
        writer.add_json("objections/audit.json", &trail).await?;
    }

    // Attachments: the Committee's minutes, objections' files, revocation evidence.
    let mut attachment_json = Vec::new();
    let mut attachment_files = Vec::new();
    for id in &named.attachments {
        if let Some(item) = app.table.get(&keys::attachment(*id)).await? {
            let attachment = from_item::<Attachment>(item.clone())?.record;
            attachment_json.push(item_json(item)?);
            if attachment.status == DocumentStatus::Received {
                attachment_files.push(attachment);
            }
        }
    }
    if !attachment_json.is_empty() {
        writer
            .add_json("attachments/attachment.json", &attachment_json)
            .await?;
    }
    for attachment in attachment_files {
        writer
            .add_object(
                app,
                &format!(
                    "attachments/files/{}_{}",
                    attachment.id,
                    safe_name(&attachment.file_name)
                ),
                &attachment.object_key(),
            )
            .await?;
    }

    // The recommending units and the experts the cycle's records name.
    let mut unit_json = Vec::new();
    for unit in named.units.keys() {
        if let Some(item) = app.table.get(&keys::recommender(*unit)).await? {
            unit_json.push(item_json(item)?);
        }
    }
    if !unit_json.is_empty() {
        writer
            .add_json("units/recommender.json", &unit_json)
            .await?;
    }
    let mut expert_json = Vec::new();
    for expert in &named.experts {
        if let Some(item) = app.table.get(&keys::expert(*expert)).await? {
            expert_json.push(item_json(item)?);
        }
    }
    if !expert_json.is_empty() {
        writer.add_json("experts/expert.json", &expert_json).await?;
    }

    // The public notice board: the cycle's entries, oldest first.
    let mut board: Vec<BoardEntry> = Vec::new();
    let mut board_json = Vec::new();
    for item in partition(app, keys::BOARD.to_owned()).await? {
        if string_attr(&item, "cycle_id").as_deref() == Some(cycle_id) {
            board.push(from_item::<BoardEntry>(item.clone())?.record);
            board_json.push(item_json(item)?);
        }
    }
    board.sort_by_key(|entry| entry.published_at);
    writer
        .add_json("board/board_entry.json", &board_json)
        .await?;
    writer
        .add(
            "print/board.html",
            render::board(&cycle, &board).as_bytes(),
            true,
        )
        .await?;
    writer
        .add(
            "print/ranking.html",
            render::ranking(&cycle, &applications).as_bytes(),
            true,
        )
        .await?;
    progress.report(&writer.counts).await?;

    Ok(Manifest {
        format: FORMAT.into(),
        cycle_id: cycle_id.to_owned(),
        cycle_title: cycle.cycle.title.clone(),
        exported_at: request.exported_at,
        exported_by: request.exported_by.clone(),
        is_final: request.is_final,
        files: Vec::new(),
        absent: Vec::new(),
    })
}

/// One application's folder `applications/<uscc>/`: its partition's records by family, its
/// revocation cases and register entries, its notices (as stored and as they read), its received
/// files, and its printed form.
async fn write_application(
    app: &App,
    writer: &mut Writer,
    cycle: &CycleRecord,
    application: &Application,
    cases: Vec<Item>,
    named: &mut Named,
) -> Result<(), AppError> {
    let folder = format!("applications/{}", safe_name(&application.uscc));
    let items = partition(app, keys::application_partition(application.id)).await?;
    let mut documents = Vec::new();
    let mut assignments = Vec::new();
    for item in &items {
        match type_of(item) {
            Some(item_type::DOCUMENT) => {
                documents.push(from_item::<Document>(item.clone())?.record);
            }
            Some(item_type::ASSIGNMENT) => {
                let assignment = from_item::<Assignment>(item.clone())?.record;
                named.experts.insert(assignment.expert_id);
                assignments.push(assignment);
            }
            _ => {}
        }
    }
    for (kind, records) in by_type(items)? {
        writer
            .add_json(&format!("{folder}/{kind}.json"), &records)
            .await?;
    }
    if !cases.is_empty() {
        for case in &cases {
            if let Some(AttributeValue::L(evidence)) = case.as_ref().get("evidence") {
                named
                    .attachments
                    .extend(evidence.iter().filter_map(|value| match value {
                        AttributeValue::S(id) => keys::parse_id(id),
                        _ => None,
                    }));
            }
        }
        writer
            .add_json(
                &format!("{folder}/revocation_case.json"),
                &items_json(cases)?,
            )
            .await?;
    }
    let register = partition(app, keys::register_partition(&application.uscc)).await?;
    if !register.is_empty() {
        writer
            .add_json(
                &format!("{folder}/register_entry.json"),
                &items_json(register)?,
            )
            .await?;
    }

    // The notices about the application (pattern 7c), as stored and as they read.
    let notice_items = query_all(
        app.table.as_ref(),
        Query::partition(
            Index::Gsi1,
            keys::application_notices_partition(application.id),
        ),
    )
    .await?;
    let mut notices = Vec::new();
    let mut notice_json = Vec::new();
    for item in notice_items {
        notices.push(from_item::<Notice>(item.clone())?.record);
        notice_json.push(item_json(item)?);
    }
    if !notice_json.is_empty() {
        writer
            .add_json(&format!("{folder}/notice.json"), &notice_json)
            .await?;
    }
    for notice in notices {
        let status = serde_json::to_value(notice.status).map_err(zip_error)?;
        let text = match templates::render(notice.kind, &notice.data) {
            Ok(email) => format!(
                "收件人：{}\n状态：{}\n创建时间（UTC）：{}\n发送时间（UTC）：{}\n主题：{}\n\n{}\n",
                notice.recipient,
                status.as_str().unwrap_or_default(),
                notice.created_at.to_rfc3339(),
                notice
                    .sent_at
                    .map(|at| at.to_rfc3339())
                    .unwrap_or_else(|| "（未发送）".into()),
                email.subject,
                email.text
            ),
            Err(error) => format!("this notice could not be rendered: {error}\n"),
        };
        writer
            .add(
                &format!(
                    "{folder}/notices/{}-{}-{}.txt",
                    notice.created_at.format("%Y%m%dT%H%M%SZ"),
                    notice.kind.as_str(),
                    notice.id
                ),
                text.as_bytes(),
                true,
            )
            .await?;
    }

    for document in documents {
        if document.status != DocumentStatus::Received {
            continue;
        }
        let category = serde_json::to_value(document.category)
            .map_err(zip_error)?
            .as_str()
            .unwrap_or("other")
            .to_owned();
        writer
            .add_object(
                app,
                &format!(
                    "{folder}/files/{category}/{}_{}",
                    document.id,
                    safe_name(&document.file_name)
                ),
                &document.object_key(),
            )
            .await?;
    }

    let unit_name = match application.recommender_id {
        Some(unit) => {
            if let std::collections::btree_map::Entry::Vacant(entry) = named.units.entry(unit) {
                entry.insert(
                    app.table
                        .get(&keys::recommender(unit))
                        .await?
                        .and_then(|item| string_attr(&item, "name")),
                );
            }
            named.units.get(&unit).cloned().flatten()
        }
        None => None,
    };
    let print = format!("print/applications/{}", safe_name(&application.uscc));
    writer
        .add(
            &format!("{print}.html"),
            render::application_form(cycle, application, unit_name.as_deref()).as_bytes(),
            true,
        )
        .await?;
    // Each expert's sheet as it is signed on paper, named by the pool's name of the expert.
    for assignment in assignments.iter().filter(|a| a.submitted_at.is_some()) {
        let name = match crate::reads::experts::load(app, assignment.expert_id).await {
            Ok(expert) => expert.record.profile.name,
            Err(AppError::ExpertNotFound) => assignment.expert_account.clone(),
            Err(other) => return Err(other),
        };
        writer
            .add(
                &format!(
                    "{print}/score-sheets/{}-{}.html",
                    assignment.phase.as_str(),
                    assignment.expert_id
                ),
                render::score_sheet(cycle, application, assignment, &name).as_bytes(),
                true,
            )
            .await?;
    }
    match render::certificate(cycle, application) {
        Some(certificate) => {
            writer
                .add(
                    &format!("{print}/certificate.html"),
                    certificate.as_bytes(),
                    true,
                )
                .await
        }
        None => Ok(()),
    }
}

/// The job's progress, written to its item (version-guarded) as the export reports it.
struct JobProgress<'a> {
    app: &'a App,
    job: ArchiveJob,
    version: u64,
}

#[async_trait]
impl Progress for JobProgress<'_> {
    async fn report(&mut self, counts: &Counts) -> Result<(), AppError> {
        self.job.applications_total = counts.applications_total;
        self.job.applications_done = counts.applications_done;
        self.job.files_written = counts.files_written;
        self.job.bytes_written = counts.bytes_written;
        // Progress is for the Office's eyes: a write that fails does not stop the export.
        match put_job(self.app, &self.job, self.version, Vec::new()).await {
            Ok(version) => self.version = version,
            Err(error) => tracing::warn!(archive = %self.job.id, %error, "progress not written"),
        }
        Ok(())
    }
}

/// How often a job's write is tried before it is given up.
const JOB_WRITE_ATTEMPTS: u32 = 3;

/// Writes `job` (with `extra` writes in the same transaction) over the stored job at `version`,
/// and returns the version written. Once claimed, only this runner writes the job, so a write
/// that failed — the table busy past the SDK's retries, or an answer lost after the write landed
/// — is recognised (the stored job is already `job`) or tried again on the stored version, up to
/// [`JOB_WRITE_ATTEMPTS`] times. Errors: the last failure.
async fn put_job(
    app: &App,
    job: &ArchiveJob,
    version: u64,
    extra: Vec<award_ports::Write>,
) -> Result<u64, AppError> {
    let key = keys::archive_job(&job.cycle_id, job.requested_at, job.id);
    let mut version = version;
    let mut attempt = 1;
    loop {
        let mut writes = vec![store::replace(job, version)?];
        writes.extend(extra.iter().cloned());
        let error = match app.table.transact(writes).await {
            Ok(()) => return Ok(version + 1),
            Err(error) => AppError::from(error),
        };
        match store::load::<ArchiveJob>(app.table.as_ref(), &key).await {
            Ok(Some(stored)) if stored.record == *job => return Ok(stored.version),
            Ok(Some(stored)) if attempt < JOB_WRITE_ATTEMPTS => version = stored.version,
            _ if attempt < JOB_WRITE_ATTEMPTS => {}
            _ => return Err(error),
        }
        tokio::time::sleep(store::conflict_backoff(attempt)).await;
        attempt += 1;
    }
}

/// What running a job came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobRun {
    /// Not queued (already claimed, done or failed): nothing done, as when an event comes twice.
    NotQueued,
    Done,
    Failed(String),
}

/// Runs the export job at `key`: claims it (`queued` → `running`, version-guarded: of two
/// runners given the same job one runs it), exports to `archives/<cycle>/<job>.zip`, and marks
/// it `done` with the zip's size and SHA-256 (audited `archive_completed`) or `failed` with why.
/// `clock` dates the start and the end (UTC). Errors: the table's, when the job cannot be read
/// or its end cannot be written.
pub async fn run_job(
    app: &App,
    key: &Key,
    clock: &(dyn Fn() -> DateTime<Utc> + Send + Sync),
) -> Result<JobRun, AppError> {
    let Some(stored) = store::load::<ArchiveJob>(app.table.as_ref(), key).await? else {
        return Ok(JobRun::NotQueued);
    };
    if stored.record.status != ArchiveStatus::Queued {
        return Ok(JobRun::NotQueued);
    }
    let started = clock();
    let mut job = stored.record;
    job.status = ArchiveStatus::Running;
    job.started_at = Some(started);
    if let Err(error) = app
        .table
        .transact(vec![store::replace(&job, stored.version)?])
        .await
    {
        let error = AppError::from(error);
        return match store::failed_condition(&error) {
            Some(_) => Ok(JobRun::NotQueued),
            None => Err(error),
        };
    }
    let object_key = keys::archive_object_key(&job.cycle_id, job.id);
    let request = ExportRequest {
        cycle_id: job.cycle_id.clone(),
        exported_by: job.requested_by.clone(),
        exported_at: started,
        is_final: job.is_final,
    };
    let mut progress = JobProgress {
        app,
        job,
        version: stored.version + 1,
    };
    let outcome = match app.blobs.start_upload(&object_key, "application/zip").await {
        Ok(upload) => export(app, &request, upload, &mut progress).await,
        Err(error) => Err(error.into()),
    };
    let JobProgress {
        job: mut finished,
        version,
        ..
    } = progress;
    let now = clock();
    finished.finished_at = Some(now);
    let mut writes: Vec<award_ports::Write> = Vec::new();
    let run = match outcome {
        Ok(exported) => {
            finished.status = ArchiveStatus::Done;
            finished.object_key = Some(object_key);
            finished.size = Some(exported.object.content_length);
            finished.sha256 = exported.object.sha256_hex.clone();
            writes.push(audit(
                keys::cycle_partition(&finished.cycle_id),
                "system",
                "archive_completed",
                &[
                    ("archive_id", finished.id.to_string()),
                    ("size", exported.object.content_length.to_string()),
                    (
                        "sha256",
                        exported.object.sha256_hex.clone().unwrap_or_default(),
                    ),
                    ("files", exported.manifest.files.len().to_string()),
                ],
                now,
            )?);
            JobRun::Done
        }
        Err(error) => {
            tracing::error!(archive = %finished.id, %error, "archive export failed");
            finished.status = ArchiveStatus::Failed;
            finished.error = Some(error.to_string());
            JobRun::Failed(error.to_string())
        }
    };
    put_job(app, &finished, version, writes).await?;
    Ok(run)
}

/// An archive written to a file on this machine (the local runner's `archive export --out`):
/// the parts appended as they come, the SHA-256 computed on the way. Nothing is removed on
/// abort: the caller chose the path.
pub struct FileOutput {
    file: std::fs::File,
    digest: Sha256,
    length: u64,
}

impl FileOutput {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &std::path::Path) -> std::io::Result<Self> {
        Ok(Self {
            file: std::fs::File::create(path)?,
            digest: Sha256::new(),
            length: 0,
        })
    }
}

#[async_trait]
impl BlobUpload for FileOutput {
    async fn write_part(&mut self, part: Vec<u8>) -> Result<(), BlobError> {
        self.file
            .write_all(&part)
            .map_err(|error| BlobError::Backend(error.to_string()))?;
        self.digest.update(&part);
        self.length += part.len() as u64;
        Ok(())
    }

    async fn complete(self: Box<Self>) -> Result<BlobMeta, BlobError> {
        self.file
            .sync_all()
            .map_err(|error| BlobError::Backend(error.to_string()))?;
        Ok(BlobMeta {
            content_length: self.length,
            content_type: Some("application/zip".into()),
            sha256_hex: Some(hex::encode(self.digest.finalize())),
            version_id: None,
        })
    }

    async fn abort(self: Box<Self>) -> Result<(), BlobError> {
        Ok(())
    }
}

/// The stream handler of the export jobs (the local runner's change feed; on AWS the `archive`
/// function on the table's stream, filtered to queued jobs): each `archive_job` image that is
/// `queued` is run to its end in this invocation ([`run_job`]). A record delivered twice finds
/// its job claimed and does nothing; a job that fails is marked `failed` (not retried: the
/// Office asks again); a table failure fails the record, so that it is delivered again.
pub async fn table_changes<'r>(
    app: &App,
    changes: impl Into<crate::batch::Changes<'r>>,
    clock: &(dyn Fn() -> DateTime<Utc> + Send + Sync),
) -> Result<crate::batch::StreamBatchOutcome, AppError> {
    use crate::batch::{Handled, partial_batch, typed_image};
    partial_batch(changes, |record| async move {
        let job = match typed_image::<ArchiveJob>(&record, "archive job") {
            Ok(Some(job)) => job,
            Ok(None) => return Handled::Ignored,
            Err(skipped) => return skipped,
        };
        if job.status != ArchiveStatus::Queued {
            return Handled::Ignored;
        }
        let key = keys::archive_job(&job.cycle_id, job.requested_at, job.id);
        match run_job(app, &key, clock).await {
            Ok(JobRun::NotQueued) => Handled::Unchanged,
            Ok(JobRun::Done | JobRun::Failed(_)) => Handled::Changed,
            Err(error) => {
                tracing::error!(archive = %job.id, %error, "archive job could not be run");
                Handled::Failed
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn a_file_name_becomes_one_safe_path_segment() {
        assert_eq!(safe_name("营业执照.pdf"), "营业执照.pdf");
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("a\\b:c*?\"<>|\n.pdf"), "a_b_c_______.pdf");
        assert_eq!(safe_name(" .hidden "), "hidden");
        assert_eq!(safe_name("..."), "file");
        assert_eq!(safe_name(&"长".repeat(300)).chars().count(), 120);
    }
}
