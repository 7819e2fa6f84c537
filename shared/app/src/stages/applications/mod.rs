//! Applications (Art. 11(2)–(3)): an applicant account creates its organisation's draft in the
//! open cycle, fills the application form (申报表) until it submits, and may withdraw; who may
//! read an application is decided here once ([`visible_to`]).

pub mod contact;
pub mod documents;
mod routes;

pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::form::{ApplicationForm, DocumentCategory};
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind};
use award_ports::{Condition, Index, Query, SortCondition, Write};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys::{self, item_type};
use crate::model::{
    Application, ContactAddresses, CycleRecord, Document, DocumentStatus, OrganisationGuard, new_id,
};
use crate::notices;
use crate::reads::applications::{
    ApplicationSummary, documents_of, in_cycle, load_application, stored_documents_of, units_of,
    visible_to,
};
use crate::reads::cycles;
use crate::reads::units::load_recommender;
use crate::recipients::{self, About};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, from_item, query_all, retry_on_conflict};
use crate::validation;

/// `POST /applications`: who is applying. The rest of the form is filled with `PUT`/`PATCH`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub organisation_name: String,
    pub uscc: String,
    pub registration_date: String,
    pub division_code: String,
    /// The contact email; notices go to it once confirmed (else to the account's email).
    pub contact_email: String,
}

/// An application with its documents, as the API returns it, with its `version` (send it back
/// with a form update: a stale one is refused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: Application,
    pub version: u64,
    pub documents: Vec<Document>,
}

/// The caller's verified email, required to create an application: the applicant's notices go
/// only to an address it controls.
fn verified_email(caller: &Caller) -> Result<String, AppError> {
    caller
        .verified_email()
        .ok_or(AppError::AccountEmailUnverified)
        .and_then(|email| validation::email(&email))
}

pub async fn create_application(
    app: &App,
    caller: &Caller,
    input: NewApplication,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Applicant)?;
    let account_email = verified_email(caller)?;
    let organisation_name =
        validation::name("organisation_name", &input.organisation_name, || {
            AppError::InvalidOrganisationName {
                detail: "must be 1-200 characters on one line",
            }
        })?;
    let uscc = validation::uscc(&input.uscc)?;
    let registration_date =
        validation::date(&input.registration_date).ok_or(AppError::InvalidRegistrationDate {
            detail: "must be YYYY-MM-DD",
        })?;
    let registration_date = award_domain::time::past_date(registration_date, china_date(now))
        .map_err(|fault| AppError::InvalidRegistrationDate {
            detail: match fault {
                award_domain::time::DateFault::Future => "is in the future",
                award_domain::time::DateFault::TooEarly => "is before 1949-10-01",
            },
        })?;
    let division_code = validation::division_code(&input.division_code)?;
    let contact_email = validation::email(&input.contact_email)?;

    let mut form = ApplicationForm::default();
    form.organisation.name = organisation_name;
    form.organisation.uscc = uscc;
    form.organisation.registration_date = Some(registration_date);
    form.organisation.division_code = division_code;
    form.contact.email = contact_email.clone();
    let (form, account_email, contact_email) = (&form, &account_email, &contact_email);
    retry_on_conflict(|| async move {
        // The register is read beside the cycle: one round trip, not two (neither needs the other).
        let (
            Stored {
                record: CycleRecord { cycle, .. },
                version: cycle_version,
            },
            history,
        ) = tokio::try_join!(
            cycles::load_open_cycle(app),
            crate::reads::register::history_of(app, &form.organisation.uscc)
        )?;
        // Art. 11(2): the cycle is open (the guard said so); what is left is its deadline day.
        if !cycle.accepts_applications(now) {
            return Err(AppError::ApplicationDeadlinePassed);
        }
        // Arts. 17, 18: a bar that runs on the cycle's deadline is the screening's refusal too;
        // said now, before the enterprise fills a form it may not submit.
        if let Some(bar) = history
            .debarments
            .iter()
            .find(|bar| bar.covers(cycle.application_deadline))
        {
            return Err(AppError::DebarredFromApplying {
                article: bar.ground.article(),
                article_zh: bar.ground.article_zh(),
                last_day: bar.last_day,
                wording_zh: bar.wording_zh(),
            });
        }
        let mut application = Application {
            id: new_id(now),
            cycle_id: cycle.id.clone(),
            uscc: form.organisation.uscc.clone(),
            lifecycle: award_domain::lifecycle::Lifecycle::new_draft(caller.sub()),
            form: form.clone(),
            recommender_id: None,
            recommendation: None,
            screening: None,
            contact: ContactAddresses {
                account_email: account_email.clone(),
                confirmed_email: None,
                pending_email: None,
                pending_until: None,
            },
            reviews: BTreeMap::new(),
            publicity_closed_on: None,
            objection_reminded_on: None,
            reward: None,
            open_case: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = Tx::new();
        // The cycle must still be the open one it was when loaded.
        tx.guard(
            Write::Check {
                key: keys::cycle(&cycle.id),
                condition: Condition::VersionEquals(cycle_version),
            },
            || AppError::CycleNotOpen,
        );
        tx.guard(
            store::create(&OrganisationGuard {
                cycle_id: application.cycle_id.clone(),
                uscc: application.uscc.clone(),
                application_id: application.id,
            })?,
            || AppError::DuplicateApplication,
        );
        tx.extend(contact::confirm_if_needed(
            app,
            &mut application,
            contact_email,
            now,
        )?);
        let about = About {
            application: &application,
            cycle: &cycle,
            recommender: None,
        };
        tx.push(notices::owe(
            NoticeKind::ApplicationCreated,
            &recipients::applicant(&application),
            about.data(&BTreeMap::new()),
            Some(application.id),
            now,
        )?);
        tx.push(audit(
            keys::application_partition(application.id),
            caller.sub(),
            "application_created",
            &[
                ("cycle_id", application.cycle_id.clone()),
                ("uscc", application.uscc.clone()),
            ],
            now,
        )?);
        tx.guard(store::create(&application)?, || AppError::ConcurrentUpdate);
        tx.commit(app.table.as_ref()).await?;
        Ok(application)
    })
    .await
}

