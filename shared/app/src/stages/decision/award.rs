//! Approval and award (Arts. 4, 11(9), 12–14).

use super::*;

/// `POST /cycles/{id}/executive-meeting` (office).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutiveMeetingInput {
    pub date: NaiveDate,
    pub session: String,
    pub minutes_reference: String,
}

/// Records the municipal executive meeting (Art. 11(9)). Errors: `FutureDate`, `InvalidText`,
/// `PublicityNotStarted`.
pub async fn record_executive_meeting(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ExecutiveMeetingInput,
    now: DateTime<Utc>,
) -> Result<ExecutiveMeeting, AppError> {
    caller.require(Role::Office)?;
    if input.date > today(now) {
        return Err(AppError::FutureDate {
            date: input.date,
            today: today(now),
        });
    }
    let session = validation::text("session", &input.session, 200, false)?;
    let minutes_reference =
        validation::text("minutes_reference", &input.minutes_reference, 200, false)?;
    let (session, minutes_reference, input) = (&session, &minutes_reference, &input);
    retry_on_conflict(|| async move {
        let loaded = cycles::load_cycle(app, cycle_id).await?;
        let Some(publicity) = &loaded.record.decision.publicity else {
            return Err(AppError::PublicityNotStarted);
        };
        // Art. 11(9): the executive meeting decides on names that passed publicity.
        if input.date <= publicity.last_day {
            return Err(AppError::InvalidDecision {
                detail: "the executive meeting comes after the publicity's last day",
            });
        }
        // Once a name is approved on it, the meeting's record is final.
        let approved = store::load::<crate::model::QuotaCounter>(
            app.table.as_ref(),
            &keys::quota_counter(cycle_id),
        )
        .await?
        .is_some_and(|counter| counter.record.approved > 0);
        if approved {
            return Err(AppError::DecisionFinal);
        }
        let meeting = ExecutiveMeeting {
            date: input.date,
            session: session.clone(),
            minutes_reference: minutes_reference.clone(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        };
        let mut record = loaded.record.clone();
        record.decision.executive_meeting = Some(meeting.clone());
        save_cycle(
            app,
            &loaded,
            &record,
            caller.sub(),
            "executive_meeting_recorded",
            &[
                ("date", input.date.to_string()),
                ("session", session.clone()),
            ],
            now,
        )
        .await?;
        Ok(meeting)
    })
    .await
}

/// `POST /applications/{id}/approve` (office): `{"approved_on": "2026-10-20"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    pub approved_on: NaiveDate,
}

/// Approves a name that passed publicity, after the executive meeting and on its date or later,
/// with no objection open; the quota (Art. 4) holds under concurrency (the stage path's counter).
/// Errors: `ExecutiveMeetingMissing`, `ObjectionOpen`, `PublicityRunning`, `QuotaReached`,
/// `FutureDate`, `IllegalTransition`.
pub async fn approve(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: ApprovalInput,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Office)?;
    let command = Command::Approve {
        approved_on: input.approved_on,
    };
    // The application, then at once its cycle, its unit, the quota counter and its objections.
    let (loaded, objection_open) =
        stage::load_with(app, application_id, &command, |cycle_id, id| async move {
            open_objection(app, &cycle_id, id).await
        })
        .await?;
    let application = &loaded.application.record;
    let meeting = loaded
        .cycle
        .decision
        .executive_meeting
        .clone()
        .ok_or(AppError::ExecutiveMeetingMissing)?;
    if input.approved_on < meeting.date {
        return Err(AppError::InvalidApproval {
            detail: "the approval cannot precede the executive meeting",
        });
    }
    if objection_open {
        return Err(AppError::ObjectionOpen);
    }
    // Art. 11(8)–(9): only a name whose publicity closed goes to approval.
    if application.state() == ApplicationState::InPublicity
        && application.publicity_closed_on.is_none()
    {
        return Err(AppError::PublicityNotClosed);
    }
    stage::advance_loaded(
        app,
        &StageCommand {
            application_id,
            command,
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([
                ("approved_on".to_owned(), input.approved_on.to_string()),
                ("session".to_owned(), meeting.session.clone()),
            ]),
            settings: Settings::default(),
        },
        Some(loaded),
        |_| Ok(()),
        |_| Ok(()),
        |_, _| Ok(Tx::new()),
    )
    .await
}

