//! From candidates to winners in public view (Arts. 3, 4, 7(3), 11(8)–(9), 12–14): the
//! Committee's deliberation (→ `proposed`), the vice-mayors' consultation, the publicity on the
//! official working-day calendar with the public's objections, the executive meeting and the
//! approval under the quota, the award (certificate number, register entry, announcement) and the
//! reward's payment and the plaque's handover.
//!
//! Every change of an application goes through the stage path (`stage::advance_with`), which also
//! keeps the Art. 4 count: concurrent approvals never exceed the quota. The cycle's records
//! (deliberation, consultation, publicity period, executive meeting) live on the cycle item.

mod award;
mod daily;
mod deliberation;
mod objections;
mod publicity;
mod routes;

pub use award::*;
pub use daily::*;
pub use deliberation::*;
pub use objections::*;
pub use publicity::*;
pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::calendar::WorkingCalendar;
use award_domain::china_date;
use award_domain::lifecycle::{ApplicationState, AwardRecord, Command, NoticeKind, Recipient};
use award_domain::rules::MIN_PUBLICITY_WORKING_DAYS;
use award_domain::time::{china_end_of_day_exclusive, china_start_of_day};
use award_ports::{Condition, Index, Query, SortCondition, TableError, Write};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::RequestMeta;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::AttachmentOwner;
use crate::model::{
    Application, CandidateDecision, Consultation, CycleAnnouncement, CyclePublicity, CycleRecord,
    Deliberation, ExecutiveMeeting, Objection, ObjectionStatus, RateCounter, RegisterEntry,
    RegisterFact, RewardRecord, SYSTEM_ACTOR, new_id,
};
use crate::notices;
use crate::pages;
use crate::projection::PublicRow;
use crate::reads::applications::load_application;
use crate::reads::attachments::{self, AttachmentDeclaration, DeclaredAttachment};
use crate::reads::{applications, cycles, settings};
use crate::recipients::{self, About, Addressee};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// At most this many objections a day from one contact (an abuse bound, Art. 3).
pub const OBJECTIONS_PER_CONTACT_PER_DAY: u32 = 3;
/// At most this many objections a day from one source address. High on purpose: behind one
/// carrier-grade NAT address a mobile network puts a whole town, and a publicity that concerns a
/// town's employer may draw many honest objections in a day; the per-contact bound above is what
/// stops one person repeating. The Office is told when an address reaches it
/// (`objection_limit_reached`), so a refusal never goes unnoticed.
pub const OBJECTIONS_PER_ADDRESS_PER_DAY: u32 = 200;
/// The longest objection, in characters.
pub const MAX_OBJECTION_CHARS: usize = 2000;
/// How many days back the daily publicity run looks for periods that ended (a missed run within
/// this window is caught up).
pub const PUBLICITY_CATCH_UP_DAYS: u64 = 14;

fn today(now: DateTime<Utc>) -> NaiveDate {
    china_date(now)
}

/// The cycle and the names of its public list (`projection::PublicRow`, Art. 11(8)–(9)) in ONE
/// `Query` of the cycle's partition (`begins_with "CYCLE"`), however many applications the cycle
/// has. Errors: `CycleNotFound`.
async fn cycle_and_public_rows(
    app: &App,
    cycle_id: &str,
) -> Result<(CycleRecord, Vec<PublicRow>), AppError> {
    if !keys::is_valid_cycle_id(cycle_id) {
        return Err(AppError::CycleNotFound);
    }
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::cycle_partition(cycle_id))
            .sort(SortCondition::BeginsWith(keys::CYCLE_SORT.to_owned())),
    )
    .await?;
    let mut cycle = None;
    let mut rows = Vec::new();
    for item in items {
        match store::type_of(&item) {
            Some(keys::item_type::CYCLE) => cycle = Some(from_item::<CycleRecord>(item)?.record),
            Some(keys::item_type::PUBLIC_ROW) => rows.push(from_item::<PublicRow>(item)?.record),
            _ => {}
        }
    }
    Ok((cycle.ok_or(AppError::CycleNotFound)?, rows))
}

