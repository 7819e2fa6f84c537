//! After the award (Arts. 5, 16, 17, 18): the daily run over the dated items the stages wrote
//! (expiry reminders, follow-up visits due, expiry, the end of a debarment), the Office's
//! aftercare policy, the follow-up visits, the revocation cases with their reclaim, and the
//! public register.
//!
//! The daily run (`reminders` Lambda) reads only what is due: the GSI2 partitions `DUE#<day>` of
//! every China day from the day after its watermark up to today, so an outage is caught up and
//! its reads grow with the items due, not with the table. Each item is handled in one
//! transaction with what it owes (notices, the `Expire` stage) and deleted in it under an
//! existence guard, so a second run, or two runs at once, send nothing twice.

mod daily;
mod policy;
mod public_register;
mod revocation;
mod routes;
mod visits;

pub use daily::*;
pub use policy::*;
pub use public_register::*;
pub use revocation::*;
pub use routes::ROUTES;
pub use visits::*;

use std::collections::BTreeMap;

use award_domain::award::{AftercarePolicy, Art18Cause, Debarment, RevocationGround};
use award_domain::china_date;
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind, Recipient, ScheduleKind};
use award_domain::money::Fen;
use award_domain::roles::Actor;
use award_ports::{Condition, Index, Query, SortCondition, TableError, Write};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{
    AftercarePolicyRecord, AftercareWatermark, Application, AttachmentOwner, CaseDecision,
    CaseStatus, DocumentStatus, DueItem, FollowUpVisit, GovernmentApproval, RegisterEntry,
    RegisterFact, RevocationCase, RewardReturned, SYSTEM_ACTOR, new_id,
};
use crate::notices;
use crate::reads::applications::load_application;
use crate::reads::attachments::{self, AttachmentDeclaration, DeclaredAttachment};
use crate::reads::settings::aftercare_policy as policy;
use crate::reads::{cycles, register};
use crate::recipients::About;
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// A first run (no watermark yet) looks back this many days.
pub const FIRST_RUN_LOOKBACK_DAYS: u64 = 31;
