//! Projections: small items kept beside an application so that a list reads a few items, not
//! every application of a cycle in full (issue 23).
//!
//! * **The public row** (`CYCLE#<cycle>` / `CYCLE#PUBLIC#<application>`), once the application
//!   entered the publicity (Art. 11(8)): its name, code, place, state, certificate and validity —
//!   only what the publicity notice and the award announcement make public. Its sort key extends
//!   the cycle item's (`CYCLE`), so one `Query` (`begins_with "CYCLE"`) reads the cycle and every
//!   row of its public list: the public publicity list and the winners (Art. 11(8)–(9)).
//! * **The inbox row** (`REC#<unit>` / `INBOX#<application>`), once the applicant chose the unit
//!   (Art. 11(3)): the summary the unit's inbox shows, so the inbox is one `Query` per unit.
//!
//! They are written by ONE mechanism: [`Projecting`], the table every [`crate::App`] is built
//! over, adds them to any transaction that puts an application, from the application as it is
//! put. No use case writes one by hand, so none can forget: the same transaction that changes the
//! application changes its rows, and a row is never newer or older than its application. A row
//! is never deleted: it carries the state, and the reads keep the states they show (a name that
//! left the list, a draft sent back to the applicant).

use std::sync::Arc;

use async_trait::async_trait;
use award_domain::award::Validity;
use award_domain::eligibility::{Condition, Outcome, Overall, Screening};
use award_domain::lifecycle::{ApplicationState, AwardRecord};
use award_ports::table::{Page, Transaction};
use award_ports::{Condition as WriteCondition, Item, Key, Query, Table, TableError, Write};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::error::AppError;
use crate::keys::{self, ItemKeys, item_type};
use crate::model::Application;
use crate::store::{Record, from_item, to_item, type_of};

/// One name of a cycle's public list (Art. 11(8)–(9)): what the notices publish of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRow {
    pub application_id: Ulid,
    pub cycle_id: String,
    pub organisation_name: String,
    pub uscc: String,
    /// GB/T 2260 code of the registered place.
    pub division_code: String,
    pub state: ApplicationState,
    /// Once awarded (Art. 11(9)).
    pub award: Option<AwardRecord>,
    /// Once approved: the five years of Art. 5, China dates.
    pub validity: Option<Validity>,
}

impl PublicRow {
    /// The row of an application that entered the publicity; `None` before.
    pub fn of(application: &Application) -> Option<Self> {
        application.lifecycle.publicity.as_ref()?;
        Some(Self {
            application_id: application.id,
            cycle_id: application.cycle_id.clone(),
            organisation_name: application.organisation_name().to_owned(),
            uscc: application.uscc.clone(),
            division_code: application.form.organisation.division_code.clone(),
            state: application.state(),
            award: application.lifecycle.award.clone(),
            validity: application.lifecycle.validity,
        })
    }
}

impl Record for PublicRow {
    const TYPE: &'static str = item_type::PUBLIC_ROW;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::public_row(&self.cycle_id, self.application_id))
    }
}

/// One application in a recommending unit's inbox (Art. 11(3)), as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub unit_id: Ulid,
    pub summary: ApplicationSummary,
}

impl InboxRow {
    /// The row of an application that names a unit; `None` while it names none.
    pub fn of(application: &Application) -> Option<Self> {
        Some(Self {
            unit_id: application.recommender_id?,
            summary: ApplicationSummary::from(application),
        })
    }
}

impl Record for InboxRow {
    const TYPE: &'static str = item_type::INBOX_ROW;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::inbox_row(self.unit_id, self.summary.id))
    }
}

/// The projection items of `application` as it is about to be stored.
pub fn of_application(application: &Application) -> Result<Vec<Item>, AppError> {
    let mut items = Vec::new();
    if let Some(row) = PublicRow::of(application) {
        items.push(to_item(&row, 1)?);
    }
    if let Some(row) = InboxRow::of(application) {
        items.push(to_item(&row, 1)?);
    }
    Ok(items)
}

/// A [`Table`] that adds, to every transaction putting an application, the application's
/// projection items (unconditional puts after the caller's writes, so the index of a failed
/// condition still names the caller's write). Reads pass through.
pub struct Projecting {
    inner: Arc<dyn Table>,
}

