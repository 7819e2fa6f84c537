//! The use cases: load → decide → save in one transaction (with the notices owed and an audit
//! record). Each takes the caller and `now`; none reads the clock.

pub mod aftercare;
pub mod applications;
pub mod assignments;
pub mod board;
pub mod calendar;
pub mod contact;
pub mod cycles;
pub mod decision;
pub mod documents;
pub mod experts;
pub mod recommendations;
pub mod recommenders;
pub mod register;
pub mod reviews;
pub mod screening;
