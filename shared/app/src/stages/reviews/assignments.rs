//! Review panels (Arts. 8, 11(5)–(6), 19): drawing experts for every application of a phase
//! (`award_domain::review::auto_assign`, a min-cost flow over the conflict-free pairs with a
//! recorded seed), the Office's changes by hand under the same rules, and the expert's own
//! declaration — a conflict (withdrawn, the Office told, a replacement drawn) or none and the
//! confidentiality pledge (the evidence opens to it).
//!
//! A conflicted pair is never assigned whatever the path: every path computes the grounds with
//! `award_domain::review::conflicts` and excludes the experts declared or withdrawn before.
//! Each application's new panel members are written in one transaction that also puts the
//! application at its next version, so two draws for one application cannot both land.

use std::collections::{BTreeMap, BTreeSet};

use award_domain::china_date;
use award_domain::cycle::CycleStatus;
use award_domain::lifecycle::NoticeKind;
use award_domain::review::{self, AssignmentError, Candidate, Need, Party};
use award_ports::TableError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use super::{ReasonInput, expert_notice, reason, require_scoring};
use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{
    Application, Assignment, AssignmentStatus, CycleRecord, Declaration, Expert, ReviewPhase,
};
use crate::notices;
use crate::reads::applications::load_application;
use crate::reads::assignments::{load, of_cycle, of_expert, panel, panel_size};
use crate::reads::{applications, cycles, experts, units as recommenders};
use crate::recipients::{self, About};
use crate::store::{self, Stored, Tx, retry_on_conflict};

/// The recommending unit's USCC of an application, for the recusal rule.
fn recommender_uscc(
    application: &Application,
    units: &[crate::model::Recommender],
) -> Option<String> {
    let unit = application.recommender_id?;
    units
        .iter()
        .find(|candidate| candidate.id == unit)
        .and_then(|candidate| candidate.uscc.clone())
}

/// The automatic recusal grounds between an expert and an application (Art. 19).
fn grounds(
    expert: &Expert,
    application: &Application,
    recommender_uscc: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<review::ConflictGround> {
    review::conflicts(
        &expert.profile,
        &Party {
            uscc: &application.uscc,
            recommender_uscc,
        },
        china_date(now),
    )
}

fn phase_data(phase: ReviewPhase) -> (&'static str, String) {
    ("phase", phase.name_zh().to_owned())
}

/// `POST /cycles/{id}/assignments` (office): `{"phase": "document"|"onsite", "seed": 42}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawInput {
    pub phase: ReviewPhase,
    /// The random draw's seed; a fresh one when absent. Recorded either way.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// What a draw did: the seed (so the Office can show how it was drawn), the load bound, and the
/// experts drawn per application in draw order (the first drawn leads a panel that had no leader).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DrawReport {
    pub phase: ReviewPhase,
    pub seed: u64,
    pub load_bound: u32,
    pub speciality_matches: u32,
    pub panels: BTreeMap<String, Vec<String>>,
}

fn fresh_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // A failing OS generator still leaves a usable (recorded) seed: the draw stays reproducible.
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// Draws the experts every application of the cycle still needs in `phase` (Art. 11(5): the
/// eligible applications; Art. 11(6): the shortlisted ones). Errors: `CycleNotFound`,
/// `CycleStatusConflict` (the cycle is not in review), `NoExperts`, `AssignmentInfeasible` (which
/// applications lack how many eligible experts), `ConcurrentUpdate`.
pub async fn draw(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: DrawInput,
    now: DateTime<Utc>,
) -> Result<DrawReport, AppError> {
    caller.require(Role::Office)?;
    // The cycle is read with everything else the draw reads (one round trip).
    if !keys::is_valid_cycle_id(cycle_id) {
        return Err(AppError::CycleNotFound);
    }
    draw_for(
        app,
        caller.sub(),
        DrawCycle::Read(cycle_id),
        input.phase,
        None,
        input.seed.unwrap_or_else(fresh_seed),
        now,
    )
    .await
}

