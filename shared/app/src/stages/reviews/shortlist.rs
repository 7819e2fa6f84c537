//! Shortlist (Art. 11(5)) and combined evaluation (Art. 11(7)).

use super::*;

fn total_of(application: &Application, phase: ReviewPhase) -> Option<Centi> {
    application
        .reviews
        .get(&phase)
        .and_then(|review| review.result.as_ref())
        .map(|result| result.total)
}

/// The applications of a cycle with a final result of `phase`, except those withdrawn.
async fn with_result(
    app: &App,
    cycle_id: &str,
    phase: ReviewPhase,
) -> Result<Vec<Application>, AppError> {
    Ok(applications::in_cycle(app, cycle_id, None)
        .await?
        .into_iter()
        .filter(|application| {
            application.state() != ApplicationState::Withdrawn
                && application
                    .reviews
                    .get(&phase)
                    .and_then(|review| review.result.as_ref())
                    .is_some_and(|result| result.is_final())
        })
        .collect())
}

/// The shortlist the cycle's rules give, for the Office to confirm.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ShortlistProposal {
    pub cycle_id: String,
    /// Best first, with the document-review totals.
    pub shortlisted: Vec<RankedTotal>,
    pub not_shortlisted: Vec<RankedTotal>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RankedTotal {
    pub application_id: String,
    pub organisation_name: String,
    pub total: Centi,
}

