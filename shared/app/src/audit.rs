//! The audit record of one state change (Art. 3: who, when, what), written in the same
//! transaction as the change it records. In the kernel so that every layer above may write one.

use std::collections::BTreeMap;

use award_ports::Write;
use chrono::{DateTime, Utc};

use crate::error::AppError;
use crate::model::{AuditRecord, new_id};
use crate::store;

/// The audit record of one state change (Art. 3: who, when, what).
pub(crate) fn audit(
    subject_partition: String,
    actor: &str,
    action: &str,
    detail: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    store::create(&AuditRecord {
        id: new_id(now),
        subject_partition,
        actor: actor.to_owned(),
        at: now,
        action: action.to_owned(),
        detail: detail
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect::<BTreeMap<_, _>>(),
    })
}