/// Loads an application the caller may read, or `ApplicationNotFound`.
pub(crate) async fn load_readable(
    app: &App,
    caller: &Caller,
    id: Ulid,
) -> Result<Stored<Application>, AppError> {
    let units = units_of(app, caller).await?;
    let loaded = load_application(app, id).await?;
    if visible_to(caller, &loaded.record, &units)
        || crate::reads::assignments::expert_may_read(app, caller, id).await?
    {
        Ok(loaded)
    } else {
        Err(AppError::ApplicationNotFound)
    }
}

/// `GET /applications/{id}`: the application and its documents in one query of its partition.
pub async fn get_application(
    app: &App,
    caller: &Caller,
    id: Ulid,
) -> Result<ApplicationView, AppError> {
    let units = units_of(app, caller).await?;
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(id)),
    )
    .await?;
    let mut application = None;
    let mut documents = Vec::new();
    for item in items {
        match store::type_of(&item) {
            Some(item_type::APPLICATION) => application = Some(from_item::<Application>(item)?),
            Some(item_type::DOCUMENT) => documents.push(from_item::<Document>(item)?.record),
            _ => {}
        }
    }
    let expert = match &application {
        Some(stored) if !visible_to(caller, &stored.record, &units) => {
            crate::reads::assignments::expert_may_read(app, caller, id).await?
        }
        _ => false,
    };
    match application {
        Some(stored) if expert || visible_to(caller, &stored.record, &units) => {
            Ok(ApplicationView {
                application: for_caller(caller, stored.record),
                version: stored.version,
                // Staff reports are the Office's alone (Art. 19).
                documents: documents
                    .into_iter()
                    .filter(|document| caller.has(Role::Office) || !document.category.staff_only())
                    .collect(),
            })
        }
        _ => Err(AppError::ApplicationNotFound),
    }
}

