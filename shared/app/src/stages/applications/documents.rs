//! Evidence documents: the owner declares one and gets a presigned upload bound to the
//! declaration; the owner or the office downloads it through a short link, and every download
//! link issued is recorded (Art. 19); the office reads that log.

use award_domain::form::DocumentCategory;
use award_domain::lifecycle::ApplicationState;
use award_ports::{Condition, Index, Query, SortCondition, TableError, UploadSpec, Write};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use super::load_readable;
use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, RequestMeta, Role};
use crate::keys;
use crate::model::{
    AccessRecord, Application, Document, DocumentSlot, DocumentStatus, Link, new_id,
};
use crate::reads::applications::units_of;
use crate::store::{self, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// `POST /applications/{id}/documents`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentDeclaration {
    /// What the document evidences; staff-only categories are refused to applicants.
    pub category: DocumentCategory,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeclaredDocument {
    pub document: Document,
    pub upload: Link,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentDownload {
    pub document: Document,
    pub download: Link,
}

/// Who declares a document, by its category and the caller's role (the route lets applicants,
/// the Office and recommending units in; each is narrowed here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uploader {
    /// The applicant: its own evidence, on its draft (Art. 11(2)).
    Owner,
    /// The Office: a staff report (the on-site panel's report, a visit report, minutes), on an
    /// application past its draft.
    Staff,
    /// The chosen recommending unit, or the Office on its behalf: the sealed recommendation page
    /// (Art. 11(3)), while `ApplicationState::files_sealed_recommendation`.
    Unit,
}

impl Uploader {
    /// Errors: `SealedPageByRecommendingUnit` (403) for an applicant filing the unit's page;
    /// `Forbidden` for any other category outside the caller's role.
    fn of(caller: &Caller, category: DocumentCategory) -> Result<Self, AppError> {
        if category.by_recommending_unit() {
            if caller.has(Role::Office) || caller.has(Role::Recommender) {
                Ok(Self::Unit)
            } else if caller.has(Role::Applicant) {
                Err(AppError::SealedPageByRecommendingUnit)
            } else {
                Err(AppError::Forbidden)
            }
        } else if caller.has(Role::Office) && category.staff_only() {
            Ok(Self::Staff)
        } else {
            caller.require(Role::Applicant)?;
            Ok(Self::Owner)
        }
    }

    /// Whether this uploader may add a document of `category` to `application` as it stands;
    /// `units` are the recommending units the caller acts for.
    fn may_declare(
        self,
        caller: &Caller,
        units: &[Ulid],
        application: &Application,
        category: DocumentCategory,
    ) -> Result<(), AppError> {
        let draft = application.state() == ApplicationState::Draft;
        match self {
            Self::Owner => {
                if application.owner() != caller.sub() {
                    return Err(AppError::ApplicationNotFound);
                }
                // After submission nothing of the application or its evidence changes (Art.
                // 11(2)-(3)).
                if !draft {
                    return Err(AppError::ApplicationNotEditable);
                }
                if category.staff_only() {
                    return Err(AppError::invalid_field(
                        format!(
                            "category: {} documents are uploaded by staff",
                            category.as_str()
                        ),
                        format!("category：{} 类材料由工作人员上传", category.as_str()),
                    ));
                }
                Ok(())
            }
            Self::Staff if draft => Err(AppError::ApplicationNotEditable),
            Self::Staff => Ok(()),
            Self::Unit => {
                // The Office files for whichever unit; a unit's account only for an application
                // that chose its unit. Any other unit learns nothing, not even that the
                // application exists, as when it would recommend it.
                let chosen = caller.has(Role::Recommender)
                    && application
                        .recommender_id
                        .is_some_and(|unit| units.contains(&unit));
                if !caller.has(Role::Office) && !chosen {
                    return Err(AppError::ApplicationNotFound);
                }
                // Never the draft: filing the unit's page reopens nothing of the applicant's.
                if !application.state().files_sealed_recommendation() {
                    return Err(AppError::SealedPageNotAccepted);
                }
                Ok(())
            }
        }
    }
}

/// `POST /applications/{id}/documents`: declares one document and answers it with its presigned
/// upload link (≤ 15 min, bound to the declared type, size and SHA-256); `upload-received` then
/// checks the stored object (signature, size, SHA-256, Art. 19). Evidence is the owner's, on its
/// draft; a staff report the Office's, past it; the sealed recommendation page (Art. 11(3)) the
/// chosen unit's or the Office's on its behalf, from the recommendation until the Committee, a
/// scan only (PDF, JPEG, PNG). Errors: `ApplicationNotFound` (another's, another unit's),
/// `ApplicationNotEditable`, `SealedPageByRecommendingUnit` (403), `SealedPageNotAccepted`
/// (409), `Forbidden`, `TooManyDocuments`, and the file's: `InvalidFileName`,
/// `UnsupportedDocumentType`, `ExtensionMismatch`, `DocumentTooLarge`, `EmptyDocument`,
/// `InvalidSha256`.
pub async fn declare_document(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: DocumentDeclaration,
    now: DateTime<Utc>,
) -> Result<DeclaredDocument, AppError> {
    let uploader = Uploader::of(caller, input.category)?;
    let units = if uploader == Uploader::Unit {
        units_of(app, caller).await?
    } else {
        Vec::new()
    };
    let (input, units) = (&input, &units);
    let document = retry_on_conflict(|| async move {
        let application =
            store::load::<Application>(app.table.as_ref(), &keys::application(application_id))
                .await?
                .ok_or(AppError::ApplicationNotFound)?;
        uploader.may_declare(caller, units, &application.record, input.category)?;
        // Each document holds one of `max_documents` numbered slots (a guard item created with
        // the document), so the limit holds under concurrency; a random free slot keeps
        // concurrent declarations from colliding on the same one (a collision is retried).
        let used: Vec<u32> = query_all(
            app.table.as_ref(),
            Query::partition(Index::Primary, keys::application_partition(application_id))
                .sort(SortCondition::BeginsWith(keys::DOCUMENT_SLOT_PREFIX.into())),
        )
        .await?
        .into_iter()
        .map(|item| from_item::<DocumentSlot>(item).map(|stored| stored.record.slot))
        .collect::<Result<_, _>>()?;
        let free: Vec<u32> = (0..u32::try_from(app.config.max_documents).unwrap_or(u32::MAX))
            .filter(|slot| !used.contains(slot))
            .collect();
        let Some(slot) = pick(&free) else {
            return Err(AppError::TooManyDocuments {
                max: app.config.max_documents,
            });
        };
        let file_name = validation::file_name(&input.file_name)?;
        // The sealed page is a scan of paper; evidence may also be an office file.
        let content_type = if uploader == Uploader::Unit {
            validation::scan_type(&input.content_type, &file_name)?
        } else {
            validation::document_type(&input.content_type, &file_name)?
        };
        let size = validation::document_size(input.size, app.config.max_upload_bytes)?;
        let sha256 = validation::sha256(&input.sha256)?;
        let document = Document {
            id: new_id(now),
            application_id,
            category: input.category,
            file_name,
            content_type,
            size,
            sha256,
            status: DocumentStatus::Declared,
            declared_by: caller.sub().to_owned(),
            declared_at: now,
            checked_at: None,
            rejection_reason: None,
            checked_object: None,
        };
        let mut tx = Tx::new();
        still_as_loaded(&mut tx, application_id, application.version);
        tx.guard(
            store::create(&DocumentSlot {
                application_id,
                slot,
                document_id: document.id,
            })?,
            || AppError::from(TableError::Conflict),
        );
        tx.guard(store::create(&document)?, || AppError::ConcurrentUpdate);
        let mut detail = vec![
            ("document_id", document.id.to_string()),
            ("category", document.category.as_str().to_owned()),
            ("file_name", document.file_name.clone()),
            ("size", document.size.to_string()),
            ("sha256", document.sha256.clone()),
        ];
        // Whose page the Office filed, when it files one on a unit's behalf.
        if let (Uploader::Unit, true, Some(unit)) = (
            uploader,
            caller.has(Role::Office),
            application.record.recommender_id,
        ) {
            detail.push(("on_behalf_of", unit.to_string()));
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "document_declared",
            &detail,
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(document)
    })
    .await?;
    // Issued only once the declaration is stored, so no link exists for an undeclared object.
    let upload = app
        .blobs
        .presign_upload(
            &UploadSpec {
                key: document.object_key(),
                content_type: document.content_type.clone(),
                content_length: document.size,
                sha256_hex: document.sha256.clone(),
                expires_in: app.config.upload_ttl,
            },
            now,
        )
        .await?;
    Ok(DeclaredDocument {
        document,
        upload: upload.into(),
    })
}

/// `DELETE /applications/{id}/documents/{doc}` (the owner, on its draft): removes a document
/// uploaded by mistake, before the submission (after it nothing of the evidence changes, Art.
/// 11(2)–(3)). The declaration, its slot and the stored object go; the audit trail keeps the
/// removal. An upload still under way is refused by `upload-received` when it lands (its key no
/// longer names a declared document). Errors: `ApplicationNotFound` (also another's),
/// `ApplicationNotEditable` (submitted), `DocumentNotFound`.
pub async fn remove_document(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    document_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Document, AppError> {
    caller.require(Role::Applicant)?;
    let document = retry_on_conflict(|| async move {
        let (application_key, document_key) = (
            keys::application(application_id),
            keys::document(application_id, document_id),
        );
        let (application, document, slots) = tokio::try_join!(
            store::load::<Application>(app.table.as_ref(), &application_key),
            store::load::<Document>(app.table.as_ref(), &document_key),
            query_all(
                app.table.as_ref(),
                Query::partition(Index::Primary, keys::application_partition(application_id))
                    .sort(SortCondition::BeginsWith(keys::DOCUMENT_SLOT_PREFIX.into())),
            )
        )?;
        let application = application
            .filter(|loaded| loaded.record.owner() == caller.sub())
            .ok_or(AppError::ApplicationNotFound)?;
        if application.record.state() != ApplicationState::Draft {
            return Err(AppError::ApplicationNotEditable);
        }
        let document = document.ok_or(AppError::DocumentNotFound)?;
        let mut tx = Tx::new();
        still_as_loaded(&mut tx, application_id, application.version);
        tx.guard(
            Write::Delete {
                key: keys::document(application_id, document_id),
                condition: Condition::VersionEquals(document.version),
            },
            || AppError::from(TableError::Conflict),
        );
        for slot in slots {
            let slot = from_item::<DocumentSlot>(slot)?.record;
            if slot.document_id == document_id {
                tx.push(Write::Delete {
                    key: keys::document_slot(application_id, slot.slot),
                    condition: Condition::None,
                });
            }
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "document_removed",
            &[
                ("document_id", document_id.to_string()),
                ("category", document.record.category.as_str().to_owned()),
                ("file_name", document.record.file_name.clone()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(document.record)
    })
    .await?;
    app.blobs.delete(&document.object_key(), None).await?;
    Ok(document)
}

/// Guards `tx` on the application being the version loaded: a change of its evidence does not
/// change the application, but must be decided on the application as it still is (a form save or
/// a submission in between, a stage change past the sealed page's, is a lost race: decide again).
fn still_as_loaded(tx: &mut Tx, application_id: Ulid, version: u64) {
    tx.guard(
        Write::Check {
            key: keys::application(application_id),
            condition: Condition::VersionEquals(version),
        },
        || AppError::from(TableError::Conflict),
    );
}

/// A random element of `free` (the OS's randomness; the first one without it).
fn pick(free: &[u32]) -> Option<u32> {
    let mut random = [0u8; 8];
    let index = match getrandom::fill(&mut random) {
        Ok(()) => {
            usize::try_from(u64::from_le_bytes(random) % free.len().max(1) as u64).unwrap_or(0)
        }
        Err(_) => 0,
    };
    free.get(index).copied()
}

/// `GET /applications/{id}/documents/{doc}/download`: a short GET link, recorded before it is
/// issued, so no evidence is ever handed out unlogged.
pub async fn download_document(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    document_id: Ulid,
    meta: RequestMeta,
    now: DateTime<Utc>,
) -> Result<DocumentDownload, AppError> {
    load_readable(app, caller, application_id).await?;
    let document = store::load::<Document>(
        app.table.as_ref(),
        &keys::document(application_id, document_id),
    )
    .await?
    .ok_or(AppError::DocumentNotFound)?
    .record;
    // Staff reports (the on-site panel's review report, visit reports, minutes) are the
    // Office's working file (Art. 19): nobody else learns they exist.
    if document.category.staff_only() && !caller.has(Role::Office) {
        return Err(AppError::DocumentNotFound);
    }
    if document.status != DocumentStatus::Received {
        return Err(AppError::DocumentNotReceived);
    }
    let access = AccessRecord {
        id: new_id(now),
        application_id,
        document_id,
        actor_sub: caller.sub().to_owned(),
        actor_roles: caller.role_names(),
        at: now,
        source_ip: meta.source_ip,
        user_agent: meta.user_agent,
        request_id: meta.request_id,
    };
    app.table.transact(vec![store::create(&access)?]).await?;
    let download = app
        .blobs
        .presign_download(&document.object_key(), app.config.download_ttl, now)
        .await?;
    Ok(DocumentDownload {
        document,
        download: download.into(),
    })
}

/// `GET /applications/{id}/access-log` (office): every download link issued, oldest first.
pub async fn access_log(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
) -> Result<Vec<AccessRecord>, AppError> {
    caller.require(Role::Office)?;
    load_readable(app, caller, application_id).await?;
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(application_id))
            .sort(SortCondition::BeginsWith(keys::ACCESS_PREFIX.into())),
    )
    .await?;
    items
        .into_iter()
        .map(|item| from_item::<AccessRecord>(item).map(|stored| stored.record))
        .collect()
}