/// `POST /applications/{id}/award` (office): `{}` for the next number of the Office's format
/// (`武质奖〔<cycle>〕第<n>号`), or `{"certificate_number": "…"}`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// The Office's certificate number format (武质奖〔2026〕第1号).
pub fn certificate_number(cycle_id: &str, sequence: usize) -> String {
    format!("武质奖〔{cycle_id}〕第{sequence}号")
}

/// Awards an approved application (Arts. 11(9), 12–14): the certificate number (unique: a guard
/// item), the award on the register (valid 5 years from the approval, Art. 5), the announcement
/// on the public board, the notices (`awarded` with Art. 14's restrictions, `reward_payable` to
/// the finance bureau) — one transaction. Errors: `CertificateNumberTaken`, `InvalidText`,
/// `IllegalTransition`.
pub async fn award(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: AwardInput,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Office)?;
    let given = match &input.certificate_number {
        Some(number) => Some(validation::text("certificate_number", number, 100, false)?),
        None => None,
    };
    // The application, then at once its cycle, its unit, the quota counter (which counts the
    // awards) and the Office's aftercare policy in force, by which the award schedules aftercare.
    let placeholder = Command::Award {
        certificate_number: String::new(),
    };
    let (loaded, policy) = stage::load_with(app, application_id, &placeholder, |_, _| {
        settings::aftercare_policy(app)
    })
    .await?;
    let meeting = loaded.cycle.decision.executive_meeting.clone();
    let number = match given {
        Some(number) => number,
        None => {
            // The next number after the awards counted (a concurrent award taking it is refused
            // by the certificate guard, `CertificateNumberTaken`).
            let awarded = loaded
                .quota
                .as_ref()
                .and_then(|counter| counter.as_ref())
                .map_or(0, |counter| counter.record.awarded as usize);
            certificate_number(&loaded.application.record.cycle_id, awarded + 1)
        }
    };
    let number = &number;
    stage::advance_loaded(
        app,
        &StageCommand {
            application_id,
            command: Command::Award {
                certificate_number: number.clone(),
            },
            actor: &caller.actor,
            now,
            notice_data: {
                let mut data = BTreeMap::from([
                    ("certificate_number".to_owned(), number.clone()),
                    (
                        "reward".to_owned(),
                        award_domain::money::AWARD_REWARD.to_string(),
                    ),
                ]);
                // The announcement names the decision it publishes (Art. 11(9)).
                if let Some(meeting) = &meeting {
                    data.insert(
                        "decision_reference".to_owned(),
                        format!("{}（{}）", meeting.session, meeting.minutes_reference),
                    );
                }
                data
            },
            settings: Settings {
                aftercare: Some(&policy),
                calendar: None,
            },
        },
        Some(loaded),
        |_| Ok(()),
        |application| {
            application.reward = Some(RewardRecord::default());
            Ok(())
        },
        |application, cycle| {
            let validity = application
                .lifecycle
                .validity
                .ok_or_else(|| AppError::corrupt("awarded without a validity"))?;
            let mut tx = Tx::new();
            tx.guard(
                Write::Put {
                    item: store::to_item(
                        &crate::model::CertificateGuard {
                            number: number.clone(),
                            application_id,
                        },
                        1,
                    )?,
                    condition: Condition::NotExists,
                },
                || AppError::CertificateNumberTaken,
            );
            tx.push(Write::Put {
                item: store::to_item(
                    &RegisterEntry {
                        uscc: application.uscc.clone(),
                        organisation_name: application.organisation_name().to_owned(),
                        fact: RegisterFact::Award {
                            cycle_id: cycle.id.clone(),
                            validity,
                        },
                        recorded_at: now,
                        recorded_by: caller.sub().to_owned(),
                    },
                    1,
                )?,
                condition: Condition::None,
            });
            Ok(tx)
        },
    )
    .await
}

/// `POST /cycles/{id}/announcement` (office): `{"document_number": "武质奖办〔2026〕5号"}`, or `{}`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementInput {
    /// The announcement's 文号; empty or absent for none.
    #[serde(default)]
    pub document_number: Option<String>,
}