/// `GET /applications`: the caller's own applications, newest first.
pub async fn list_own(app: &App, caller: &Caller) -> Result<Vec<Application>, AppError> {
    caller.require(Role::Applicant)?;
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::owner_partition(caller.sub()))
            .sort(SortCondition::BeginsWith(
                keys::OWNER_APPLICATIONS_PREFIX.into(),
            ))
            .descending(),
    )
    .await?;
    items
        .into_iter()
        .map(|item| from_item::<Application>(item).map(|stored| for_caller(caller, stored.record)))
        .collect()
}

/// The application as `caller` may read it: the screening stays the Office's working file until
/// it confirms the outcome (Art. 11(4)); the applicant and its unit learn the result from the
/// `eligible` / `ineligible` notice, and see the verdicts once the outcome is recorded.
///
/// The reviews' scores are the Office's working file too (Arts. 11(5)–(7), 19): nobody else reads
/// them through the application, not even an expert of its panel.
fn for_caller(caller: &Caller, mut application: Application) -> Application {
    if !caller.has(Role::Office) && application.state() == ApplicationState::Recommended {
        application.screening = None;
    }
    if !caller.has(Role::Office) {
        application.reviews.clear();
    }
    application
}

/// `PUT /applications/{id}/form` (the whole form) and `PATCH` (a JSON merge patch, RFC 7396, of
/// the form): `version` is the one last read; the recommending unit is chosen here too.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormUpdate {
    pub version: u64,
    #[serde(default)]
    pub form: Option<serde_json::Value>,
    /// The recommending unit chosen (Art. 11(3)); `null` clears the choice.
    #[serde(default, deserialize_with = "some_or_null")]
    #[schemars(with = "Option<Option<String>>")]
    pub recommender_id: Option<Option<Ulid>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn some_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// RFC 7396 JSON merge patch.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(target), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(
                        target.entry(key.clone()).or_insert(serde_json::Value::Null),
                        value,
                    );
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Whether an update replaces the form or patches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormWrite {
    Replace,
    Patch,
}