impl Projecting {
    pub fn new(inner: Arc<dyn Table>) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl Table for Projecting {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.inner.get(key).await
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        self.inner.query(query).await
    }

    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
        let mut added = Vec::new();
        for write in transaction.writes() {
            let Write::Put { item, .. } = write else {
                continue;
            };
            if type_of(item) != Some(item_type::APPLICATION) {
                continue;
            }
            let application = from_item::<Application>(item.clone())
                .map_err(|error| {
                    TableError::Invalid(format!("an application to project: {error}"))
                })?
                .record;
            let items = of_application(&application)
                .map_err(|error| TableError::Invalid(format!("a projection: {error}")))?;
            added.extend(items.into_iter().map(|item| Write::Put {
                item,
                condition: WriteCondition::None,
            }));
        }
        if added.is_empty() {
            return self.inner.transact_items(transaction).await;
        }
        // Still the caller's transaction (its identity kept): a retry of it stays a retry.
        self.inner
            .transact_items(transaction.extended(added)?)
            .await
    }
}

/// An application as the Office's lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApplicationSummary {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub cycle_id: String,
    pub organisation_name: String,
    pub uscc: String,
    pub state: ApplicationState,
    #[schemars(with = "Option<String>")]
    pub recommender_id: Option<Ulid>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Art. 11(4): the screening's outcome and what failed or waits for the Office, once screened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<ScreeningSummary>,
    /// Where a `rejected` application was turned down (`recommendation`, Art. 11(3);
    /// `combined_evaluation`, 11(7); `committee` or `publicity`, 11(8)), so that a cycle's funnel
    /// knows how far it got; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_at: Option<award_domain::lifecycle::Gate>,
    /// Art. 11(3): once the unit recommended, whether the scan of its sealed recommendation page
    /// (盖章推荐页) is filed; absent before the recommendation (and on a declined application).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed_recommendation: Option<SealedPageStatus>,
}

/// Whether the sealed recommendation page of a recommended application is filed (Art. 11(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SealedPageStatus {
    /// A scan was received and passed the checks.
    Received,
    /// None yet: the Office chases it (`eligibility::items_to_chase`).
    Missing,
}

impl SealedPageStatus {
    pub fn of(application: &Application) -> Option<Self> {
        application.recommendation.as_ref().map(|recommendation| {
            if recommendation.sealed_page.is_some() {
                Self::Received
            } else {
                Self::Missing
            }
        })
    }
}

impl From<&Application> for ApplicationSummary {
    fn from(application: &Application) -> Self {
        Self {
            id: application.id,
            cycle_id: application.cycle_id.clone(),
            organisation_name: application.organisation_name().to_owned(),
            uscc: application.uscc.clone(),
            state: application.state(),
            recommender_id: application.recommender_id,
            submitted_at: application.lifecycle.submitted_at,
            updated_at: application.updated_at,
            screening: ScreeningSummary::of(application),
            rejected_at: application
                .lifecycle
                .rejection
                .as_ref()
                .map(|rejection| rejection.gate),
            sealed_recommendation: SealedPageStatus::of(application),
        }
    }
}

/// The screening an application has: under review (`Application::screening`), else the one the
/// Office confirmed (kept by the lifecycle).
pub fn current(application: &Application) -> Option<&Screening> {
    application
        .screening
        .as_ref()
        .map(|record| &record.screening)
        .or(application.lifecycle.screening.as_ref())
}

pub fn unsettled(screening: &Screening) -> Vec<Condition> {
    screening
        .verdicts
        .iter()
        .filter(|verdict| verdict.outcome == Outcome::NeedsReview)
        .map(|verdict| verdict.condition)
        .collect()
}

/// The Office's list shows this of each application's screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScreeningSummary {
    pub overall: Overall,
    pub failed: Vec<Condition>,
    pub needs_review: Vec<Condition>,
}

impl ScreeningSummary {
    pub fn of(application: &Application) -> Option<Self> {
        let screening = current(application)?;
        Some(Self {
            overall: screening.overall(),
            failed: screening
                .verdicts
                .iter()
                .filter(|verdict| verdict.outcome == Outcome::Fail)
                .map(|verdict| verdict.condition)
                .collect(),
            needs_review: unsettled(screening),
        })
    }
}