/// Issues the cycle's ONE announcement of its winners on the board (Art. 11(9): 予以公告): every
/// awarded name in certificate order with its place, credit code and certificate number, the
/// executive meeting's decision, the 文号 and the 落款 — with the cycle's record, its audit
/// record and the closing of the cycle's count (no approval or award after it) in one
/// transaction. Issued once: a repeated call with the same number answers the one issued.
/// Errors: `ExecutiveMeetingMissing`, `NothingToAnnounce` (no name awarded), `AwardsPending`
/// (approved names not yet awarded), `AnnouncementIssued` (issued already, with another number),
/// `InvalidText`, `CycleNotFound`.
pub async fn issue_announcement(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: AnnouncementInput,
    now: DateTime<Utc>,
) -> Result<CycleAnnouncement, AppError> {
    caller.require(Role::Office)?;
    let document_number = validation::document_number(input.document_number.as_deref())?;
    let document_number = &document_number;
    retry_on_conflict(|| async move {
        // The count first: an award that lands after it changes its version, and this
        // transaction, which closes the count under that version, is decided again.
        let counter_key = keys::quota_counter(cycle_id);
        let (loaded, counter) = tokio::try_join!(
            cycles::load_cycle(app, cycle_id),
            store::load::<crate::model::QuotaCounter>(app.table.as_ref(), &counter_key)
        )?;
        if let Some(issued) = &loaded.record.decision.announcement {
            return if issued.document_number == *document_number {
                Ok(issued.clone())
            } else {
                Err(AppError::AnnouncementIssued)
            };
        }
        let meeting = loaded
            .record
            .decision
            .executive_meeting
            .clone()
            .ok_or(AppError::ExecutiveMeetingMissing)?;
        let Some(counter) = counter.filter(|counter| counter.record.awarded > 0) else {
            return Err(AppError::NothingToAnnounce);
        };
        if counter.record.approved > counter.record.awarded {
            return Err(AppError::AwardsPending {
                pending: counter.record.approved - counter.record.awarded,
            });
        }
        let (_, rows) = cycle_and_public_rows(app, cycle_id).await?;
        let mut winners: Vec<(&AwardRecord, &PublicRow)> = rows
            .iter()
            .filter_map(|row| Some((row.award.as_ref()?, row)))
            .collect();
        // The list is a `Query`, which may lag a just-written award.
        if winners.len() != counter.record.awarded as usize {
            return Err(AppError::from(TableError::Conflict));
        }
        winners.sort_by_key(|(award, _)| certificate_order(award));
        let names: Vec<_> = winners
            .iter()
            .map(|(award, row)| listed(row, format!("，证书编号：{}", award.certificate_number)))
            .collect();
        let announcement = CycleAnnouncement {
            issued_on: today(now),
            document_number: document_number.clone(),
            winners: counter.record.awarded,
            issued_by: caller.sub().to_owned(),
            issued_at: now,
        };
        let mut record = loaded.record.clone();
        record.decision.announcement = Some(announcement.clone());
        let notice = BTreeMap::from([
            ("cycle_title".to_owned(), record.cycle.title.clone()),
            ("document_number".to_owned(), document_number.clone()),
            ("count".to_owned(), names.len().to_string()),
            ("names".to_owned(), recipients::numbered_names(&names)),
            (
                "decision_reference".to_owned(),
                format!("{}（{}）", meeting.session, meeting.minutes_reference),
            ),
        ]);
        let mut closed = counter.record.clone();
        closed.announced = true;
        save_cycle_with(
            app,
            &loaded,
            &record,
            caller.sub(),
            "announcement_issued",
            &[
                ("document_number", document_number.clone()),
                ("winners", names.len().to_string()),
            ],
            vec![
                store::replace(&closed, counter.version)?,
                recipients::publish(NoticeKind::AwardAnnouncement, cycle_id, None, &notice, now)?,
            ],
            now,
        )
        .await?;
        Ok(announcement)
    })
    .await
}

/// One winner as the announcement publishes it (Arts. 11(9), 12): no score, no evidence.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicWinner {
    pub organisation_name: String,
    pub uscc: String,
    pub division_code: String,
    /// The division as an address reads (`甘肃省武威市凉州区`, GB/T 2260).
    pub division_name: String,
    pub certificate_number: String,
    /// China date of the executive meeting's approval.
    pub approved_on: NaiveDate,
    /// The last China date of the 5-year validity (Art. 5).
    pub last_valid_day: NaiveDate,
    /// `awarded`, or what became of the award since (`expired`, `revoked`).
    pub status: ApplicationState,
}