/// `PUT`/`PATCH /applications/{id}/form`: only the owner, only a draft, only from the version it
/// read (`409 stale_version` otherwise, nothing written); the form's present fields must be valid
/// (`422 invalid_form` with every issue). The USCC cannot change (`422 uscc_immutable`); a new
/// contact email is confirmed before notices go to it.
pub async fn save_form(
    app: &App,
    caller: &Caller,
    id: Ulid,
    update: FormUpdate,
    mode: FormWrite,
    now: DateTime<Utc>,
) -> Result<ApplicationView, AppError> {
    caller.require(Role::Applicant)?;
    let loaded = load_application(app, id).await?;
    if loaded.record.owner() != caller.sub() {
        return Err(AppError::ApplicationNotFound);
    }
    if loaded.version != update.version {
        return Err(AppError::StaleVersion {
            current: loaded.version,
        });
    }
    if loaded.record.state() != ApplicationState::Draft {
        return Err(AppError::ApplicationNotEditable);
    }
    // The cycle (its rubric), the unit chosen and the documents (for the view returned) at once:
    // one round trip. A unit's refusal waits for the form's.
    let chosen = update.recommender_id.flatten();
    let (cycle, unit, documents) = tokio::try_join!(
        cycles::load_cycle(app, &loaded.record.cycle_id),
        async {
            Ok::<_, AppError>(match chosen {
                Some(unit) => Some(load_recommender(app, unit).await),
                None => None,
            })
        },
        documents_of(app, id)
    )?;
    let cycle = cycle.record.cycle;
    // A draft left when the call closed can no longer be submitted: saving it would only mislead
    // (Art. 11(2)).
    if !cycle.accepts_applications(now) {
        return Err(AppError::ApplicationDeadlinePassed);
    }
    let mut application = loaded.record;
    if let Some(form) = &update.form {
        let merged = match mode {
            FormWrite::Replace => form.clone(),
            FormWrite::Patch => {
                let mut current = serde_json::to_value(&application.form).map_err(|error| {
                    AppError::corrupt(format!("a stored form does not serialise: {error}"))
                })?;
                merge_patch(&mut current, form);
                current
            }
        };
        let encoded = merged.to_string();
        if encoded.len() > award_domain::form::MAX_FORM_JSON_BYTES {
            return Err(AppError::BodyTooLarge {
                max: award_domain::form::MAX_FORM_JSON_BYTES,
            });
        }
        let mut form: ApplicationForm = serde_path_to_error::deserialize(merged)
            .map_err(|error| AppError::from_deserialize(&error))?;
        if form.organisation.uscc.trim().is_empty() {
            form.organisation.uscc = application.uscc.clone();
        }
        if validation::uscc(&form.organisation.uscc)
            .map(|uscc| uscc != application.uscc)
            .unwrap_or(true)
        {
            return Err(AppError::UsccImmutable);
        }
        form.organisation.uscc = application.uscc.clone();
        let issues = form.check_fields(&cycle.rules.rubric, china_date(now));
        if !issues.is_empty() {
            return Err(AppError::InvalidForm { issues });
        }
        if form.organisation.name.trim().is_empty() {
            form.organisation.name = application.form.organisation.name.clone();
        }
        application.form = form;
    }
    if let Some(choice) = update.recommender_id {
        application.recommender_id = match choice {
            None => None,
            Some(_) => {
                let unit = unit
                    .ok_or_else(|| AppError::corrupt("a chosen unit that was not read"))??
                    .record;
                if !unit.active {
                    return Err(AppError::RecommenderInactive);
                }
                Some(unit.id)
            }
        };
    }
    application.updated_at = now;
    let contact_email = application.form.contact.email.trim().to_owned();
    let mut tx = Tx::new();
    if !contact_email.is_empty() {
        tx.extend(contact::confirm_if_needed(
            app,
            &mut application,
            &contact_email,
            now,
        )?);
    }
    tx.guard(store::replace(&application, update.version)?, move || {
        AppError::StaleVersion {
            current: update.version + 1,
        }
    });
    tx.push(audit(
        keys::application_partition(application.id),
        caller.sub(),
        "form_saved",
        &[("mode", format!("{mode:?}").to_lowercase())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(ApplicationView {
        application,
        version: update.version + 1,
        documents,
    })
}

/// `POST /applications/{id}/submit` (Art. 11(2)): only the owner, before the deadline, with a
/// complete form, a recommending unit that covers its division or industry (Art. 11(3)), and
/// every required evidence category received; otherwise `422 submission_incomplete` listing
/// exactly what is missing, nothing written. Notices: `application_submitted` (applicant, Office),
/// `recommendation_requested` (the unit).
pub async fn submit(
    app: &App,
    caller: &Caller,
    id: Ulid,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Applicant)?;
    let loaded = load_application(app, id).await?;
    let application = &loaded.record;
    if application.owner() != caller.sub() {
        return Err(AppError::ApplicationNotFound);
    }
    // Documents still only declared when the application is submitted are closed with it: what
    // the unit and the experts read is what was submitted (Art. 11(2)-(3)), so an upload that
    // completes later through a link issued to the draft never joins it (events::object_created).
    let mut still_declared = Vec::new();
    let mut checked = None;
    if application.state() == ApplicationState::Draft {
        // Everything the checks read, at once: one round trip.
        let (cycle_record, documents, unit) = tokio::try_join!(
            cycles::load_cycle(app, &application.cycle_id),
            stored_documents_of(app, id),
            async {
                match application.recommender_id {
                    Some(unit) => load_recommender(app, unit).await.map(Some),
                    None => Ok(None),
                }
            }
        )?;
        let cycle = &cycle_record.record.cycle;
        if !cycle.accepts_applications(now) {
            return Err(AppError::ApplicationDeadlinePassed);
        }
        let mut missing = application
            .form
            .missing_for_submission(&cycle.rules.rubric, cycle.application_deadline);
        let construction = application
            .form
            .organisation
            .construction_enterprise
            .unwrap_or(false);
        for category in DocumentCategory::required_for_submission(construction) {
            let received = documents.iter().any(|doc| {
                doc.record.category == category && doc.record.status == DocumentStatus::Received
            });
            if !received {
                missing.push(award_domain::form::FieldIssue {
                    field: format!("documents.{}", category.as_str()),
                    code: "document_required",
                    message: format!("a received {} document is required", category.as_str()),
                    message_zh: format!("请上传“{}”并确认已接收。", category.label_zh()),
                });
            }
        }
        if !missing.is_empty() {
            return Err(AppError::SubmissionIncomplete { missing });
        }
        still_declared = documents
            .into_iter()
            .filter(|doc| doc.record.status == DocumentStatus::Declared)
            .collect();
        let Some(unit) = unit.map(|stored| stored.record) else {
            return Err(AppError::RecommenderNotChosen);
        };
        if !unit.active {
            return Err(AppError::RecommenderInactive);
        }
        let organisation = &application.form.organisation;
        if !unit.covers(&organisation.division_code, &organisation.industry_code) {
            return Err(AppError::RecommenderNotApplicable);
        }
        checked = Some(stage::Loaded {
            application: loaded.clone(),
            cycle: cycle_record.record,
            recommender: Some(unit),
            quota: None,
        });
    }
    let still_declared = &still_declared;
    // The domain decides the rest (state, role, owner, deadline) on what is stored at save time:
    // first on what the checks read (the save is guarded by its version), then afresh.
    stage::advance_loaded(
        app,
        &StageCommand {
            application_id: id,
            command: Command::Submit,
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::new(),
            settings: Settings::default(),
        },
        checked,
        |stored| owner_only(caller, stored),
        |stored| {
            // Submitted on a form that changed after the checks above: refuse, the caller retries.
            if stored.form != loaded.record.form
                || stored.recommender_id != loaded.record.recommender_id
            {
                return Err(AppError::StaleVersion {
                    current: loaded.version + 1,
                });
            }
            Ok(())
        },
        |_, _| {
            let mut tx = Tx::new();
            for stored in still_declared {
                let mut closed = stored.record.clone();
                closed.status = DocumentStatus::Rejected;
                closed.rejection_reason = Some(crate::model::CLOSED_AT_SUBMISSION.to_owned());
                // Its upload was checked meanwhile: the caller submits again on what is stored.
                tx.guard(store::replace(&closed, stored.version)?, || {
                    AppError::ConcurrentUpdate
                });
            }
            Ok(tx)
        },
    )
    .await
}

fn owner_only(caller: &Caller, application: &Application) -> Result<(), AppError> {
    if application.owner() == caller.sub() {
        Ok(())
    } else {
        Err(AppError::ApplicationNotFound)
    }
}

/// `POST /applications/{id}/withdraw`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    pub reason: String,
}

/// `POST /applications/{id}/withdraw`: the owner withdraws, with a reason, until the decision
/// (the domain says when); notices to whoever already holds it.
pub async fn withdraw(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: Withdrawal,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Applicant)?;
    let reason = validation::text("reason", &input.reason, 500, true)?;
    stage::advance(
        app,
        &StageCommand {
            application_id: id,
            command: Command::Withdraw {
                reason: reason.clone(),
            },
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([("reason".to_owned(), reason)]),
            settings: Settings::default(),
        },
        |stored| owner_only(caller, stored),
        |_| Ok(()),
    )
    .await
    .map(|application| for_caller(caller, application))
}

/// `GET /cycles/{id}/applications?state=…` (office).
pub async fn list_for_cycle(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    state: Option<&str>,
) -> Result<Vec<ApplicationSummary>, AppError> {
    caller.require(Role::Office)?;
    cycles::load_cycle(app, cycle_id).await?;
    let state = match state {
        None => None,
        Some(name) => Some(
            ApplicationState::ALL
                .into_iter()
                .find(|state| state.as_str() == name)
                .ok_or_else(|| {
                    AppError::invalid_query(
                        format!("state: no state {name:?}"),
                        format!("state：没有状态 {name}"),
                    )
                })?,
        ),
    };
    Ok(in_cycle(app, cycle_id, state)
        .await?
        .iter()
        .map(ApplicationSummary::from)
        .collect())
}
