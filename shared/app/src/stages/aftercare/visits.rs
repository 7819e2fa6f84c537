//! Follow-up visits (Art. 16).

use super::*;

/// `POST /applications/{id}/visits` (office).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FollowUpVisitInput")]
pub struct VisitInput {
    pub date: NaiveDate,
    pub visitors: Vec<String>,
    pub findings: String,
    /// Documents of category `visit_report` already received on the application.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub document_ids: Vec<Ulid>,
}

/// Records a follow-up visit to a winner (Art. 16): its date (not in the future, not before the
/// approval), the visitors, the findings, the visit reports uploaded as the application's
/// documents of category `visit_report`; the same record sent twice is recorded once. Errors:
/// `NotAWinner`, `FutureDate`, `InvalidFollowUpDate` (before the approval), `InvalidField`
/// (visitors), `InvalidText`, `InvalidVisitDocument` (not a received `visit_report` of this
/// application).
pub async fn record_visit(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: VisitInput,
    now: DateTime<Utc>,
) -> Result<FollowUpVisit, AppError> {
    caller.require(Role::Office)?;
    let application = load_application(app, application_id).await?.record;
    let validity = winner_validity(&application)?;
    let today = china_date(now);
    if input.date > today {
        return Err(AppError::FutureDate {
            date: input.date,
            today,
        });
    }
    // Art. 16 visits the winners: within the award's validity.
    let latest = today.min(validity.last_valid_day);
    if input.date < validity.approved_on || input.date > latest {
        return Err(AppError::InvalidFollowUpDate {
            date: input.date,
            from: validity.approved_on,
            to: latest,
        });
    }
    if input.visitors.is_empty() || input.visitors.len() > 20 {
        return Err(AppError::invalid_field(
            "visitors: 1 to 20 names",
            "visitors：应填写 1 至 20 名巡访人员",
        ));
    }
    let visitors = input
        .visitors
        .iter()
        .map(|name| validation::text("visitors", name, 50, false))
        .collect::<Result<Vec<_>, _>>()?;
    let findings = validation::text("findings", &input.findings, 5000, true)?;
    for id in &input.document_ids {
        let document = store::load::<crate::model::Document>(
            app.table.as_ref(),
            &keys::document(application_id, *id),
        )
        .await?
        .ok_or(AppError::InvalidVisitDocument)?
        .record;
        if document.category != award_domain::form::DocumentCategory::VisitReport
            || document.status != DocumentStatus::Received
        {
            return Err(AppError::InvalidVisitDocument);
        }
    }
    // One record is one visit: its key is its content's fingerprint, created only once, so a
    // retry or a double click, even at the same moment, finds the visit already recorded.
    let mut visitors = visitors;
    visitors.sort();
    let mut document_ids = input.document_ids.clone();
    document_ids.sort();
    document_ids.dedup();
    let fingerprint = {
        use sha2::{Digest, Sha256};
        let canonical = serde_json::json!([input.date, visitors, findings, document_ids]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))[..16].to_owned()
    };
    let key = keys::visit(application_id, input.date, &fingerprint);
    if let Some(same) = store::load::<FollowUpVisit>(app.table.as_ref(), &key).await? {
        return Ok(same.record);
    }
    let visit = FollowUpVisit {
        id: new_id(now),
        fingerprint,
        application_id,
        date: input.date,
        visitors,
        findings,
        document_ids,
        recorded_by: caller.sub().to_owned(),
        recorded_at: now,
    };
    let mut tx = Tx::new();
    tx.guard(store::create(&visit)?, || AppError::ConcurrentUpdate);
    tx.push(audit(
        keys::application_partition(application_id),
        caller.sub(),
        "follow_up_visit_recorded",
        &[
            ("visit_id", visit.id.to_string()),
            ("date", visit.date.to_string()),
        ],
        now,
    )?);
    match tx.commit(app.table.as_ref()).await {
        Ok(()) => Ok(visit),
        // The same record landed at the same moment: that one is this visit.
        Err(AppError::ConcurrentUpdate) => store::load::<FollowUpVisit>(app.table.as_ref(), &key)
            .await?
            .map(|stored| stored.record)
            .ok_or(AppError::ConcurrentUpdate),
        Err(other) => Err(other),
    }
}

