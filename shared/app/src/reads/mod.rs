//! The reads several stages share, one module per subject. A read here names only the kernel (and
//! other reads); a stage that needs another stage's data reads it here, never from that stage.

pub mod applications;
pub mod assignments;
pub mod attachments;
pub mod cycles;
pub mod due;
pub mod experts;
pub mod register;
pub mod settings;
pub mod units;
