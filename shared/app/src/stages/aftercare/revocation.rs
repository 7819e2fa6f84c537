//! Revocation (Arts. 17, 18).

use super::*;

/// `POST /applications/{id}/revocation-cases` (office).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// `fraud` (Art. 17) or `cause` (Art. 18).
    pub ground: String,
    /// Art. 18: the cause's item, 1 to 5.
    #[serde(default)]
    pub cause: Option<u8>,
    /// Art. 18: the China date the cause occurred (within the award's 5 years).
    #[serde(default)]
    pub occurred_on: Option<NaiveDate>,
    pub facts: String,
}

fn ground_of(input: &CaseInput) -> Result<RevocationGround, AppError> {
    match (input.ground.as_str(), input.cause, input.occurred_on) {
        ("fraud", None, None) => Ok(RevocationGround::Fraud),
        ("cause", Some(item), Some(occurred_on)) => Ok(RevocationGround::Cause {
            cause: Art18Cause::from_number(item).ok_or(AppError::InvalidGround)?,
            occurred_on,
        }),
        _ => Err(AppError::InvalidGround),
    }
}

/// Opens a case against an award, awarded or expired (Art. 17 any time; Art. 18 only for a
/// cause that occurred within the 5 years): one open case per award, guarded on the
/// application's version. Errors: `NotAWinner`, `InvalidGround`, `OutsideArt18Window`,
/// `FutureDate`, `CaseOpen`, `InvalidText`.
pub async fn open_case(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: CaseInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    let ground = ground_of(&input)?;
    let facts = validation::text("facts", &input.facts, 5000, true)?;
    let today = china_date(now);
    if let RevocationGround::Cause { occurred_on, .. } = ground
        && occurred_on > today
    {
        return Err(AppError::FutureDate {
            date: occurred_on,
            today,
        });
    }
    let (ground, facts) = (&ground, &facts);
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        let application = &loaded.record;
        let validity = winner_validity(application)?;
        if let RevocationGround::Cause { occurred_on, .. } = ground
            && !validity.covers(*occurred_on)
        {
            return Err(AppError::OutsideArt18Window {
                occurred_on: *occurred_on,
                approved_on: validity.approved_on,
                last_valid_day: validity.last_valid_day,
            });
        }
        if application.open_case.is_some() {
            return Err(AppError::CaseOpen);
        }
        let case = RevocationCase {
            id: new_id(now),
            application_id,
            cycle_id: application.cycle_id.clone(),
            uscc: application.uscc.clone(),
            organisation_name: application.organisation_name().to_owned(),
            ground: *ground,
            facts: facts.clone(),
            evidence: Vec::new(),
            status: CaseStatus::Open,
            opened_by: caller.sub().to_owned(),
            opened_at: now,
            decision: None,
            approval: None,
            closing_reason: None,
            closed_by: None,
            closed_at: None,
            reclaim: Default::default(),
        };
        let mut updated = application.clone();
        updated.open_case = Some(case.id);
        updated.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&updated, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.guard(store::create(&case)?, || AppError::ConcurrentUpdate);
        // The holder learns a case is open and on what ground, so that it can state its case.
        tx.push(
            case_notice(
                app,
                NoticeKind::RevocationCaseOpened,
                &updated,
                &case,
                &[("opened_on", china_date(now).to_string())],
                now,
            )
            .await?,
        );
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "revocation_case_opened",
            &[
                ("case_id", case.id.to_string()),
                ("article", ground.article().to_owned()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(case)
    })
    .await
}

/// The notice `kind` about `case` to the award's holder: the common data of its application,
/// the case's article (`case_article`) and ground (`case_ground`), and `extra`.
async fn case_notice(
    app: &App,
    kind: NoticeKind,
    application: &Application,
    case: &RevocationCase,
    extra: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
    let about = About {
        application,
        cycle: &cycle.cycle,
        recommender: None,
    };
    let mut data = BTreeMap::from([
        (
            "case_article".to_owned(),
            case.ground.article_zh().to_owned(),
        ),
        ("case_ground".to_owned(), case.ground.description_zh()),
    ]);
    data.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone())),
    );
    notices::owe(
        kind,
        &crate::recipients::applicant(application),
        about.data(&data),
        Some(application.id),
        now,
    )
}

