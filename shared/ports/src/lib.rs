//! The ports: the three small interfaces behind which every side effect of the award lives.
//!
//! * [`table::Table`] — the single DynamoDB table (single-table design, see `docs/ARCHITECTURE.md`).
//! * [`blobs::Blobs`] — the evidence bucket (presigned, short-lived links only).
//! * [`mail::Mail`] — one UTF-8 email at a time.
//!
//! Each port has two adapters: `award-aws` (DynamoDB, S3, SES) and `award-embedded` (one machine, no
//! cloud account). Both must pass the same contract suites in [`contract`] (feature `contract-tests`).
//! Nothing here names an AWS SDK type: items are `serde_dynamo::Item`s, so mapping stays in serde.

pub mod blobs;
pub mod mail;
pub mod table;

#[cfg(feature = "contract-tests")]
pub mod contract;

pub use blobs::{BlobError, BlobMeta, BlobUpload, Blobs, PresignedRequest, UploadSpec};
pub use mail::{Email, Mail, MailError};
pub use table::{
    ChangeKind, ChangeRecord, Condition, Index, Item, Key, Page, Query, SortCondition, Table,
    TableError, Transaction, Write,
};
