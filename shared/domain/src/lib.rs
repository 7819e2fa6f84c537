//! The Wuwei Municipal Government Quality Award's rules (武威市人民政府质量奖实施办法, 武政发〔2022〕12号),
//! pure: no I/O, no clock reads, no AWS types. Every function takes the moment it decides at.
//!
//! `docs/RULES.md` maps every article to the code that enforces it and the test that proves it.

pub mod award;
pub mod calendar;
pub mod cycle;
pub mod eligibility;
pub mod lifecycle;
pub mod money;
pub mod period;
pub mod roles;
pub mod rules;
pub mod scoring;
pub mod time;
pub mod uscc;

pub use time::china_date;