/// The cycle a draw is for: read with the draw's other reads, or already read by the caller.
enum DrawCycle<'a> {
    Read(&'a str),
    Loaded(&'a CycleRecord),
}

/// The draw itself; `only` limits it to one application (a replacement after a declared conflict).
/// Round trips: what it reads, at once (the cycle unless given, the applications to score, the
/// pool, the units, both phases' assignments); each application's transaction, all at once;
/// the cycle's audit record.
async fn draw_for(
    app: &App,
    actor: &str,
    cycle: DrawCycle<'_>,
    phase: ReviewPhase,
    only: Option<Ulid>,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<DrawReport, AppError> {
    let cycle_id = match &cycle {
        DrawCycle::Read(id) => *id,
        DrawCycle::Loaded(record) => record.cycle.id.as_str(),
    };
    let (read_cycle, applications, pool, units, document_panels, onsite_panels) = tokio::try_join!(
        async {
            match cycle {
                DrawCycle::Read(id) => cycles::load_cycle(app, id)
                    .await
                    .map(|stored| Some(stored.record)),
                DrawCycle::Loaded(_) => Ok(None),
            }
        },
        applications::in_cycle_stored(app, cycle_id, Some(phase.scoring_state())),
        experts::all(app),
        recommenders::all(app),
        of_cycle(app, cycle_id, ReviewPhase::Document),
        of_cycle(app, cycle_id, ReviewPhase::Onsite)
    )?;
    let cycle = match (&read_cycle, cycle) {
        (Some(record), _) => record,
        (None, DrawCycle::Loaded(record)) => record,
        (None, DrawCycle::Read(_)) => return Err(AppError::corrupt("a cycle read as none")),
    };
    if cycle.cycle.status != CycleStatus::Reviewing {
        return Err(AppError::CycleStatusConflict {
            action: "draw experts for".into(),
            status: cycle.cycle.status.as_str().into(),
        });
    }
    let size = panel_size(&cycle.cycle.rules, phase);
    let applications: Vec<Stored<Application>> = applications
        .into_iter()
        .filter(|stored| only.is_none_or(|id| stored.record.id == id))
        .collect();
    let existing = match phase {
        ReviewPhase::Document => document_panels.clone(),
        ReviewPhase::Onsite => onsite_panels.clone(),
    };
    // Art. 19: a conflict an expert declared in one phase bars it from the applicant in every
    // phase.
    let declared: Vec<(Ulid, Ulid)> = document_panels
        .into_iter()
        .chain(onsite_panels)
        .filter(|assignment| assignment.declaration.as_ref().is_some_and(|d| d.conflict))
        .map(|assignment| (assignment.application_id, assignment.expert_id))
        .collect();
    let mut needs = Vec::new();
    for stored in &applications {
        let application = &stored.record;
        let panel: Vec<&Assignment> = existing
            .iter()
            .filter(|assignment| assignment.application_id == application.id)
            .collect();
        let counted = panel
            .iter()
            .filter(|assignment| assignment.counts())
            .count() as u32;
        let needed = size.saturating_sub(counted);
        if needed == 0 {
            continue;
        }
        let unit_uscc = recommender_uscc(application, &units);
        let mut excluded: BTreeSet<String> = panel
            .iter()
            .map(|assignment| assignment.expert_id.to_string())
            .collect();
        excluded.extend(
            pool.iter()
                .filter(|expert| {
                    !grounds(expert, application, unit_uscc.as_deref(), now).is_empty()
                })
                .map(|expert| expert.id.to_string()),
        );
        excluded.extend(
            declared
                .iter()
                .filter(|(application_id, _)| *application_id == application.id)
                .map(|(_, expert)| expert.to_string()),
        );
        needs.push(Need {
            application: application.id.to_string(),
            section: application
                .form
                .organisation
                .industry_code
                .chars()
                .next()
                .filter(char::is_ascii_uppercase),
            needed,
            excluded,
        });
    }
    if needs.is_empty() {
        return Err(AppError::NothingToDraw {
            phase: phase.as_str().into(),
        });
    }
    let candidates: Vec<Candidate> = pool
        .iter()
        .filter(|expert| expert.is_active())
        .map(|expert| Candidate {
            expert: expert.id.to_string(),
            specialities: expert.profile.specialities.clone(),
            load: existing
                .iter()
                .filter(|assignment| assignment.expert_id == expert.id && assignment.counts())
                .count() as u32,
        })
        .collect();
    let plan = review::auto_assign(&needs, &candidates, seed).map_err(|error| match error {
        AssignmentError::NoCandidates => AppError::NoExperts,
        AssignmentError::Infeasible { lacking } => AppError::AssignmentInfeasible { lacking },
        // Ids come from the table's keys, one item each: a repeat is a broken store.
        AssignmentError::DuplicateId { id } => {
            AppError::corrupt(format!("the draw was given {id} twice"))
        }
    })?;
    let mut transactions = Vec::new();
    for stored in &applications {
        let Some(drawn) = plan.panels.get(&stored.record.id.to_string()) else {
            continue;
        };
        let has_leader = existing.iter().any(|assignment| {
            assignment.application_id == stored.record.id
                && assignment.counts()
                && assignment.leader
        });
        let mut tx = Tx::new();
        let mut application = stored.record.clone();
        application.updated_at = now;
        // The application's next version: a concurrent draw for it loses here.
        tx.guard(store::replace(&application, stored.version)?, || {
            AppError::ConcurrentUpdate
        });
        for (position, expert_id) in drawn.iter().enumerate() {
            let expert = pool
                .iter()
                .find(|expert| expert.id.to_string() == *expert_id)
                .ok_or_else(|| AppError::corrupt("the draw named an expert not in the pool"))?;
            let assignment = new_assignment(
                &application,
                phase,
                expert,
                !has_leader && position == 0,
                "draw",
                Some(seed),
                now,
            );
            tx.guard(store::create(&assignment)?, || AppError::ConcurrentUpdate);
            tx.push(expert_notice(
                NoticeKind::ExpertAssigned,
                expert,
                &application,
                &cycle.cycle,
                &[phase_data(phase)],
                now,
            )?);
        }
        tx.push(audit(
            keys::application_partition(application.id),
            actor,
            "experts_drawn",
            &[
                ("phase", phase.as_str().to_owned()),
                ("seed", seed.to_string()),
                ("experts", drawn.join(",")),
            ],
            now,
        )?);
        transactions.push(tx.commit(app.table.as_ref()));
    }
    // Each application's panel is its own transaction: written together.
    crate::store::each_at_once(transactions).await?;
    let mut cycle_audit = Tx::new();
    cycle_audit.push(audit(
        keys::cycle_partition(cycle_id),
        actor,
        "experts_drawn",
        &[
            ("phase", phase.as_str().to_owned()),
            ("seed", seed.to_string()),
            ("load_bound", plan.load_bound.to_string()),
            ("applications", plan.panels.len().to_string()),
        ],
        now,
    )?);
    cycle_audit.commit(app.table.as_ref()).await?;
    Ok(DrawReport {
        phase,
        seed,
        load_bound: plan.load_bound,
        speciality_matches: plan.speciality_matches,
        panels: plan.panels,
    })
}

fn new_assignment(
    application: &Application,
    phase: ReviewPhase,
    expert: &Expert,
    leader: bool,
    assigned_by: &str,
    seed: Option<u64>,
    now: DateTime<Utc>,
) -> Assignment {
    Assignment {
        application_id: application.id,
        cycle_id: application.cycle_id.clone(),
        phase,
        expert_id: expert.id,
        expert_account: expert.account.clone(),
        organisation_name: application.organisation_name().to_owned(),
        leader,
        status: AssignmentStatus::Assigned,
        assigned_by: assigned_by.to_owned(),
        seed,
        assigned_at: now,
        declaration: None,
        items: BTreeMap::new(),
        comments: BTreeMap::new(),
        submitted_at: None,
        excluded: false,
        withdrawn_reason: None,
        reopenings: Vec::new(),
        updated_at: now,
    }
}

/// `POST /applications/{id}/assignments` (office): one expert put on a panel by hand.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualAssignment {
    pub phase: ReviewPhase,
    #[schemars(with = "String")]
    pub expert_id: Ulid,
    /// Makes the expert the panel's leader (the previous leader stays a member).
    #[serde(default)]
    pub leader: bool,
}

/// The Office puts an expert on a panel under the same rules as the draw. Errors:
/// `ApplicationNotFound`, `ExpertNotFound`, `ReviewNotOpen`, `ExpertInactive`,
/// `ExpertConflicted` (with the grounds), `AlreadyOnPanel`, `ConcurrentUpdate`.
pub async fn assign(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: ManualAssignment,
    now: DateTime<Utc>,
) -> Result<Assignment, AppError> {
    caller.require(Role::Office)?;
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        let application = &loaded.record;
        require_scoring(application, input.phase)?;
        let expert = experts::load(app, input.expert_id).await?.record;
        if !expert.is_active() {
            return Err(AppError::ExpertInactive);
        }
        let units = recommenders::all(app).await?;
        let found = grounds(
            &expert,
            application,
            recommender_uscc(application, &units).as_deref(),
            now,
        );
        if !found.is_empty() {
            return Err(AppError::ExpertConflicted { grounds: found });
        }
        for other in ReviewPhase::ALL {
            let declared = panel(app, application_id, other)
                .await?
                .into_iter()
                .find(|stored| {
                    stored.record.expert_id == expert.id
                        && stored
                            .record
                            .declaration
                            .as_ref()
                            .is_some_and(|d| d.conflict)
                });
            if let Some(stored) = declared {
                return Err(AppError::ExpertConflicted {
                    grounds: vec![review::ConflictGround::Recorded {
                        reason: format!(
                            "declared by the expert: {}",
                            stored
                                .record
                                .declaration
                                .and_then(|d| d.reason)
                                .unwrap_or_default()
                        ),
                    }],
                });
            }
        }
        let current = panel(app, application_id, input.phase).await?;
        if current
            .iter()
            .any(|stored| stored.record.expert_id == expert.id)
        {
            return Err(AppError::AlreadyOnPanel);
        }
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
        let has_leader = current
            .iter()
            .any(|stored| stored.record.counts() && stored.record.leader);
        let assignment = new_assignment(
            application,
            input.phase,
            &expert,
            input.leader || !has_leader,
            "office",
            None,
            now,
        );
        let mut tx = Tx::new();
        let mut touched = application.clone();
        touched.updated_at = now;
        tx.guard(store::replace(&touched, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        if input.leader {
            for stored in current.iter().filter(|stored| stored.record.leader) {
                let mut former = stored.record.clone();
                former.leader = false;
                former.updated_at = now;
                tx.guard(store::replace(&former, stored.version)?, || {
                    AppError::from(TableError::Conflict)
                });
            }
        }
        tx.guard(store::create(&assignment)?, || AppError::AlreadyOnPanel);
        tx.push(expert_notice(
            NoticeKind::ExpertAssigned,
            &expert,
            application,
            &cycle.cycle,
            &[phase_data(input.phase)],
            now,
        )?);
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "expert_assigned",
            &[
                ("phase", input.phase.as_str().to_owned()),
                ("expert_id", expert.id.to_string()),
                ("leader", assignment.leader.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(assignment)
    })
    .await
}

/// `POST /applications/{id}/assignments/{phase}/{expert}/leader` (office): makes a member of the
/// panel its leader (the one who records a consensus), e.g. after the leader was withdrawn or
/// disqualified. Errors: `AssignmentNotFound`, `AssignmentWithdrawn` (not a counted member),
/// `ReviewNotOpen`.
pub async fn make_leader(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    expert_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Assignment, AppError> {
    caller.require(Role::Office)?;
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        require_scoring(&loaded.record, phase)?;
        let current = panel(app, application_id, phase).await?;
        let target = current
            .iter()
            .find(|stored| stored.record.expert_id == expert_id)
            .ok_or(AppError::AssignmentNotFound)?;
        if !target.record.counts() {
            return Err(AppError::AssignmentWithdrawn);
        }
        let mut tx = Tx::new();
        let mut touched = loaded.record.clone();
        touched.updated_at = now;
        tx.guard(store::replace(&touched, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        let mut leader = target.record.clone();
        for stored in &current {
            let should_lead = stored.record.expert_id == expert_id;
            if stored.record.leader == should_lead {
                continue;
            }
            let mut member = stored.record.clone();
            member.leader = should_lead;
            member.updated_at = now;
            tx.guard(store::replace(&member, stored.version)?, || {
                AppError::from(TableError::Conflict)
            });
            if should_lead {
                leader = member;
            }
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "panel_leader_set",
            &[
                ("phase", phase.as_str().to_owned()),
                ("expert_id", expert_id.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(leader)
    })
    .await
}

/// The Office takes an expert off a panel (its sheet stops counting; the expert is told).
/// Errors: `AssignmentNotFound`, `AssignmentWithdrawn`, `ReviewNotOpen`, `ReasonRequired`.
/// Returns the withdrawn assignment; the caller re-aggregates.
pub async fn withdraw(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    expert_id: Ulid,
    input: ReasonInput,
    now: DateTime<Utc>,
) -> Result<Assignment, AppError> {
    caller.require(Role::Office)?;
    let reason = reason(&input.reason, "withdraw an expert")?;
    let withdrawn = retry_on_conflict(|| {
        let reason = reason.clone();
        async move {
            let application = load_application(app, application_id).await?.record;
            require_scoring(&application, phase)?;
            let stored = load(app, application_id, phase, expert_id).await?;
            if stored.record.status == AssignmentStatus::Withdrawn {
                return Err(AppError::AssignmentWithdrawn);
            }
            let expert = experts::load(app, expert_id).await?.record;
            let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
            let mut tx = Tx::new();
            let assignment = withdrawn_assignment(stored.record.clone(), &reason, now);
            tx.guard(store::replace(&assignment, stored.version)?, || {
                AppError::from(TableError::Conflict)
            });
            tx.push(expert_notice(
                NoticeKind::AssignmentWithdrawn,
                &expert,
                &application,
                &cycle.cycle,
                &[phase_data(phase), ("reason", reason.clone())],
                now,
            )?);
            tx.push(audit(
                keys::application_partition(application_id),
                caller.sub(),
                "expert_withdrawn",
                &[
                    ("phase", phase.as_str().to_owned()),
                    ("expert_id", expert_id.to_string()),
                    ("reason", reason.clone()),
                ],
                now,
            )?);
            tx.commit(app.table.as_ref()).await?;
            Ok(assignment)
        }
    })
    .await?;
    super::aggregate(app, application_id, phase, caller.sub(), now).await?;
    Ok(withdrawn)
}

fn withdrawn_assignment(
    mut assignment: Assignment,
    reason: &str,
    now: DateTime<Utc>,
) -> Assignment {
    assignment.status = AssignmentStatus::Withdrawn;
    assignment.withdrawn_reason = Some(reason.to_owned());
    assignment.leader = false;
    assignment.updated_at = now;
    assignment
}

/// Art. 19 for a disqualified expert: its assignments not yet submitted are withdrawn (and it is
/// told), its submitted sheets are excluded. Returns the panels touched, to be aggregated again.
pub(crate) async fn disqualify(
    app: &App,
    actor: &str,
    expert: &Expert,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(Ulid, ReviewPhase)>, AppError> {
    let mut touched = Vec::new();
    for stored in of_expert(app, expert.id).await? {
        let assignment = stored.record.clone();
        if assignment.status == AssignmentStatus::Withdrawn || assignment.excluded {
            continue;
        }
        let application = load_application(app, assignment.application_id)
            .await?
            .record;
        let cycle = cycles::load_cycle(app, &assignment.cycle_id).await?.record;
        let mut tx = Tx::new();
        let (changed, action) = if assignment.status == AssignmentStatus::Submitted {
            let mut excluded = assignment.clone();
            excluded.excluded = true;
            excluded.leader = false;
            excluded.updated_at = now;
            (excluded, "scores_excluded")
        } else {
            tx.push(expert_notice(
                NoticeKind::AssignmentWithdrawn,
                expert,
                &application,
                &cycle.cycle,
                &[phase_data(assignment.phase), ("reason", reason.to_owned())],
                now,
            )?);
            (
                withdrawn_assignment(assignment.clone(), reason, now),
                "expert_withdrawn",
            )
        };
        tx.guard(store::replace(&changed, stored.version)?, || {
            AppError::ConcurrentUpdate
        });
        tx.push(audit(
            keys::application_partition(assignment.application_id),
            actor,
            action,
            &[
                ("phase", assignment.phase.as_str().to_owned()),
                ("expert_id", expert.id.to_string()),
                ("reason", format!("disqualified: {reason}")),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        touched.push((assignment.application_id, assignment.phase));
    }
    Ok(touched)
}

/// `POST /reviews/{application}/{phase}/declaration` (the assigned expert), before any evidence:
/// `{"conflict": true, "reason": "…"}` or `{"conflict": false, "pledge": true}` (Art. 19).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationInput {
    pub conflict: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub pledge: bool,
}

/// What a declaration did; after a declared conflict, the replacement drawn (or why none could be).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeclarationOutcome {
    pub assignment: Assignment,
    pub replacement: Option<DrawReport>,
    /// The error code when no replacement could be drawn (the Office is told and assigns by hand).
    pub replacement_error: Option<String>,
}

/// Records the expert's declaration. A conflict withdraws the assignment, tells the Office and
/// draws a replacement under the same rules; none with the pledge accepts the assignment.
/// Errors: `ExpertNotFound`, `AssignmentNotFound`, `AlreadyDeclared`, `AssignmentWithdrawn`,
/// `ReasonRequired`, `PledgeRequired`, `ReviewNotOpen`.
pub async fn declare(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    input: DeclarationInput,
    now: DateTime<Utc>,
) -> Result<DeclarationOutcome, AppError> {
    let declared_reason = match (input.conflict, input.reason.as_deref()) {
        (true, Some(text)) => Some(reason(text, "declare a conflict")?),
        (true, None) => {
            return Err(AppError::ReasonRequired {
                command: "declare a conflict".into(),
            });
        }
        (false, _) if !input.pledge => return Err(AppError::PledgeRequired),
        (false, _) => None,
    };
    let declared_reason = &declared_reason;
    let (assignment, cycle) = retry_on_conflict(|| async move {
        let (expert, stored, application) =
            super::sheets::expert_command_reads(app, caller, application_id, phase).await?;
        let expert = &expert;
        match stored.record.status {
            AssignmentStatus::Withdrawn => return Err(AppError::AssignmentWithdrawn),
            AssignmentStatus::Assigned => {}
            AssignmentStatus::Accepted | AssignmentStatus::Submitted => {
                return Err(AppError::AlreadyDeclared);
            }
        }
        let (application, cycle) = application?;
        let application = application.record;
        require_scoring(&application, phase)?;
        let mut assignment = stored.record.clone();
        assignment.declaration = Some(Declaration {
            conflict: input.conflict,
            reason: declared_reason.clone(),
            pledge: !input.conflict && input.pledge,
            at: now,
        });
        let mut tx = Tx::new();
        if input.conflict {
            assignment = withdrawn_assignment(
                assignment,
                &format!(
                    "conflict declared: {}",
                    declared_reason.as_deref().unwrap_or_default()
                ),
                now,
            );
            let about = About {
                application: &application,
                cycle: &cycle.record.cycle,
                recommender: None,
            };
            let extra = BTreeMap::from([
                ("phase".to_owned(), phase.name_zh().to_owned()),
                ("expert_name".to_owned(), expert.profile.name.clone()),
                (
                    "reason".to_owned(),
                    declared_reason.clone().unwrap_or_default(),
                ),
            ]);
            tx.push(notices::owe(
                NoticeKind::ConflictDeclared,
                &recipients::office(app),
                about.data(&extra),
                Some(application_id),
                now,
            )?);
        } else {
            assignment.status = AssignmentStatus::Accepted;
            assignment.updated_at = now;
        }
        tx.guard(store::replace(&assignment, stored.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            if input.conflict {
                "conflict_declared"
            } else {
                "pledge_accepted"
            },
            &[
                ("phase", phase.as_str().to_owned()),
                ("expert_id", expert.id.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok((assignment, cycle.record))
    })
    .await?;
    let (mut replacement, mut replacement_error) = (None, None);
    if input.conflict {
        match draw_for(
            app,
            caller.sub(),
            DrawCycle::Loaded(&cycle),
            phase,
            Some(application_id),
            fresh_seed(),
            now,
        )
        .await
        {
            Ok(report) => replacement = Some(report),
            Err(error) if error.status() < 500 => {
                tracing::warn!(%application_id, %error, "no replacement drawn after a declared conflict");
                replacement_error = Some(error.code().to_owned());
            }
            Err(error) => return Err(error),
        }
    }
    Ok(DeclarationOutcome {
        assignment,
        replacement,
        replacement_error,
    })
}

/// One assignment as its expert lists it: before the declaration, only the organisation's name.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MyAssignment {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub cycle_id: String,
    pub phase: ReviewPhase,
    pub organisation_name: String,
    pub leader: bool,
    pub status: AssignmentStatus,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// `GET /reviews` (expert): its own assignments, withdrawn ones included (so it sees why).
pub async fn mine(app: &App, caller: &Caller) -> Result<Vec<MyAssignment>, AppError> {
    let expert = experts::of_caller(app, caller).await?.record;
    Ok(of_expert(app, expert.id)
        .await?
        .into_iter()
        .map(|stored| {
            let assignment = stored.record;
            MyAssignment {
                application_id: assignment.application_id,
                cycle_id: assignment.cycle_id,
                phase: assignment.phase,
                organisation_name: assignment.organisation_name,
                leader: assignment.leader,
                status: assignment.status,
                submitted_at: assignment.submitted_at,
            }
        })
        .collect())
}

/// One expert's progress in a cycle's phase, for the Office.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExpertProgress {
    #[schemars(with = "String")]
    pub expert_id: Ulid,
    pub name: String,
    pub assigned: u32,
    pub accepted: u32,
    pub submitted: u32,
    pub withdrawn: u32,
    #[schemars(with = "Vec<String>")]
    pub applications: Vec<Ulid>,
}

/// `GET /cycles/{id}/assignments?phase=` (office): per expert its assignments and progress.
pub async fn progress(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    phase: ReviewPhase,
) -> Result<Vec<ExpertProgress>, AppError> {
    caller.require(Role::Office)?;
    cycles::load_cycle(app, cycle_id).await?;
    let pool = experts::all(app).await?;
    let assignments = of_cycle(app, cycle_id, phase).await?;
    Ok(pool
        .into_iter()
        .map(|expert| {
            let own: Vec<&Assignment> = assignments
                .iter()
                .filter(|assignment| assignment.expert_id == expert.id)
                .collect();
            let count = |status: AssignmentStatus| {
                own.iter()
                    .filter(|assignment| assignment.status == status)
                    .count() as u32
            };
            ExpertProgress {
                expert_id: expert.id,
                name: expert.profile.name.clone(),
                assigned: count(AssignmentStatus::Assigned),
                accepted: count(AssignmentStatus::Accepted),
                submitted: count(AssignmentStatus::Submitted),
                withdrawn: count(AssignmentStatus::Withdrawn),
                applications: own
                    .iter()
                    .filter(|assignment| assignment.counts())
                    .map(|assignment| assignment.application_id)
                    .collect(),
            }
        })
        .filter(|progress| {
            progress.assigned + progress.accepted + progress.submitted + progress.withdrawn > 0
        })
        .collect())
}
