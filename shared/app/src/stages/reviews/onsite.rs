//! On-site visit and survey (Art. 11(6)).

use super::*;

/// `PUT /applications/{id}/onsite-visit` (office): `{"date": "2027-05-12", "notes": "…"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "OnsiteVisitInput")]
pub struct VisitInput {
    pub date: NaiveDate,
    #[serde(default)]
    pub notes: String,
}

/// Records the on-site visit of a shortlisted application and tells the applicant its date (again
/// only when the date changes). Errors: `ReviewNotOpen`, `InvalidVisitDate` (on or before the
/// recommendation deadline), `InvalidText` (notes over 2000 characters).
pub async fn record_visit(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: VisitInput,
    now: DateTime<Utc>,
) -> Result<PhaseReview, AppError> {
    caller.require(Role::Office)?;
    if input.notes.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::InvalidText {
            field: "notes",
            max: MAX_COMMENT_CHARS,
        });
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = crate::reads::applications::load_application(app, application_id).await?;
        require_scoring(&loaded.record, ReviewPhase::Onsite)?;
        let cycle = cycles::load_cycle(app, &loaded.record.cycle_id)
            .await?
            .record;
        // The visit belongs to this cycle's review: after its recommendation deadline.
        if input.date <= cycle.cycle.recommendation_deadline {
            return Err(AppError::InvalidVisitDate {
                date: input.date,
                after: cycle.cycle.recommendation_deadline,
            });
        }
        let mut application = loaded.record.clone();
        let rescheduled = application
            .reviews
            .get(&ReviewPhase::Onsite)
            .and_then(|review| review.visit.as_ref())
            .is_none_or(|visit| visit.date != input.date);
        let review = application.reviews.entry(ReviewPhase::Onsite).or_default();
        review.visit = Some(OnsiteVisit {
            date: input.date,
            notes: input.notes.trim().to_owned(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        let review = review.clone();
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        let about = About {
            application: &application,
            cycle: &cycle.cycle,
            recommender: None,
        };
        // The applicant is told of a new date, not of every correction of the notes.
        if rescheduled {
            tx.push(notices::owe(
                NoticeKind::OnsiteVisitScheduled,
                &recipients::applicant(&application),
                about.data(&BTreeMap::from([(
                    "visit_date".to_owned(),
                    input.date.to_string(),
                )])),
                Some(application_id),
                now,
            )?);
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "onsite_visit_recorded",
            &[("date", input.date.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(review)
    })
    .await
}

/// `PUT /applications/{id}/survey` (office): `{"score": 86.5, "respondents": 120, "method": "…"}`,
/// the score 0–100 with at most two decimals (stored in hundredths, `Centi`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    pub score: serde_json::Number,
    pub respondents: u32,
    pub method: String,
}

/// A score 0–100 with at most two decimals, in hundredths; read from the JSON number's digits, so
/// no binary fraction rounds it.
pub fn score_hundredths(number: &serde_json::Number) -> Option<Centi> {
    let text = number.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(fraction)?;
    (0..=10_000).contains(&value).then_some(Centi(value))
}

/// Records the satisfaction survey, then aggregates the on-site phase (the survey may be the last
/// thing it waited for). Errors: `InvalidSurvey`, `ReviewNotOpen`.
pub async fn record_survey(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: SurveyInput,
    now: DateTime<Utc>,
) -> Result<AggregateOutcome, AppError> {
    caller.require(Role::Office)?;
    let score = score_hundredths(&input.score).ok_or(AppError::InvalidSurvey {
        detail: "the score is a number from 0 to 100 with at most two decimals",
    })?;
    if input.respondents == 0 {
        return Err(AppError::InvalidSurvey {
            detail: "at least one respondent",
        });
    }
    let method = input.method.trim();
    if method.is_empty() || method.chars().count() > 500 {
        return Err(AppError::InvalidSurvey {
            detail: "the method is 1-500 characters",
        });
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = crate::reads::applications::load_application(app, application_id).await?;
        require_scoring(&loaded.record, ReviewPhase::Onsite)?;
        let mut application = loaded.record.clone();
        application
            .reviews
            .entry(ReviewPhase::Onsite)
            .or_default()
            .survey = Some(SatisfactionSurvey {
            score,
            respondents: input.respondents,
            method: method.to_owned(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "survey_recorded",
            &[
                ("score", score.to_string()),
                ("respondents", input.respondents.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(())
    })
    .await?;
    aggregate(app, application_id, ReviewPhase::Onsite, caller.sub(), now).await
}
