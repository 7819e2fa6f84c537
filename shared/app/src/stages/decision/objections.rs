//! Objections (Art. 3).

use super::*;

/// `POST /public/publicity/{cycle}/objections` (anyone).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub objector_name: String,
    /// A mainland mobile number (11 digits, starting with 1) or an email address.
    pub contact: String,
    pub content: String,
    /// One supporting file (PDF, JPEG or PNG, ≤ 10 MiB), uploaded through the link answered.
    #[serde(default)]
    pub attachment: Option<AttachmentDeclaration>,
}

/// The objector's receipt, and the link to upload its file (15 minutes) when it declared one.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ObjectionReceipt")]
pub struct Receipt {
    #[schemars(with = "String")]
    pub receipt: Ulid,
    pub received_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload: Option<crate::model::Link>,
}

fn contact(text: &str) -> Result<(String, bool), AppError> {
    let text = text.trim();
    if text.len() == 11 && text.starts_with('1') && text.chars().all(|c| c.is_ascii_digit()) {
        return Ok((text.to_owned(), false));
    }
    validation::email(text)
        .map(|email| (email, true))
        .map_err(|_| AppError::InvalidObjection {
            detail: "contact must be a mobile number (11 digits) or an email address",
        })
}

/// One day's count for `subject`, bumped under its version: the write and the new count;
/// `TooManyObjections` at `limit`. The counter expires (DynamoDB TTL) the day after its day.
async fn bump(
    app: &App,
    day: NaiveDate,
    subject: String,
    limit: u32,
) -> Result<(Write, u32), AppError> {
    let key = keys::rate_counter(day, &subject);
    let loaded = store::load::<RateCounter>(app.table.as_ref(), &key).await?;
    let count = loaded.as_ref().map_or(0, |stored| stored.record.count);
    if count >= limit {
        return Err(AppError::TooManyObjections);
    }
    let next = RateCounter::new(day, subject, count + 1);
    let write = match loaded {
        Some(stored) => store::replace(&next, stored.version)?,
        None => store::create(&next)?,
    };
    Ok((write, next.count))
}

fn objector(objection: &Objection) -> Option<Addressee> {
    objection.contact.contains('@').then(|| Addressee {
        audience: Recipient::Objector,
        address: objection.contact.clone(),
        salutation: objection.objector_name.clone(),
    })
}