/// A winner's visits, and the next one scheduled.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Visits {
    pub visits: Vec<FollowUpVisit>,
    /// China date of the next follow-up visit due, if any.
    pub next_visit_due: Option<NaiveDate>,
}

/// `GET /applications/{id}/visits` (the Office; the holder, which sees no document ids).
/// Errors: `ApplicationNotFound` (also to anyone else).
pub async fn visits(app: &App, caller: &Caller, application_id: Ulid) -> Result<Visits, AppError> {
    let application = load_application(app, application_id).await?.record;
    let staff = caller.has(Role::Office);
    let holder = caller.has(Role::Applicant) && application.owner() == caller.sub();
    if !(staff || holder) {
        return Err(AppError::ApplicationNotFound);
    }
    let partition = keys::application_partition(application_id);
    let mut visits: Vec<FollowUpVisit> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, partition.clone())
            .sort(SortCondition::BeginsWith(keys::VISIT_PREFIX.to_owned())),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<FollowUpVisit>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    if !staff {
        for visit in &mut visits {
            visit.document_ids.clear();
        }
    }
    let next_visit_due = if application.state() == ApplicationState::Awarded {
        pending_visits(app, application_id)
            .await?
            .first()
            .map(|due| due.date)
    } else {
        None
    };
    Ok(Visits {
        visits,
        next_visit_due,
    })
}

/// The application's follow-up visits still scheduled, earliest first.
async fn pending_visits(app: &App, application_id: Ulid) -> Result<Vec<DueItem>, AppError> {
    let mut due: Vec<DueItem> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(application_id))
            .sort(SortCondition::BeginsWith("DUE#".to_owned())),
    )
    .await?
    .into_iter()
    .filter(|item| store::type_of(item) == Some(keys::item_type::DUE))
    .map(|item| from_item::<DueItem>(item).map(|stored| stored.record))
    .collect::<Result<Vec<_>, _>>()?
    .into_iter()
    .filter(|item| item.kind == ScheduleKind::FollowUpVisit)
    .collect();
    due.sort_by_key(|item| item.date);
    Ok(due)
}

/// `PUT /applications/{id}/next-visit` (office): `{"date": "2028-03-15"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextVisitInput {
    pub date: NaiveDate,
}

/// Moves the next scheduled follow-up visit to `date` (after today, before the visit scheduled
/// after it, within the validity): the due item is replaced in one transaction. Errors:
/// `NotAWinner`, `InvalidFollowUpDate`, `NoVisitScheduled`.
pub async fn reschedule_visit(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: NextVisitInput,
    now: DateTime<Utc>,
) -> Result<Visits, AppError> {
    caller.require(Role::Office)?;
    let application = load_application(app, application_id).await?.record;
    let validity = winner_validity(&application)?;
    let today = china_date(now);
    let pending: Vec<DueItem> = pending_visits(app, application_id)
        .await?
        .into_iter()
        .filter(|due| due.date > today)
        .collect();
    let next = pending.first().cloned().ok_or(AppError::NoVisitScheduled)?;
    // After today, within the validity, and before the visit scheduled after it: two visits never
    // fall on one day.
    let until = pending
        .get(1)
        .and_then(|following| following.date.pred_opt())
        .unwrap_or(validity.last_valid_day)
        .min(validity.last_valid_day);
    let from = today.succ_opt().unwrap_or(today);
    if input.date < from || input.date > until {
        return Err(AppError::InvalidFollowUpDate {
            date: input.date,
            from,
            to: until,
        });
    }
    if next.date != input.date {
        let moved = DueItem {
            date: input.date,
            created_at: now,
            ..next.clone()
        };
        let mut tx = Tx::new();
        tx.guard(handled(&next), || AppError::ConcurrentUpdate);
        tx.push(Write::Put {
            item: store::to_item(&moved, 1)?,
            condition: Condition::None,
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "follow_up_visit_rescheduled",
            &[
                ("from", next.date.to_string()),
                ("to", input.date.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
    }
    visits(app, caller, application_id).await
}

pub(super) fn winner_validity(
    application: &Application,
) -> Result<award_domain::award::Validity, AppError> {
    match (application.state(), application.lifecycle.validity) {
        (ApplicationState::Awarded | ApplicationState::Expired, Some(validity)) => Ok(validity),
        _ => Err(AppError::NotAWinner),
    }
}
