//! The stages of Art. 11, one folder each: its use cases and its own slice of the route table.
//! A stage names the kernel, the reads, the outbox and the stage path, never another stage.

pub mod aftercare;
pub mod applications;
pub mod archive;
pub mod board;
pub mod cycles;
pub mod decision;
pub mod register;
pub mod reviews;
pub mod screening;
pub mod units;
