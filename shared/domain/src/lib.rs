//! The Wuwei Municipal Government Quality Award's rules (武威市人民政府质量奖实施办法, 武政发〔2022〕12号),
//! pure: no I/O, no clock reads, no AWS types. Every function takes the moment it decides at;
//! every type is Serialize/Deserialize so the functions around it only load, decide and save.
//!
//! `docs/RULES.md` maps every article to the code that enforces it and the test that proves it.
//!
//! | module | rules |
//! |---|---|
//! | [`uscc`] | GB 32100 USCC parsing, check character, division code (Arts. 2, 10(1), 11(4)) |
//! | [`codes`] | the division (GB/T 2260) and industry (GB/T 4754—2017) lists a form is chosen from (Art. 11(2)) |
//! | [`text`] | the one check of every name, title and free text: NFC, no controls, no format characters |
//! | [`time`] | UTC instants → China dates |
//! | [`calendar`] | official working days, publicity end (Art. 11(8)) |
//! | [`cycle`] | biennial cycles, deadlines, quota, rule approval and freezing (Arts. 4, 7, 20) |
//! | [`rules`] | rubric, aggregation method, thresholds, weights, validation (Arts. 8, 11, 20) |
//! | [`scoring`] | score sheets, aggregation, disagreement, consensus, shortlist, ranking, candidates (Art. 11(5)–(7)) |
//! | [`eligibility`] | screening per condition, Office settlement (Arts. 5, 10, 11(4), 17, 18) |
//! | [`form`] | the application form, its field and submission checks, its eligibility facts, evidence categories (Arts. 10, 11(2), 17) |
//! | [`lifecycle`] | the application state machine and the notices it owes (Arts. 4, 5, 11–18) |
//! | [`award`] | validity, reminders, visits, revocation, debarment (Arts. 5, 16, 17, 18) |
//! | [`review`] | the expert pool's profiles, recusal, the optimised random draw of experts (Arts. 8, 9(2), 19) |
//! | [`money`] | the reward in fen (Arts. 12, 13) |
//! | [`period`] | periods in years (Civil Code Arts. 201–203), leap days |

pub mod award;
pub mod calendar;
pub mod codes;
pub mod cycle;
pub mod eligibility;
pub mod form;
pub mod lifecycle;
pub mod money;
pub mod period;
pub mod review;
pub mod roles;
pub mod rules;
pub mod scoring;
pub mod text;
pub mod time;
pub mod uscc;

pub use time::china_date;
