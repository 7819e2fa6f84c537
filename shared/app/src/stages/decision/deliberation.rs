//! The Committee's deliberation (Arts. 7(3), 11(8)).

use super::*;

/// `POST /cycles/{id}/deliberation` (committee).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliberationInput {
    pub meeting_date: NaiveDate,
    pub minutes_reference: String,
    /// The minutes uploaded with `POST /cycles/{id}/minutes`, received (Art. 11(8): the
    /// Committee's review is on record, not only referred to).
    #[schemars(with = "String")]
    pub minutes_attachment_id: Ulid,
    pub decisions: Vec<DecisionInput>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub include: bool,
    pub votes_for: u32,
    pub votes_against: u32,
    #[serde(default)]
    pub abstentions: u32,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Records the Committee's review of the candidate list: each candidate included (→ `proposed`)
/// or left out with a reason (→ `rejected`, told with the reason). The list must be exactly the
/// cycle's candidates. A repeat of the same record finishes an interrupted run. Errors:
/// `ListChanged`, `ReasonRequired`, `FutureDate`, `InvalidText`, `MinutesNotReceived`,
/// `DeliberationRecorded` (another record exists), `ServiceBusy` (the table's).
pub async fn deliberate(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: DeliberationInput,
    now: DateTime<Utc>,
) -> Result<Deliberation, AppError> {
    caller.require(Role::Committee)?;
    if input.meeting_date > today(now) {
        return Err(AppError::FutureDate {
            date: input.meeting_date,
            today: today(now),
        });
    }
    let minutes_reference =
        validation::text("minutes_reference", &input.minutes_reference, 200, false)?;
    let mut decisions = Vec::new();
    for decision in &input.decisions {
        // Art. 7(3): the Committee includes a candidate by a majority of the votes cast.
        if decision.include && decision.votes_for <= decision.votes_against {
            return Err(AppError::InvalidDecision {
                detail: "a candidate is included only with more votes for than against",
            });
        }
        let reason = match (&decision.reason, decision.include) {
            (Some(reason), _) => Some(validation::text("reason", reason, 1000, true)?),
            (None, false) => {
                return Err(AppError::ReasonRequired {
                    command: "leave a candidate out".into(),
                });
            }
            (None, true) => None,
        };
        decisions.push(CandidateDecision {
            application_id: decision.application_id,
            include: decision.include,
            votes_for: decision.votes_for,
            votes_against: decision.votes_against,
            abstentions: decision.abstentions,
            reason,
        });
    }
    decisions.sort_by_key(|decision| decision.application_id);
    // One round trip for what the decision reads: the minutes, the cycle, its candidates and the
    // units (each name's notices). The minutes' refusal comes first.
    let (minutes, loaded, candidates, units) = tokio::try_join!(
        async { Ok::<_, AppError>(attachments::load(app, input.minutes_attachment_id).await) },
        async { Ok::<_, AppError>(cycles::load_cycle(app, cycle_id).await) },
        applications::in_cycle_stored(app, cycle_id, Some(ApplicationState::Candidate)),
        crate::reads::units::all(app)
    )?;
    // Only an absent file is the caller's mistake: a busy table is a 503 to retry, not a 409.
    let minutes = minutes.map_err(|error| match error {
        AppError::AttachmentNotFound => AppError::MinutesNotReceived,
        other => other,
    })?;
    let ours =
        matches!(&minutes.owner, AttachmentOwner::Minutes { cycle_id: owner } if owner == cycle_id);
    if !ours || minutes.status != crate::model::DocumentStatus::Received {
        return Err(AppError::MinutesNotReceived);
    }
    let loaded = loaded?;
    let deliberation = match &loaded.record.decision.deliberation {
        Some(existing) if existing.decisions == decisions => existing.clone(),
        Some(_) => return Err(AppError::DeliberationRecorded),
        None => {
            let mut candidates: Vec<Ulid> =
                candidates.iter().map(|stored| stored.record.id).collect();
            candidates.sort();
            let given: Vec<Ulid> = decisions.iter().map(|d| d.application_id).collect();
            if candidates.is_empty() || given != candidates {
                let missing: Vec<String> = candidates
                    .iter()
                    .filter(|id| !given.contains(id))
                    .map(Ulid::to_string)
                    .collect();
                let not_candidates: Vec<String> = given
                    .iter()
                    .filter(|id| !candidates.contains(id))
                    .map(Ulid::to_string)
                    .collect();
                return Err(AppError::DeliberationListMismatch {
                    missing,
                    not_candidates,
                });
            }
            let deliberation = Deliberation {
                meeting_date: input.meeting_date,
                minutes_reference,
                minutes_attachment_id: input.minutes_attachment_id,
                decisions: decisions.clone(),
                recorded_by: caller.sub().to_owned(),
                recorded_at: now,
            };
            let mut record = loaded.record.clone();
            record.decision.deliberation = Some(deliberation.clone());
            save_cycle(
                app,
                &loaded,
                &record,
                caller.sub(),
                "deliberation_recorded",
                &[
                    ("meeting_date", input.meeting_date.to_string()),
                    ("minutes_reference", deliberation.minutes_reference.clone()),
                    (
                        "included",
                        decisions.iter().filter(|d| d.include).count().to_string(),
                    ),
                ],
                now,
            )
            .await?;
            deliberation
        }
    };
    let commands: Vec<_> = deliberation
        .decisions
        .iter()
        .map(|decision| {
            let (command, data) = if decision.include {
                (Command::Propose, BTreeMap::new())
            } else {
                (
                    Command::Reject {
                        reason: decision.reason.clone().unwrap_or_default(),
                    },
                    BTreeMap::from([("by_committee".to_owned(), "true".to_owned())]),
                )
            };
            (decision.application_id, command, data)
        })
        .collect();
    advance_all(
        app,
        caller,
        commands,
        list_reads(candidates, &loaded.record, &units),
        ApplicationState::Candidate,
        Settings::default(),
        now,
    )
    .await?;
    Ok(deliberation)
}