/// Lodges an objection during the publicity (until 24:00 China time of its last day) against a
/// name on the list; answered with a receipt. Bounded per contact and per source address per day.
/// Errors: `PublicityNotStarted`, `ObjectionPeriodNotStarted`, `ObjectionPeriodOver`,
/// `NotOnPublicityList`, `InvalidObjection`, `InvalidText`, `TooManyObjections`.
pub async fn object(
    app: &App,
    cycle_id: &str,
    input: ObjectionInput,
    meta: RequestMeta,
    now: DateTime<Utc>,
) -> Result<Receipt, AppError> {
    let objector_name = validation::text("objector_name", &input.objector_name, 50, false)?;
    let (contact, _) = contact(&input.contact)?;
    let content = validation::text("content", &input.content, MAX_OBJECTION_CHARS, true)?;
    let (objector_name, contact, content, input, meta) =
        (&objector_name, &contact, &content, &input, &meta);
    retry_on_conflict(|| async move {
        let day = today(now);
        let contact_hash = hex::encode(Sha256::digest(contact.to_lowercase().as_bytes()));
        // Everything the checks read, at once (one round trip); the counters' refusals wait
        // for the checks before them.
        let (cycle, application, contact_count, address_count) = tokio::try_join!(
            cycles::load_cycle(app, cycle_id),
            async {
                match load_application(app, input.application_id).await {
                    Ok(stored) => Ok(Some(stored.record)),
                    Err(AppError::ApplicationNotFound) => Ok(None),
                    Err(other) => Err(other),
                }
            },
            async {
                Ok::<_, AppError>(
                    bump(
                        app,
                        day,
                        format!("contact#{contact_hash}"),
                        OBJECTIONS_PER_CONTACT_PER_DAY,
                    )
                    .await,
                )
            },
            async {
                Ok::<_, AppError>(match &meta.source_ip {
                    Some(ip) => Some(
                        bump(app, day, format!("ip#{ip}"), OBJECTIONS_PER_ADDRESS_PER_DAY)
                            .await
                            .map(|bumped| (ip, bumped)),
                    ),
                    None => None,
                })
            }
        )?;
        let cycle = cycle.record;
        let publicity = cycle
            .decision
            .publicity
            .as_ref()
            .ok_or(AppError::PublicityNotStarted)?;
        if now < china_start_of_day(publicity.first_day) {
            return Err(AppError::ObjectionPeriodNotStarted {
                first_day: publicity.first_day,
            });
        }
        if now >= china_end_of_day_exclusive(publicity.last_day) {
            return Err(AppError::ObjectionPeriodOver {
                last_day: publicity.last_day,
            });
        }
        // Any id that is not a name in this publicity gets the same answer: the board reveals
        // nothing about applications it does not list.
        let Some(application) = application else {
            return Err(AppError::NotOnPublicityList);
        };
        if application.cycle_id != cycle_id || application.state() != ApplicationState::InPublicity
        {
            return Err(AppError::NotOnPublicityList);
        }
        let mut tx = Tx::new();
        tx.guard(contact_count?.0, || AppError::from(TableError::Conflict));
        let mut address_limit_reached = None;
        if let Some(bumped) = address_count {
            let (ip, (write, count)) = bumped?;
            tx.guard(write, || AppError::from(TableError::Conflict));
            if count == OBJECTIONS_PER_ADDRESS_PER_DAY {
                address_limit_reached = Some(ip.clone());
            }
        }
        let objection_id = new_id(now);
        let attachment = match &input.attachment {
            Some(declaration) => Some(attachments::declare(
                AttachmentOwner::Objection {
                    objection_id,
                    cycle_id: cycle_id.to_owned(),
                },
                declaration,
                "public",
                now,
            )?),
            None => None,
        };
        let objection = Objection {
            id: objection_id,
            attachment_id: attachment.as_ref().map(|(attachment, _)| attachment.id),
            cycle_id: cycle_id.to_owned(),
            application_id: application.id,
            organisation_name: application.organisation_name().to_owned(),
            objector_name: objector_name.clone(),
            contact: contact.clone(),
            content: content.clone(),
            status: ObjectionStatus::Open,
            received_at: now,
            source_ip: meta.source_ip.clone(),
            reply: None,
            decided_by: None,
            decided_at: None,
        };
        tx.guard(store::create(&objection)?, || AppError::ConcurrentUpdate);
        if let Some((_, write)) = &attachment {
            tx.guard(write.clone(), || AppError::ConcurrentUpdate);
        }
        let about = About {
            application: &application,
            cycle: &cycle.cycle,
            recommender: None,
        };
        let data = about.data(&BTreeMap::from([(
            "receipt".to_owned(),
            objection.id.to_string(),
        )]));
        tx.push(notices::owe(
            NoticeKind::ObjectionToInvestigate,
            &recipients::office(app),
            data.clone(),
            Some(application.id),
            now,
        )?);
        if let Some(source_ip) = &address_limit_reached {
            let mut data = data.clone();
            data.extend([
                ("day".to_owned(), day.to_string()),
                ("source_ip".to_owned(), source_ip.clone()),
                (
                    "limit".to_owned(),
                    OBJECTIONS_PER_ADDRESS_PER_DAY.to_string(),
                ),
            ]);
            tx.push(notices::owe(
                NoticeKind::ObjectionLimitReached,
                &recipients::office(app),
                data,
                Some(application.id),
                now,
            )?);
        }
        if let Some(to) = objector(&objection) {
            tx.push(notices::owe(
                NoticeKind::ObjectionReceived,
                &to,
                data,
                Some(application.id),
                now,
            )?);
        }
        // The objector's identity stays in the objection, never in the application's trail.
        tx.push(audit(
            keys::application_partition(application.id),
            "public",
            "objection_received",
            &[("receipt", objection.id.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        let upload = match &attachment {
            Some((attachment, _)) => Some(attachments::upload_link(app, attachment, now).await?),
            None => None,
        };
        Ok(Receipt {
            receipt: objection.id,
            received_at: now,
            upload,
        })
    })
    .await
}

/// Every objection of a cycle, oldest first (GSI1 `CYCLE#<cycle>#OBJECTIONS`).
async fn objections_of(app: &App, cycle_id: &str) -> Result<Vec<Stored<Objection>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::cycle_objections_partition(cycle_id)),
    )
    .await?
    .into_iter()
    .map(from_item::<Objection>)
    .collect()
}

/// Whether an objection against the application is still open.
pub(super) async fn open_objection(
    app: &App,
    cycle_id: &str,
    application_id: Ulid,
) -> Result<bool, AppError> {
    open_objection_other_than(app, cycle_id, application_id, None).await
}

/// Whether an objection against the application other than `except` is still open.
async fn open_objection_other_than(
    app: &App,
    cycle_id: &str,
    application_id: Ulid,
    except: Option<Ulid>,
) -> Result<bool, AppError> {
    Ok(objections_of(app, cycle_id).await?.iter().any(|stored| {
        Some(stored.record.id) != except
            && stored.record.application_id == application_id
            && stored.record.status == ObjectionStatus::Open
    }))
}

/// `GET /cycles/{id}/objections` (office): with the objectors' identities (the Office's alone).
pub async fn list_objections(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<Vec<Objection>, AppError> {
    caller.require(Role::Office)?;
    cycles::load_cycle(app, cycle_id).await?;
    Ok(objections_of(app, cycle_id)
        .await?
        .into_iter()
        .map(|stored| stored.record)
        .collect())
}

/// `POST /objections/{id}/decision` (office): `{"upheld": true, "reply": "…"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionDecision {
    pub upheld: bool,
    pub reply: String,
}

/// The Office's finding: upheld → the application is rejected with the reply as its reason (it
/// leaves the list; the applicant, the Office and the public are told), in the same transaction
/// as the objection; not upheld → the reply is recorded. The objector is sent the reply when it
/// gave an email. Errors: `ObjectionNotFound`, `ObjectionDecided`, `InvalidText`.
pub async fn decide_objection(
    app: &App,
    caller: &Caller,
    objection_id: Ulid,
    input: ObjectionDecision,
    now: DateTime<Utc>,
) -> Result<Objection, AppError> {
    caller.require(Role::Office)?;
    let reply = validation::text("reply", &input.reply, MAX_OBJECTION_CHARS, true)?;
    let reply = &reply;
    retry_on_conflict(|| async move {
        let stored = store::load::<Objection>(app.table.as_ref(), &keys::objection(objection_id))
            .await?
            .ok_or(AppError::ObjectionNotFound)?;
        if stored.record.status != ObjectionStatus::Open {
            return Err(AppError::ObjectionDecided);
        }
        let mut objection = stored.record.clone();
        objection.status = if input.upheld {
            ObjectionStatus::Upheld
        } else {
            ObjectionStatus::Dismissed
        };
        objection.reply = Some(reply.clone());
        objection.decided_by = Some(caller.sub().to_owned());
        objection.decided_at = Some(now);
        // The application, its cycle and whether another objection against it is open: at once.
        let (loaded_application, cycle, others_open) = tokio::try_join!(
            load_application(app, objection.application_id),
            cycles::load_cycle(app, &objection.cycle_id),
            open_objection_other_than(
                app,
                &objection.cycle_id,
                objection.application_id,
                Some(objection.id),
            )
        )?;
        let application = loaded_application.record.clone();
        let cycle = cycle.record;
        let answer = |objection: &Objection| -> Result<Tx, AppError> {
            let mut tx = Tx::new();
            tx.guard(store::replace(objection, stored.version)?, || {
                AppError::ObjectionDecided
            });
            if let Some(to) = objector(objection) {
                let about = About {
                    application: &application,
                    cycle: &cycle.cycle,
                    recommender: None,
                };
                tx.push(notices::owe(
                    NoticeKind::ObjectionAnswered,
                    &to,
                    about.data(&BTreeMap::from([
                        ("receipt".to_owned(), objection.id.to_string()),
                        (
                            "finding".to_owned(),
                            if objection.status == ObjectionStatus::Upheld {
                                "异议成立".to_owned()
                            } else {
                                "异议不成立".to_owned()
                            },
                        ),
                        (
                            "reply".to_owned(),
                            objection.reply.clone().unwrap_or_default(),
                        ),
                    ])),
                    Some(application.id),
                    now,
                )?);
            }
            Ok(tx)
        };
        if input.upheld {
            let request = StageCommand {
                application_id: objection.application_id,
                command: Command::Reject {
                    reason: reply.clone(),
                },
                actor: &caller.actor,
                now,
                notice_data: BTreeMap::new(),
                settings: Settings::default(),
            };
            let objection = &objection;
            stage::advance_with(
                app,
                &request,
                |_| Ok(()),
                |_| Ok(()),
                |_, _| answer(objection),
            )
            .await?;
        } else {
            let mut tx = answer(&objection)?;
            tx.push(audit(
                keys::application_partition(objection.application_id),
                caller.sub(),
                "objection_dismissed",
                &[("receipt", objection.id.to_string())],
                now,
            )?);
            // The last open objection of a period already over: the publicity closes now (the
            // daily run has passed it by), in the same transaction as the finding.
            let day = today(now);
            if let Some(publicity) = application.lifecycle.publicity
                && application.state() == ApplicationState::InPublicity
                && application.publicity_closed_on.is_none()
                && day > publicity.last_day
                && !others_open
            {
                let mut closed = application.clone();
                closed.publicity_closed_on = Some(day);
                closed.updated_at = now;
                tx.guard(store::replace(&closed, loaded_application.version)?, || {
                    AppError::from(TableError::Conflict)
                });
                let about = About {
                    application: &closed,
                    cycle: &cycle.cycle,
                    recommender: None,
                };
                tx.push(notices::owe(
                    NoticeKind::PublicityClosed,
                    &recipients::office(app),
                    about.data(&BTreeMap::new()),
                    Some(application.id),
                    now,
                )?);
                tx.push(audit(
                    keys::application_partition(application.id),
                    caller.sub(),
                    "publicity_closed",
                    &[("last_day", publicity.last_day.to_string())],
                    now,
                )?);
            }
            tx.commit(app.table.as_ref()).await?;
        }
        Ok(objection)
    })
    .await
}