/// Loads a case, or `CaseNotFound`.
async fn load_case(app: &App, id: Ulid) -> Result<Stored<RevocationCase>, AppError> {
    store::load::<RevocationCase>(app.table.as_ref(), &keys::revocation_case(id))
        .await?
        .ok_or(AppError::CaseNotFound)
}

/// Who reads cases: the Office, the Committee (it decides) and the finance bureau (it reclaims).
fn require_case_reader(caller: &Caller) -> Result<(), AppError> {
    if caller.has(Role::Office) || caller.has(Role::Committee) || caller.has(Role::Finance) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `GET /revocation-cases` (office, committee, finance): every case, newest first.
pub async fn list_cases(app: &App, caller: &Caller) -> Result<Vec<RevocationCase>, AppError> {
    require_case_reader(caller)?;
    let mut cases: Vec<RevocationCase> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::CASES),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<RevocationCase>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    cases.reverse();
    Ok(cases)
}

/// `GET /revocation-cases/{id}` (office, committee, finance). Errors: `CaseNotFound`.
pub async fn read_case(app: &App, caller: &Caller, id: Ulid) -> Result<RevocationCase, AppError> {
    require_case_reader(caller)?;
    Ok(load_case(app, id).await?.record)
}

/// Saves `case` (version-guarded) with its audit record (`action` and its detail) and `extra`
/// writes (a failed condition is a lost race, re-run; a notice's never fails).
async fn save_case(
    app: &App,
    loaded: &Stored<RevocationCase>,
    case: &RevocationCase,
    actor: &str,
    (action, detail): (&str, &[(&str, String)]),
    extra: Vec<Write>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = Tx::new();
    tx.guard(store::replace(case, loaded.version)?, || {
        AppError::from(TableError::Conflict)
    });
    for write in extra {
        tx.guard(write, || AppError::from(TableError::Conflict));
    }
    tx.push(audit(
        format!("CASE#{}", case.id),
        actor,
        action,
        detail,
        now,
    )?);
    tx.commit(app.table.as_ref()).await
}

/// `POST /revocation-cases/{id}/evidence` (office): declares one evidence file (PDF, JPEG, PNG ≤
/// 10 MiB, checked like evidence once uploaded). Errors: `CaseNotFound`, `CaseDecided`, the
/// attachment's checks.
pub async fn declare_evidence(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    declaration: AttachmentDeclaration,
    now: DateTime<Utc>,
) -> Result<DeclaredAttachment, AppError> {
    caller.require(Role::Office)?;
    let declaration = &declaration;
    let attachment = retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        if loaded.record.status != CaseStatus::Open {
            return Err(AppError::CaseDecided);
        }
        let (attachment, write) = attachments::declare(
            AttachmentOwner::RevocationCase { case_id },
            declaration,
            caller.sub(),
            now,
        )?;
        let mut case = loaded.record.clone();
        case.evidence.push(attachment.id);
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "case_evidence_declared",
                &[
                    ("attachment_id", attachment.id.to_string()),
                    ("sha256", attachment.sha256.clone()),
                ],
            ),
            vec![write],
            now,
        )
        .await?;
        Ok(attachment)
    })
    .await?;
    let upload = attachments::upload_link(app, &attachment, now).await?;
    Ok(DeclaredAttachment { attachment, upload })
}

/// `POST /revocation-cases/{id}/committee-decision` (committee).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDecisionInput {
    pub date: NaiveDate,
    pub minutes_reference: String,
    pub revoke: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The Committee's decision (Art. 7(3)): to revoke (→ waiting for the city government) or not (the
