//! Files that are not an applicant's evidence: a public objection's supporting file (Art. 3) and
//! the Committee's minutes (Art. 11(8)). Declared with their size, type and SHA-256, uploaded
//! straight to storage through a presigned link under `attachments/`, checked by `upload-received`
//! exactly as evidence is (`events::object_created`), and read only by the Office (and the
//! Committee for its minutes), each download audited. Here, below the stages, because the
//! decision (the minutes, an objection's file) and the aftercare (a case's evidence) both declare
//! and serve them.

use award_ports::{Condition, UploadSpec, Write};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::Link;
use crate::model::{Attachment, AttachmentOwner, DocumentStatus, new_id};
use crate::store::{self, Tx};
use crate::validation;

/// The largest attachment, in bytes (10 MiB): a supporting scan or the minutes, not evidence.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// What an attachment is declared with.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentDeclaration {
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    pub sha256: String,
}

/// An attachment and the link to upload it with.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeclaredAttachment {
    pub attachment: Attachment,
    pub upload: Link,
}

/// The attachment `declaration` describes, checked (PDF, JPEG or PNG; ≤ [`MAX_ATTACHMENT_BYTES`];
/// a SHA-256), and the write that creates it, for the owner's transaction. Errors:
/// `InvalidFileName`, `UnsupportedDocumentType`, `ExtensionMismatch`, `DocumentTooLarge`,
/// `EmptyDocument`, `InvalidSha256`.
pub fn declare(
    owner: AttachmentOwner,
    declaration: &AttachmentDeclaration,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(Attachment, Write), AppError> {
    let file_name = validation::file_name(&declaration.file_name)?;
    let content_type = validation::scan_type(&declaration.content_type, &file_name)?;
    let size = validation::document_size(declaration.size, MAX_ATTACHMENT_BYTES)?;
    let sha256 = validation::sha256(&declaration.sha256)?;
    let attachment = Attachment {
        id: new_id(now),
        owner,
        file_name,
        content_type,
        size,
        sha256,
        status: DocumentStatus::Declared,
        declared_by: by.to_owned(),
        declared_at: now,
        checked_at: None,
        rejection_reason: None,
        checked_object: None,
    };
    let write = Write::Put {
        item: store::to_item(&attachment, 1)?,
        condition: Condition::NotExists,
    };
    Ok((attachment, write))
}

/// The presigned upload of a declared attachment (after its transaction committed).
pub async fn upload_link(
    app: &App,
    attachment: &Attachment,
    now: DateTime<Utc>,
) -> Result<Link, AppError> {
    Ok(app
        .blobs
        .presign_upload(
            &UploadSpec {
                key: attachment.object_key(),
                content_type: attachment.content_type.clone(),
                content_length: attachment.size,
                sha256_hex: attachment.sha256.clone(),
                expires_in: app.config.upload_ttl,
            },
            now,
        )
        .await?
        .into())
}

/// Loads an attachment, or `AttachmentNotFound`.
pub async fn load(app: &App, id: Ulid) -> Result<Attachment, AppError> {
    Ok(
        store::load::<Attachment>(app.table.as_ref(), &keys::attachment(id))
            .await?
            .ok_or(AppError::AttachmentNotFound)?
            .record,
    )
}

/// A received attachment's download.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttachmentDownload {
    pub attachment: Attachment,
    pub download: Link,
}

/// Whether `caller` may read attachment `attachment`: the Office every one, the Committee its
/// minutes and the revocation cases' files (Arts. 7(3), 19).
fn readable_by(caller: &Caller, attachment: &Attachment) -> bool {
    caller.has(Role::Office)
        || (caller.has(Role::Committee)
            && matches!(
                attachment.owner,
                AttachmentOwner::Minutes { .. } | AttachmentOwner::RevocationCase { .. }
            ))
}

/// `GET /attachments/{id}`: the attachment's record — its status (`declared` until the stored
/// object is checked, then `received` or `rejected` with the reason), name, size and when it was
/// checked — for a page to wait on the check without a download link (nothing is audited: no
/// content is read). The same readers as [`download`]. Errors: `AttachmentNotFound` (also to
/// anyone else).
pub async fn status(app: &App, caller: &Caller, id: Ulid) -> Result<Attachment, AppError> {
    let attachment = load(app, id).await?;
    if !readable_by(caller, &attachment) {
        return Err(AppError::AttachmentNotFound);
    }
    Ok(attachment)
}

/// `GET /attachments/{id}/download`: the Office for every attachment, the Committee for its
/// minutes; a 5-minute link, the access audited in the owner's trail. Errors: `AttachmentNotFound`
/// (also to anyone else), `DocumentNotReceived`.
pub async fn download(
    app: &App,
    caller: &Caller,
    id: Ulid,
    now: DateTime<Utc>,
) -> Result<AttachmentDownload, AppError> {
    let attachment = load(app, id).await?;
    if !readable_by(caller, &attachment) {
        return Err(AppError::AttachmentNotFound);
    }
    if attachment.status != DocumentStatus::Received {
        return Err(AppError::DocumentNotReceived);
    }
    let mut tx = Tx::new();
    tx.push(audit(
        attachment.owner.audit_partition(),
        caller.sub(),
        "attachment_downloaded",
        &[("attachment_id", attachment.id.to_string())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    let download = app
        .blobs
        .presign_download(&attachment.object_key(), app.config.download_ttl, now)
        .await?
        .into();
    Ok(AttachmentDownload {
        attachment,
        download,
    })
}
