//! Embedded adapters of the award's ports, for running on one machine with no cloud account:
//!
//! * [`EmbeddedTable`] — a redb file with both GSIs and a change feed equivalent to DynamoDB
//!   Streams (`NEW_IMAGE`).
//! * [`EmbeddedBlobs`] — files in a folder behind HMAC-signed, short-lived links.
//! * [`EmbeddedMail`] — one RFC 5322 `.eml` file per email in an outbox folder.

mod blobs;
mod mail;
mod ordered_key;
mod table;

pub use blobs::{EmbeddedBlobs, LinkRejection, MIN_SECRET_BYTES};
pub use mail::EmbeddedMail;
pub use table::EmbeddedTable;