/// case closes with the reason, the award untouched). Errors: `CaseNotFound`, `CaseDecided`,
/// `FutureDate`, `ReasonRequired` (not revoking needs a reason), `InvalidText`.
pub async fn decide_case(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: CaseDecisionInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Committee)?;
    let today = china_date(now);
    if input.date > today {
        return Err(AppError::FutureDate {
            date: input.date,
            today,
        });
    }
    let minutes_reference =
        validation::text("minutes_reference", &input.minutes_reference, 200, false)?;
    let reason = match (&input.reason, input.revoke) {
        (Some(reason), _) => Some(validation::text("reason", reason, 1000, true)?),
        (None, false) => {
            return Err(AppError::ReasonRequired {
                command: "decide not to revoke".into(),
            });
        }
        (None, true) => None,
    };
    let (input, minutes_reference, reason) = (&input, &minutes_reference, &reason);
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        if loaded.record.status != CaseStatus::Open {
            return Err(AppError::CaseDecided);
        }
        let opened_on = china_date(loaded.record.opened_at);
        if input.date < opened_on {
            return Err(AppError::InvalidCaseDate {
                date: input.date,
                after: opened_on,
            });
        }
        let mut case = loaded.record.clone();
        case.decision = Some(CaseDecision {
            date: input.date,
            minutes_reference: minutes_reference.clone(),
            revoke: input.revoke,
            reason: reason.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        let mut extra = Vec::new();
        if input.revoke {
            case.status = CaseStatus::RevocationProposed;
        } else {
            case.status = CaseStatus::Closed;
            case.closing_reason = reason.clone();
            case.closed_by = Some(caller.sub().to_owned());
            case.closed_at = Some(now);
            extra.push(release_application(app, case.application_id, now).await?);
        }
        // The holder is told the Committee's decision, either way (Art. 7(3)).
        let application = load_application(app, case.application_id).await?.record;
        let mut data = vec![
            ("decided_on", input.date.to_string()),
            ("minutes_reference", minutes_reference.clone()),
            ("revoke", input.revoke.to_string()),
        ];
        if let Some(reason) = reason {
            data.push(("decision_reason", reason.clone()));
        }
        extra.push(
            case_notice(
                app,
                NoticeKind::RevocationCaseDecided,
                &application,
                &case,
                &data,
                now,
            )
            .await?,
        );
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "case_decided",
                &[
                    ("revoke", input.revoke.to_string()),
                    ("minutes_reference", minutes_reference.clone()),
                ],
            ),
            extra,
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

/// The write that frees the application from its open case (version-guarded).
async fn release_application(
    app: &App,
    application_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    let loaded = load_application(app, application_id).await?;
    let mut updated = loaded.record.clone();
    updated.open_case = None;
    updated.updated_at = now;
    store::replace(&updated, loaded.version)
}

/// `POST /revocation-cases/{id}/close` (office): `{"reason": "…"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub reason: String,
}

