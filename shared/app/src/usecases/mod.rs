//! The use cases: load → decide → save in one transaction (with the notices owed and an audit
//! record). Each takes the caller and `now`; none reads the clock.

use std::collections::BTreeMap;

use award_ports::Write;
use chrono::{DateTime, Utc};

use crate::error::AppError;
use crate::model::{AuditRecord, new_id};
use crate::store;

pub mod aftercare;
pub mod applications;
pub mod assignments;
pub mod attachments;
pub mod board;
pub mod calendar;
pub mod contact;
pub mod cycles;
pub mod decision;
pub mod documents;
pub mod experts;
pub mod export;
pub mod recommendations;
pub mod recommenders;
pub mod register;
pub mod reviews;
pub mod screening;

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