/// `GET /public/awards/{cycle}` (anyone).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicAwards {
    pub cycle_id: String,
    pub title: String,
    /// The decision the announcement publishes: e.g. 市政府第35次常务会议（武政常〔2026〕35号）.
    pub decision_reference: String,
    /// China date of the executive meeting.
    pub decided_on: NaiveDate,
    /// China date the Office issued the announcement (its 落款 date); none before.
    pub announced_on: Option<NaiveDate>,
    /// The announcement's 文号; empty when none was given or none is issued yet.
    pub document_number: String,
    /// In certificate-number order.
    pub winners: Vec<PublicWinner>,
}

/// The cycle's winners in one list with the decision that made them (Art. 11(9): 予以公告):
/// only what the award announcements already published. Errors: `CycleNotFound`,
/// `NotAnnounced` (no award announced in the cycle yet).
pub async fn public_awards(app: &App, cycle_id: &str) -> Result<PublicAwards, AppError> {
    let (cycle, rows) = cycle_and_public_rows(app, cycle_id).await?;
    let announcement = cycle.decision.announcement.clone();
    let meeting = cycle
        .decision
        .executive_meeting
        .ok_or(AppError::NotAnnounced)?;
    let mut winners: Vec<((usize, String), PublicWinner)> = rows
        .into_iter()
        .filter_map(|row| {
            let award = row.award.as_ref()?;
            let validity = row.validity?;
            Some((
                certificate_order(award),
                PublicWinner {
                    division_name: award_domain::codes::division_full_name(&row.division_code)
                        .unwrap_or_default(),
                    certificate_number: award.certificate_number.clone(),
                    organisation_name: row.organisation_name,
                    uscc: row.uscc,
                    division_code: row.division_code,
                    approved_on: validity.approved_on,
                    last_valid_day: validity.last_valid_day,
                    status: row.state,
                },
            ))
        })
        .collect();
    if winners.is_empty() {
        return Err(AppError::NotAnnounced);
    }
    winners.sort_by(|(a, _), (b, _)| a.cmp(b));
    Ok(PublicAwards {
        cycle_id: cycle_id.to_owned(),
        title: cycle.cycle.title,
        decision_reference: format!("{}（{}）", meeting.session, meeting.minutes_reference),
        decided_on: meeting.date,
        announced_on: announcement.as_ref().map(|issued| issued.issued_on),
        document_number: announcement
            .map(|issued| issued.document_number)
            .unwrap_or_default(),
        winners: winners.into_iter().map(|(_, winner)| winner).collect(),
    })
}

/// `POST /applications/{id}/reward/payment` (finance): `{"paid_on": "…", "voucher": "…"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub paid_on: NaiveDate,
    pub voucher: String,
}

/// `POST /applications/{id}/handover` (office): `{"date": "…"}` — plaque and certificate.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverInput {
    pub date: NaiveDate,
}

/// The finance bureau records the reward paid (Art. 13: RMB 150 000, integer fen on the award
/// record). Errors: `RewardAlreadyPaid`, `FutureDate`, `IllegalTransition` (not awarded).
pub async fn record_payment(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: PaymentInput,
    now: DateTime<Utc>,
) -> Result<RewardRecord, AppError> {
    caller.require(Role::Finance)?;
    let voucher = validation::text("voucher", &input.voucher, 100, false)?;
    update_reward(
        app,
        caller,
        application_id,
        input.paid_on,
        now,
        // The winner is told its reward arrived (Art. 13), in the transaction that records it.
        ("reward_paid", Some(NoticeKind::RewardPaid)),
        |reward| {
            if reward.paid_on.is_some() {
                return Err(AppError::RewardAlreadyPaid);
            }
            reward.paid_on = Some(input.paid_on);
            reward.voucher = Some(voucher.clone());
            reward.paid_recorded_by = Some(caller.sub().to_owned());
            Ok(())
        },
    )
    .await
}

/// The Office records the plaque and certificate handed over (Art. 12), once, not before the
/// approval. Errors: `HandoverRecorded`, `InvalidDecision`, `FutureDate`, `IllegalTransition`.
pub async fn record_handover(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: HandoverInput,
    now: DateTime<Utc>,
) -> Result<RewardRecord, AppError> {
    caller.require(Role::Office)?;
    update_reward(
        app,
        caller,
        application_id,
        input.date,
        now,
        ("plaque_handed_over", None),
        |reward| {
            if reward.handed_over_on.is_some() {
                return Err(AppError::HandoverRecorded);
            }
            reward.handed_over_on = Some(input.date);
            Ok(())
        },
    )
    .await
}