/// Closes a case without revocation, with the reason: an open one (the investigation found
/// nothing), or one the Committee proposed that the city government did not approve. Errors:
/// `CaseNotFound`, `CaseDecided` (revoked or closed already), `InvalidText`.
pub async fn close_case(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: CloseInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    let reason = validation::text("reason", &input.reason, 1000, true)?;
    let reason = &reason;
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        if !matches!(
            loaded.record.status,
            CaseStatus::Open | CaseStatus::RevocationProposed
        ) {
            return Err(AppError::CaseDecided);
        }
        let mut case = loaded.record.clone();
        case.status = CaseStatus::Closed;
        case.closing_reason = Some(reason.clone());
        case.closed_by = Some(caller.sub().to_owned());
        case.closed_at = Some(now);
        let release = release_application(app, case.application_id, now).await?;
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            ("case_closed", &[("reason", reason.clone())]),
            vec![release],
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

/// `POST /revocation-cases/{id}/approval` (office): the city government's approval.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RevocationApprovalInput")]
pub struct ApprovalInput {
    pub date: NaiveDate,
    pub reference: String,
}

/// Records the city government's approval (Arts. 17, 18: 报市政府批准) and revokes the award on
/// that date through the stage path: the debarment (10 years for fraud, 5 for a cause) on the
/// award and on the register, the notices (the holder, the Office, the public board, and for
/// fraud the finance bureau's `reclaim_reward`), the bar's end scheduled — with the case, in one
/// transaction. Errors: `CaseNotFound`, `CaseNotProposed` (the Committee has not decided to
/// revoke), `FutureDate`, `InvalidText`, the stage's (`OutsideArt18Window` as `invalid_award_dates`).
pub async fn approve_revocation(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: ApprovalInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    let reference = validation::text("reference", &input.reference, 200, false)?;
    let loaded = load_case(app, case_id).await?;
    let case = &loaded.record;
    if case.status == CaseStatus::Revoked
        && case.approval.as_ref().map(|a| (a.date, &a.reference)) == Some((input.date, &reference))
    {
        return Ok(loaded.record);
    }
    match case.status {
        CaseStatus::RevocationProposed => {}
        CaseStatus::Open => return Err(AppError::CaseNotProposed),
        CaseStatus::Closed | CaseStatus::Revoked => return Err(AppError::CaseDecided),
    }
    if let Some(decision) = &case.decision
        && input.date < decision.date
    {
        return Err(AppError::InvalidCaseDate {
            date: input.date,
            after: decision.date,
        });
    }
    let approval = GovernmentApproval {
        date: input.date,
        reference: reference.clone(),
        recorded_by: caller.sub().to_owned(),
        recorded_at: now,
    };
    let mut revoked = case.clone();
    revoked.status = CaseStatus::Revoked;
    revoked.approval = Some(approval);
    let (revoked, version) = (&revoked, loaded.version);
    stage::advance_with(
        app,
        &StageCommand {
            application_id: case.application_id,
            command: Command::Revoke {
                ground: case.ground,
                revoked_on: input.date,
            },
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([
                ("revocation_reference".to_owned(), reference.clone()),
                ("article".to_owned(), case.ground.article_zh().to_owned()),
                ("case_id".to_owned(), case.id.to_string()),
            ]),
            settings: Settings::default(),
        },
        |_| Ok(()),
        |application| {
            application.open_case = None;
            Ok(())
        },
        |application, _| {
            let debarment = application
                .lifecycle
                .revocation
                .ok_or_else(|| AppError::corrupt("revoked without a debarment"))?;
            let validity = application
                .lifecycle
                .validity
                .ok_or_else(|| AppError::corrupt("revoked without a validity"))?;
            let mut tx = Tx::new();
            tx.guard(store::replace(revoked, version)?, || {
                AppError::from(TableError::Conflict)
            });
            tx.push(Write::Put {
                item: store::to_item(
                    &RegisterEntry {
                        uscc: application.uscc.clone(),
                        organisation_name: application.organisation_name().to_owned(),
                        fact: RegisterFact::Debarment {
                            award_approved_on: validity.approved_on,
                            debarment,
                        },
                        recorded_at: now,
                        recorded_by: caller.sub().to_owned(),
                    },
                    1,
                )?,
                condition: Condition::None,
            });
            tx.push(audit(
                format!("CASE#{}", revoked.id),
                caller.sub(),
                "revocation_approved",
                &[
                    ("date", input.date.to_string()),
                    ("reference", reference.clone()),
                ],
                now,
            )?);
            Ok(tx)
        },
    )
    .await?;
    Ok(revoked.clone())
}

/// `POST /revocation-cases/{id}/returns` (office): the plaque and the certificate returned.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnsInput {
    #[serde(default)]
    pub plaque_returned_on: Option<NaiveDate>,
    #[serde(default)]
    pub certificate_returned_on: Option<NaiveDate>,
}

/// Records the plaque's and the certificate's return (Arts. 17, 18), each once, not before the
/// revocation nor in the future. Errors: `CaseNotFound`, `CaseNotRevoked`, `FutureDate`,
/// `InvalidReclaimDate`, `AlreadyRecorded`, `NothingToRecord`.
pub async fn record_returns(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: ReturnsInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Office)?;
    if input.plaque_returned_on.is_none() && input.certificate_returned_on.is_none() {
        return Err(AppError::NothingToRecord);
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        let revoked_on = revoked_on(&loaded.record)?;
        let mut case = loaded.record.clone();
        for (given, slot) in [
            (
                input.plaque_returned_on,
                &mut case.reclaim.plaque_returned_on,
            ),
            (
                input.certificate_returned_on,
                &mut case.reclaim.certificate_returned_on,
            ),
        ] {
            if let Some(date) = given {
                check_reclaim_date(date, revoked_on, now)?;
                match slot {
                    Some(existing) if *existing == date => {}
                    Some(_) => return Err(AppError::AlreadyRecorded),
                    None => *slot = Some(date),
                }
            }
        }
        if case == loaded.record {
            return Ok(case);
        }
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "reclaim_returns_recorded",
                &[
                    (
                        "plaque_returned_on",
                        format!("{:?}", case.reclaim.plaque_returned_on),
                    ),
                    (
                        "certificate_returned_on",
                        format!("{:?}", case.reclaim.certificate_returned_on),
                    ),
                ],
            ),
            Vec::new(),
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

