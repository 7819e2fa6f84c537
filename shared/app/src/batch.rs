//! What the event handlers share: the report of what a batch of records came to.

use serde::Serialize;

use crate::error::AppError;

/// What a handler did with an event's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventReport {
    /// Records that changed something (a document checked, a notice sent).
    pub changed: usize,
    /// Records whose work was already done (redelivery) or not due yet.
    pub unchanged: usize,
    /// Records that failed and are worth retrying.
    pub failed: usize,
    /// Notices whose send failed transiently: pending again, with a back-off (the redrive's).
    pub retrying: usize,
    /// Notices given up (`failed`): a permanent failure, too many attempts, or the redrive window
    /// left behind. Each is logged with `NOTICE_FAILED_LOG_MARKER`.
    pub gave_up: usize,
    /// Records ignored, with the reason (unknown keys, nothing declared).
    pub skipped: Vec<String>,
}

impl EventReport {
    /// The report, or an error when records failed, so the platform redelivers the event.
    pub(crate) fn finish(self) -> Result<Self, AppError> {
        if self.failed > 0 {
            Err(AppError::RecordsFailed {
                failed: self.failed,
            })
        } else {
            Ok(self)
        }
    }
}