/// `GET /cycles/{id}/shortlist` (office). Errors: `ReviewIncomplete` (applications still
/// `eligible`, i.e. without a final document-review result).
pub async fn shortlist_proposal(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<ShortlistProposal, AppError> {
    caller.require(Role::Office)?;
    let cycle = cycles::load_cycle(app, cycle_id).await?.record;
    let pending = applications::in_cycle(app, cycle_id, Some(ApplicationState::Eligible)).await?;
    if !pending.is_empty() {
        return Err(AppError::ReviewIncomplete {
            pending: pending.iter().map(|a| a.id.to_string()).collect(),
        });
    }
    // Every application with a document-review result, decided or not: the proposal stays the
    // same list after the Office confirmed it.
    let reviewed = with_result(app, cycle_id, ReviewPhase::Document).await?;
    let inputs = reviewed
        .iter()
        .map(|application| {
            Ok(DocumentReviewed {
                application: application.id.to_string(),
                total: total_of(application, ReviewPhase::Document).ok_or_else(|| {
                    AppError::corrupt("a reviewed application without its result")
                })?,
                submitted_at: application
                    .lifecycle
                    .submitted_at
                    .unwrap_or(application.created_at),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let decision = scoring::shortlist(&cycle.cycle.rules, &inputs);
    let entry = |id: &String| -> RankedTotal {
        let application = reviewed.iter().find(|a| a.id.to_string() == *id);
        RankedTotal {
            application_id: id.clone(),
            organisation_name: application
                .map(|a| a.organisation_name().to_owned())
                .unwrap_or_default(),
            total: application
                .and_then(|a| total_of(a, ReviewPhase::Document))
                .unwrap_or_default(),
        }
    };
    Ok(ShortlistProposal {
        cycle_id: cycle_id.to_owned(),
        shortlisted: decision.shortlisted.iter().map(entry).collect(),
        not_shortlisted: decision.not_shortlisted.iter().map(entry).collect(),
    })
}

/// `POST /cycles/{id}/shortlist/confirm` and `POST /cycles/{id}/candidates` (office): the list
/// the Office read; it must still be the one the rules give.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListConfirmation {
    pub applications: Vec<String>,
}

/// What a confirmation moved.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Decided {
    pub selected: Vec<String>,
    pub not_selected: Vec<String>,
}

fn same_list(expected: &[String], given: &[String]) -> Result<(), AppError> {
    let (mut a, mut b) = (expected.to_vec(), given.to_vec());
    a.sort();
    b.sort();
    if a != b {
        return Err(AppError::ListChanged {
            expected: expected.to_vec(),
        });
    }
    Ok(())
}

/// Confirms the shortlist: each reviewed application becomes `shortlisted` or `not_shortlisted`
/// (with its notices) on the stage path. A repeated confirmation moves nothing twice (an
/// application already decided is skipped). Errors: `ReviewIncomplete`, `ListChanged`.
pub async fn confirm_shortlist(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ListConfirmation,
    now: DateTime<Utc>,
) -> Result<Decided, AppError> {
    let proposal = shortlist_proposal(app, caller, cycle_id).await?;
    let selected: Vec<String> = proposal
        .shortlisted
        .iter()
        .map(|entry| entry.application_id.clone())
        .collect();
    same_list(&selected, &input.applications)?;
    let not_selected: Vec<String> = proposal
        .not_shortlisted
        .iter()
        .map(|entry| entry.application_id.clone())
        .collect();
    let actor = caller.actor.clone();
    for (ids, shortlisted) in [(&selected, true), (&not_selected, false)] {
        for id in ids {
            decide(
                app,
                &actor,
                id,
                Command::DecideShortlist { shortlisted },
                ApplicationState::DocumentReviewed,
                now,
            )
            .await?;
        }
    }
    Ok(Decided {
        selected,
        not_selected,
    })
}

/// Runs `command` on the application `id` if it is still `from`; one decided before (a repeated
/// confirmation) is left as it is.
async fn decide(
    app: &App,
    actor: &Actor,
    id: &str,
    command: Command,
    from: ApplicationState,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let application_id =
        keys::parse_id(id).ok_or_else(|| AppError::corrupt("a listed id is not a ULID"))?;
    let request = StageCommand {
        application_id,
        command,
        actor,
        now,
        notice_data: BTreeMap::new(),
        settings: Settings::default(),
    };
    stage::advance_if_in(app, &request, from).await
}

/// One line of the combined ranking (Art. 11(7)).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RankingLine {
    #[serde(flatten)]
    pub ranked: Ranked,
    pub organisation_name: String,
    pub document_review: Centi,
    pub onsite_review: Centi,
    pub satisfaction: Centi,
    pub candidate: bool,
}

/// The combined evaluation of a cycle: every on-site-reviewed application ranked, and the
/// candidate list (≤ the quota, only those meeting the bar).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Ranking {
    pub cycle_id: String,
    pub quota: u32,
    pub lines: Vec<RankingLine>,
    pub candidates: Vec<String>,
}

/// `GET /cycles/{id}/ranking` (office, committee). Errors: `ReviewIncomplete` (shortlisted applications
/// without a final on-site result).
pub async fn ranking(app: &App, caller: &Caller, cycle_id: &str) -> Result<Ranking, AppError> {
    // The Committee deliberates on the candidate list with its scores (Arts. 7(3), 11(8)).
    if !(caller.has(Role::Office) || caller.has(Role::Committee)) {
        return Err(AppError::Forbidden);
    }
    let cycle = cycles::load_cycle(app, cycle_id).await?.record.cycle;
    let pending =
        applications::in_cycle(app, cycle_id, Some(ApplicationState::Shortlisted)).await?;
    if !pending.is_empty() {
        return Err(AppError::ReviewIncomplete {
            pending: pending.iter().map(|a| a.id.to_string()).collect(),
        });
    }
    let reviewed = with_result(app, cycle_id, ReviewPhase::Onsite).await?;
    let rules = &cycle.rules;
    let inputs = reviewed
        .iter()
        .map(|application| {
            let onsite = application
                .reviews
                .get(&ReviewPhase::Onsite)
                .and_then(|review| review.result.as_ref())
                .ok_or_else(|| {
                    AppError::corrupt("an on-site-reviewed application without its result")
                })?;
            Ok(EvaluationInput {
                application: application.id.to_string(),
                document_review: total_of(application, ReviewPhase::Document).unwrap_or_default(),
                onsite_review: onsite.total,
                onsite_results: onsite.category_total(rules, RESULTS_CATEGORY),
                satisfaction: application
                    .reviews
                    .get(&ReviewPhase::Onsite)
                    .and_then(|review| review.survey.as_ref())
                    .map(|survey| survey.score)
                    .unwrap_or_default(),
                submitted_at: application
                    .lifecycle
                    .submitted_at
                    .unwrap_or(application.created_at),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let invalid = AppError::from;
    let ranked = scoring::rank(rules, &inputs).map_err(invalid)?;
    let candidates: Vec<String> = scoring::candidate_list(rules, cycle.quota, &inputs)
        .map_err(invalid)?
        .into_iter()
        .map(|entry| entry.application)
        .collect();
    let lines = ranked
        .into_iter()
        .map(|entry| {
            let input = inputs
                .iter()
                .find(|input| input.application == entry.application);
            let application = reviewed
                .iter()
                .find(|a| a.id.to_string() == entry.application);
            RankingLine {
                organisation_name: application
                    .map(|a| a.organisation_name().to_owned())
                    .unwrap_or_default(),
                document_review: input.map(|i| i.document_review).unwrap_or_default(),
                onsite_review: input.map(|i| i.onsite_review).unwrap_or_default(),
                satisfaction: input.map(|i| i.satisfaction).unwrap_or_default(),
                candidate: candidates.contains(&entry.application),
                ranked: entry,
            }
        })
        .collect();
    Ok(Ranking {
        cycle_id: cycle_id.to_owned(),
        quota: cycle.quota,
        lines,
        candidates,
    })
}

/// GB/T 19580's Results category (4.7), the ranking's second tie-break.
const RESULTS_CATEGORY: &str = "4.7";

/// Sends the candidate list to the Committee (Art. 11(7)): the candidates become `candidate`
/// (the Committee is told), the others `not_selected`. Errors: `ReviewIncomplete`, `ListChanged`.
pub async fn send_candidates(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ListConfirmation,
    now: DateTime<Utc>,
) -> Result<Decided, AppError> {
    let ranking = ranking(app, caller, cycle_id).await?;
    same_list(&ranking.candidates, &input.applications)?;
    let not_selected: Vec<String> = ranking
        .lines
        .iter()
        .filter(|line| !line.candidate)
        .map(|line| line.ranked.application.clone())
        .collect();
    let actor = caller.actor.clone();
    for (ids, candidate) in [(&ranking.candidates, true), (&not_selected, false)] {
        for id in ids {
            decide(
                app,
                &actor,
                id,
                Command::DecideCandidacy { candidate },
                ApplicationState::OnsiteReviewed,
                now,
            )
            .await?;
        }
    }
    Ok(Decided {
        selected: ranking.candidates,
        not_selected,
    })
}