/// `POST /revocation-cases/{id}/reward-returned` (finance).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewardReturnedInput {
    pub received_on: NaiveDate,
    pub receipt: String,
    /// Integer fen; the reward paid (Art. 13: 15 000 000 fen).
    pub amount_fen: Fen,
}

/// Records the reward money returned after a fraud revocation (Art. 17), once, as the finance
/// bureau receives it. Errors: `CaseNotFound`, `CaseNotRevoked`, `NoRewardToReclaim` (Art. 18
/// reclaims no money), `InvalidAmount`, `FutureDate`, `InvalidReclaimDate`, `AlreadyRecorded`.
pub async fn record_reward_returned(
    app: &App,
    caller: &Caller,
    case_id: Ulid,
    input: RewardReturnedInput,
    now: DateTime<Utc>,
) -> Result<RevocationCase, AppError> {
    caller.require(Role::Finance)?;
    let receipt = validation::text("receipt", &input.receipt, 100, false)?;
    let (input, receipt) = (&input, &receipt);
    retry_on_conflict(|| async move {
        let loaded = load_case(app, case_id).await?;
        let revoked_on = revoked_on(&loaded.record)?;
        if !loaded.record.ground.reclaims_reward() {
            return Err(AppError::NoRewardToReclaim);
        }
        // Art. 17 reclaims the reward paid: nothing when none was paid, else the whole award.
        let stored_application = load_application(app, loaded.record.application_id).await?;
        let holder = &stored_application.record;
        let paid = holder
            .reward
            .as_ref()
            .is_some_and(|reward| reward.paid_on.is_some());
        let expected = match (&holder.lifecycle.award, paid) {
            (Some(award), true) => award.reward.0,
            _ => return Err(AppError::NoRewardToReclaim),
        };
        if input.amount_fen.0 != expected {
            return Err(AppError::InvalidAmount { expected });
        }
        check_reclaim_date(input.received_on, revoked_on, now)?;
        let mut case = loaded.record.clone();
        match &case.reclaim.reward {
            Some(existing)
                if existing.received_on == input.received_on
                    && &existing.receipt == receipt
                    && existing.amount_fen == input.amount_fen =>
            {
                return Ok(case);
            }
            Some(_) => return Err(AppError::AlreadyRecorded),
            None => {}
        }
        case.reclaim.reward = Some(RewardReturned {
            amount_fen: input.amount_fen,
            received_on: input.received_on,
            receipt: receipt.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        // The finance bureau's list (`GET /rewards`) reads the return on the award.
        let mut returned = holder.clone();
        if let Some(reward) = returned.reward.as_mut() {
            reward.returned_on = Some(input.received_on);
        }
        returned.updated_at = now;
        save_case(
            app,
            &loaded,
            &case,
            caller.sub(),
            (
                "reward_returned",
                &[
                    ("amount_fen", input.amount_fen.to_string()),
                    ("receipt", receipt.clone()),
                ],
            ),
            vec![store::replace(&returned, stored_application.version)?],
            now,
        )
        .await?;
        Ok(case)
    })
    .await
}

fn revoked_on(case: &RevocationCase) -> Result<NaiveDate, AppError> {
    match (&case.status, &case.approval) {
        (CaseStatus::Revoked, Some(approval)) => Ok(approval.date),
        _ => Err(AppError::CaseNotRevoked),
    }
}

fn check_reclaim_date(
    date: NaiveDate,
    revoked_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = china_date(now);
    if date > today {
        return Err(AppError::FutureDate { date, today });
    }
    if date < revoked_on {
        return Err(AppError::InvalidReclaimDate { date, revoked_on });
    }
    Ok(())
}