/// The order of the winners on every list (the announcement, the public page): by the `<n>` of
/// the certificate number 武质奖〔…〕第<n>号 (so that 第10号 follows 第9号), then the number.
fn certificate_order(award: &AwardRecord) -> (usize, String) {
    let sequence = award
        .certificate_number
        .rsplit_once('第')
        .and_then(|(_, rest)| rest.strip_suffix('号'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    (sequence, award.certificate_number.clone())
}

/// `row` as a published list names it, with `more` after its place.
fn listed(row: &PublicRow, more: String) -> recipients::ListedName<'_> {
    recipients::ListedName {
        organisation_name: &row.organisation_name,
        uscc: &row.uscc,
        division_code: &row.division_code,
        more,
    }
}

async fn save_cycle(
    app: &App,
    loaded: &Stored<CycleRecord>,
    record: &CycleRecord,
    actor: &str,
    action: &str,
    detail: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    save_cycle_with(app, loaded, record, actor, action, detail, Vec::new(), now).await
}

/// [`save_cycle`] with `extra` guarded writes in the same transaction (a lost guard is a
/// `Conflict`).
#[allow(clippy::too_many_arguments)]
async fn save_cycle_with(
    app: &App,
    loaded: &Stored<CycleRecord>,
    record: &CycleRecord,
    actor: &str,
    action: &str,
    detail: &[(&str, String)],
    extra: Vec<Write>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = Tx::new();
    tx.guard(store::replace(record, loaded.version)?, || {
        AppError::from(TableError::Conflict)
    });
    for write in extra {
        tx.guard(write, || AppError::from(TableError::Conflict));
    }
    tx.push(audit(
        keys::cycle_partition(&record.cycle.id),
        actor,
        action,
        detail,
        now,
    )?);
    tx.commit(app.table.as_ref()).await
}

/// What a list decision's reads hold of each of its names: the application as the cycle's list
/// read it, the cycle, its unit among `units`.
fn list_reads(
    applications: Vec<Stored<Application>>,
    cycle: &CycleRecord,
    units: &[crate::model::Recommender],
) -> BTreeMap<Ulid, stage::Loaded> {
    applications
        .into_iter()
        .filter_map(|stored| {
            let id = stored.record.id;
            stage::Loaded::from_list(stored, cycle, units).map(|loaded| (id, loaded))
        })
        .collect()
}

/// One name of a list decision.
struct StageRequest {
    application_id: Ulid,
    command: Command,
    notice_data: BTreeMap<String, String>,
    /// What the list's reads hold of it, decided on first.
    loaded: Option<stage::Loaded>,
}

async fn advance_one(
    app: &App,
    caller: &Caller,
    request: StageRequest,
    from: ApplicationState,
    settings: Settings<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let StageRequest {
        application_id,
        command,
        notice_data,
        loaded,
    } = request;
    let request = StageCommand {
        application_id,
        command,
        actor: &caller.actor,
        now,
        notice_data,
        settings,
    };
    stage::advance_loaded_if_in(app, &request, loaded, from).await
}

/// Moves every name of a list decision still in `from` by its command, all at once, each in its
/// own transaction (`store::each_at_once`); `loaded` holds what the list's reads hold of a name.
/// A repeated call finishes what an interrupted one left; the others are left as they are.
async fn advance_all(
    app: &App,
    caller: &Caller,
    commands: Vec<(Ulid, Command, BTreeMap<String, String>)>,
    mut loaded: BTreeMap<Ulid, stage::Loaded>,
    from: ApplicationState,
    settings: Settings<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Collected first: a lazy iterator held across the awaits is not provably `Send`.
    let runs: Vec<_> = commands
        .into_iter()
        .map(|(application_id, command, notice_data)| {
            let request = StageRequest {
                application_id,
                command,
                notice_data,
                loaded: loaded.remove(&application_id),
            };
            advance_one(app, caller, request, from, settings, now)
        })
        .collect();
    crate::store::each_at_once(runs).await?;
    Ok(())
}
