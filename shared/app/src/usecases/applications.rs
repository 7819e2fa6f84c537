//! Applications (Art. 11(2)): an applicant account creates its organisation's draft in the open
//! cycle, reads it with its documents, lists its own.

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::lifecycle::ApplicationState;
use award_ports::{Condition, Index, Query, SortCondition, Write};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys::{self, item_type};
use crate::model::{Application, CycleRecord, Document, NoticeTemplate, OrganisationGuard, new_id};
use crate::notices;
use crate::store::{self, Stored, failed_condition, from_item, query_all, retry_on_conflict};
use crate::usecases::{audit, cycles};
use crate::validation;

/// `POST /applications`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub organisation_name: String,
    pub uscc: String,
    pub registration_date: String,
    pub division_code: String,
    pub contact_email: String,
}

/// An application with its documents, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: Application,
    pub documents: Vec<Document>,
}

pub async fn create_application(
    app: &App,
    caller: &Caller,
    input: NewApplication,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Applicant)?;
    let organisation_name = validation::name(&input.organisation_name).ok_or(
        AppError::InvalidOrganisationName("must be 1-200 characters on one line"),
    )?;
    let uscc = validation::uscc(&input.uscc)?;
    let registration_date = validation::date(&input.registration_date)
        .ok_or(AppError::InvalidRegistrationDate("must be YYYY-MM-DD"))?;
    if registration_date > china_date(now) {
        return Err(AppError::InvalidRegistrationDate("is in the future"));
    }
    let division_code = validation::division_code(&input.division_code)?;
    let contact_email = validation::email(&input.contact_email)?;

    let (organisation_name, uscc, division_code, contact_email) =
        (&organisation_name, &uscc, &division_code, &contact_email);
    retry_on_conflict(|| async move {
        let Stored {
            record: CycleRecord { cycle, .. },
            version: cycle_version,
        } = cycles::load_open_cycle(app).await?;
        // Art. 11(2): the cycle is open (the guard said so); what is left is its deadline day.
        if !cycle.accepts_applications(now) {
            return Err(AppError::ApplicationDeadlinePassed);
        }
        let application = Application {
            id: new_id(now),
            cycle_id: cycle.id.clone(),
            owner_sub: caller.sub().to_owned(),
            organisation_name: organisation_name.clone(),
            uscc: uscc.as_str().to_owned(),
            registration_date,
            division_code: division_code.clone(),
            contact_email: contact_email.clone(),
            state: ApplicationState::Draft,
            created_at: now,
            updated_at: now,
        };
        let notice_data = BTreeMap::from([
            (
                "organisation_name".to_owned(),
                application.organisation_name.clone(),
            ),
            ("application_id".to_owned(), application.id.to_string()),
            ("cycle_title".to_owned(), cycle.title.clone()),
            ("uscc".to_owned(), application.uscc.clone()),
            (
                "application_deadline".to_owned(),
                cycle.application_deadline.to_string(),
            ),
        ]);
        let writes = vec![
            // The cycle must still be the open one it was when loaded.
            Write::Check {
                key: keys::cycle(&cycle.id),
                condition: Condition::VersionEquals(cycle_version),
            },
            store::create(&application)?,
            store::create(&OrganisationGuard {
                cycle_id: application.cycle_id.clone(),
                uscc: application.uscc.clone(),
                application_id: application.id,
            })?,
            notices::owe(
                NoticeTemplate::ApplicationReceived,
                &application.contact_email,
                notice_data,
                now,
            )?,
            audit(
                keys::application_partition(application.id),
                caller.sub(),
                "application_created",
                &[
                    ("cycle_id", application.cycle_id.clone()),
                    ("uscc", application.uscc.clone()),
                ],
                now,
            )?,
        ];
        match app.table.transact(writes).await.map_err(AppError::from) {
            Ok(()) => Ok(application),
            Err(error) => Err(match failed_condition(&error) {
                Some(0) => AppError::CycleNotOpen,
                Some(2) => AppError::DuplicateApplication,
                _ => error,
            }),
        }
    })
    .await
}

/// Whether `caller` may see `application`: its owner, or the office (Art. 9(4)).
pub(crate) fn may_read(caller: &Caller, application: &Application) -> bool {
    (caller.has(Role::Applicant) && application.owner_sub == caller.sub())
        || caller.has(Role::Office)
}

/// Loads an application the caller may read; anyone else learns nothing, not even that it exists.
pub(crate) async fn load_readable(
    app: &App,
    caller: &Caller,
    id: Ulid,
) -> Result<Stored<Application>, AppError> {
    if !caller.has(Role::Applicant) && !caller.has(Role::Office) {
        return Err(AppError::Forbidden);
    }
    match store::load::<Application>(app.table.as_ref(), &keys::application(id)).await? {
        Some(loaded) if may_read(caller, &loaded.record) => Ok(loaded),
        _ => Err(AppError::ApplicationNotFound),
    }
}

/// `GET /applications/{id}`: the application and its documents in one query of its partition.
pub async fn get_application(
    app: &App,
    caller: &Caller,
    id: Ulid,
) -> Result<ApplicationView, AppError> {
    if !caller.has(Role::Applicant) && !caller.has(Role::Office) {
        return Err(AppError::Forbidden);
    }
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(id)),
    )
    .await?;
    let mut application = None;
    let mut documents = Vec::new();
    for item in items {
        match store::type_of(&item) {
            Some(item_type::APPLICATION) => {
                application = Some(from_item::<Application>(item)?.record);
            }
            Some(item_type::DOCUMENT) => documents.push(from_item::<Document>(item)?.record),
            _ => {}
        }
    }
    match application {
        Some(application) if may_read(caller, &application) => Ok(ApplicationView {
            application,
            documents,
        }),
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
        .map(|item| from_item::<Application>(item).map(|stored| stored.record))
        .collect()
}