/// `POST /cycles/{id}/consultation` (office): the vice-mayors' opinions, after the deliberation
/// and before the publicity. Errors: `DeliberationMissing`, `FutureDate`, `InvalidText`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    pub date: NaiveDate,
    pub opinions: String,
    #[serde(default)]
    pub note: String,
}

pub async fn consult(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ConsultationInput,
    now: DateTime<Utc>,
) -> Result<Consultation, AppError> {
    caller.require(Role::Office)?;
    if input.date > today(now) {
        return Err(AppError::FutureDate {
            date: input.date,
            today: today(now),
        });
    }
    let opinions = validation::text("opinions", &input.opinions, 4000, true)?;
    let note = input.note.trim().to_owned();
    if note.chars().count() > 4000 {
        return Err(AppError::InvalidText {
            field: "note",
            max: 4000,
        });
    }
    let input = &input;
    let (opinions, note) = (&opinions, &note);
    retry_on_conflict(|| async move {
        let loaded = cycles::load_cycle(app, cycle_id).await?;
        let Some(deliberation) = &loaded.record.decision.deliberation else {
            return Err(AppError::DeliberationMissing);
        };
        // Art. 11(8): the consultation comes between the deliberation and the publicity.
        if loaded.record.decision.publicity.is_some() {
            return Err(AppError::PublicityStarted);
        }
        if input.date < deliberation.meeting_date {
            return Err(AppError::InvalidDecision {
                detail: "the consultation cannot precede the Committee's deliberation",
            });
        }
        let consultation = Consultation {
            date: input.date,
            opinions: opinions.clone(),
            note: note.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        };
        let mut record = loaded.record.clone();
        record.decision.consultation = Some(consultation.clone());
        save_cycle(
            app,
            &loaded,
            &record,
            caller.sub(),
            "consultation_recorded",
            &[("date", input.date.to_string())],
            now,
        )
        .await?;
        Ok(consultation)
    })
    .await
}

/// `POST /cycles/{id}/minutes` (committee, office): declares the minutes of the Committee's
/// deliberation; the deliberation names it (`minutes_attachment_id`) once it is received.
pub async fn declare_minutes(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    declaration: AttachmentDeclaration,
    now: DateTime<Utc>,
) -> Result<DeclaredAttachment, AppError> {
    if !(caller.has(Role::Committee) || caller.has(Role::Office)) {
        return Err(AppError::Forbidden);
    }
    crate::reads::cycles::load_cycle(app, cycle_id).await?;
    let owner = AttachmentOwner::Minutes {
        cycle_id: cycle_id.to_owned(),
    };
    let (attachment, write) = attachments::declare(owner.clone(), &declaration, caller.sub(), now)?;
    let mut tx = Tx::new();
    tx.guard(write, || AppError::ConcurrentUpdate);
    tx.push(audit(
        owner.audit_partition(),
        caller.sub(),
        "minutes_declared",
        &[
            ("attachment_id", attachment.id.to_string()),
            ("file_name", attachment.file_name.clone()),
            ("sha256", attachment.sha256.clone()),
        ],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    let upload = attachments::upload_link(app, &attachment, now).await?;
    Ok(DeclaredAttachment { attachment, upload })
}