async fn update_reward(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    date: NaiveDate,
    now: DateTime<Utc>,
    (action, notice): (&str, Option<NoticeKind>),
    change: impl Fn(&mut RewardRecord) -> Result<(), AppError>,
) -> Result<RewardRecord, AppError> {
    if date > today(now) {
        return Err(AppError::FutureDate {
            date,
            today: today(now),
        });
    }
    let change = &change;
    retry_on_conflict(|| async move {
        let loaded = load_application(app, application_id).await?;
        if loaded.record.state() != ApplicationState::Awarded {
            return Err(AppError::illegal(loaded.record.state(), action));
        }
        // Nothing is paid or handed over before the approval it follows (Art. 11(9)).
        if let Some(validity) = loaded.record.lifecycle.validity
            && date < validity.approved_on
        {
            return Err(AppError::InvalidDecision {
                detail: "a payment or handover cannot precede the approval",
            });
        }
        let mut application = loaded.record.clone();
        let reward = application.reward.get_or_insert_with(RewardRecord::default);
        change(reward)?;
        let reward = reward.clone();
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        if let Some(kind) = notice {
            let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
            let about = About {
                application: &application,
                cycle: &cycle.cycle,
                recommender: None,
            };
            let amount = application
                .lifecycle
                .award
                .as_ref()
                .map_or(award_domain::money::AWARD_REWARD, |award| award.reward);
            tx.push(notices::owe(
                kind,
                &recipients::applicant(&application),
                about.data(&BTreeMap::from([
                    ("paid_on".to_owned(), date.to_string()),
                    ("reward_yuan".to_owned(), amount.yuan_text()),
                    (
                        "voucher".to_owned(),
                        reward.voucher.clone().unwrap_or_default(),
                    ),
                ])),
                Some(application_id),
                now,
            )?);
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            action,
            &[("date", date.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(reward)
    })
    .await
}

/// One award as the finance bureau and the Office follow it (Arts. 12, 13).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RewardLine {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub cycle_id: String,
    pub organisation_name: String,
    pub uscc: String,
    pub certificate_number: String,
    /// Integer fen.
    pub reward_fen: i64,
    pub approved_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub voucher: Option<String>,
    pub handed_over_on: Option<NaiveDate>,
    /// The award revoked (Arts. 17, 18) on this China date, if it was.
    pub revoked_on: Option<NaiveDate>,
    /// Art. 17: the reward paid is still to come back (the case under `GET /revocation-cases`
    /// records the receipt).
    pub reward_to_reclaim: bool,
    /// China date the reward came back, after a revocation for fraud.
    pub returned_on: Option<NaiveDate>,
}

/// `GET /rewards` (finance, office): every award of every cycle with its reward's payment and the
/// handover, unpaid first — what the finance bureau has to pay, by the application id its payment
/// is recorded under.
pub async fn rewards(app: &App, caller: &Caller) -> Result<Vec<RewardLine>, AppError> {
    if !(caller.has(Role::Finance) || caller.has(Role::Office)) {
        return Err(AppError::Forbidden);
    }
    let mut lines = Vec::new();
    for cycle_id in cycles::cycle_ids(app).await? {
        for application in applications::in_cycle(app, &cycle_id, None).await? {
            let Some(award) = &application.lifecycle.award else {
                continue;
            };
            let reward = application.reward.clone().unwrap_or_default();
            lines.push(RewardLine {
                application_id: application.id,
                cycle_id: application.cycle_id.clone(),
                organisation_name: application.organisation_name().to_owned(),
                uscc: application.uscc.clone(),
                certificate_number: award.certificate_number.clone(),
                reward_fen: award.reward.0,
                approved_on: application.lifecycle.validity.map(|v| v.approved_on),
                paid_on: reward.paid_on,
                voucher: reward.voucher,
                handed_over_on: reward.handed_over_on,
                revoked_on: application.lifecycle.revocation.map(|bar| bar.revoked_on),
                reward_to_reclaim: application
                    .lifecycle
                    .revocation
                    .is_some_and(|bar| bar.ground.reclaims_reward())
                    && reward.paid_on.is_some()
                    && reward.returned_on.is_none(),
                returned_on: reward.returned_on,
            });
        }
    }
    lines.sort_by(|a, b| {
        a.paid_on
            .is_some()
            .cmp(&b.paid_on.is_some())
            .then(a.certificate_number.cmp(&b.certificate_number))
    });
    Ok(lines)
}
