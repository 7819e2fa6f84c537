//! Eligibility screening (Arts. 5, 10, 11(4), 17, 18): the stage after recommendation.
//!
//! The `screening` function runs when an application becomes `recommended` (the table's stream,
//! filtered to such images) and when the Office asks again after a correction: it assembles the
//! domain's `EligibilityFacts` from the form and the recommendation, the organisation's history
//! from the register, runs `eligibility::screen` as of the cycle's application deadline and
//! stores the result with the application, in one transaction with its audit record. A run over
//! unchanged inputs (a redelivered record, the stream record of its own write) writes nothing.
//!
//! Nothing is decided for the applicant automatically: the Office settles each "needs review"
//! verdict with a written reason (`Screening::settle`) and confirms the outcome, which is the
//! domain's `RecordEligibility` on the stage path (`eligible` / `ineligible` notices).

mod routes;

pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::eligibility::{
    self, Condition, ItemToChase, Outcome, Overall, RecommendationFacts, Screening,
};
use award_domain::lifecycle::{ApplicationState, Command};
use award_ports::TableError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::batch::{Changes, Handled, StreamBatchOutcome, partial_batch, typed_image};
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys::{self};
use crate::model::{Application, SYSTEM_ACTOR, ScreeningRecord};
use crate::reads::applications::{current, load_application, unsettled};
use crate::reads::units::load_recommender;
use crate::reads::{applications, cycles, register};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Tx, retry_on_conflict};

/// Every condition `eligibility::screen` gives a verdict on, in its order: the export's columns.
pub const CONDITIONS: [Condition; 14] = [
    Condition::Registration,
    Condition::OperatingYears,
    Condition::Compliance,
    Condition::QualitySystem,
    Condition::SelfAssessment,
    Condition::KeyIndicators,
    Condition::Inspections,
    Condition::ConstructionAward,
    Condition::Credit,
    Condition::Incidents,
    Condition::UsccCheckCharacter,
    Condition::NotDebarred,
    Condition::NoValidAward,
    Condition::Recommendation,
];

/// A condition as the Measures word it, and its article, in Chinese (notices and the export).
pub fn condition_zh(condition: Condition) -> (&'static str, &'static str) {
    match condition {
        Condition::Registration => ("在武威市依法登记注册", "第二条、第十条第一项"),
        Condition::OperatingYears => ("注册满3年且生产经营正常", "第十条第一项"),
        Condition::Compliance => (
            "符合产业、环保、节能、安全生产和质量等法律法规要求",
            "第十条第一项",
        ),
        Condition::QualitySystem => ("质量管理体系认证有效", "第十条第二项"),
        Condition::SelfAssessment => ("按卓越绩效评价准则完成自评", "第十条第三项、第十一条第二项"),
        Condition::KeyIndicators => ("提供近3年关键经营指标", "第十条第三项"),
        Condition::Inspections => ("近3年质量抽查和出口检验均合格", "第十条第四项"),
        Condition::ConstructionAward => ("建筑施工企业获得省级以上优质工程奖", "第十条第四项"),
        Condition::Credit => ("质量信用记录良好", "第十条第五项"),
        Condition::Incidents => (
            "近3年未发生重大质量、安全、环境污染、公共卫生事故或重大投诉",
            "第十条第六项",
        ),
        Condition::UsccCheckCharacter => ("统一社会信用代码校验无误", "第十一条第四项、GB 32100"),
        Condition::NotDebarred => ("不在被撤销奖项后的禁止申报期内", "第十七条、第十八条"),
        Condition::NoValidAward => ("不持有仍在有效期内的质量奖", "第五条"),
        Condition::Recommendation => ("在推荐截止日前获得推荐", "第十一条第三项"),
    }
}

fn outcome_zh(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "通过",
        Outcome::Fail => "不通过",
        Outcome::NeedsReview => "待复核",
    }
}

fn overall_zh(overall: Overall) -> &'static str {
    match overall {
        Overall::Eligible => "符合条件",
        Overall::Ineligible => "不符合条件",
        Overall::NeedsReview => "待复核",
    }
}

/// `GET /applications/{id}/screening`: every verdict, with what is left to settle.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScreeningView {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub state: ApplicationState,
    /// `None` until the application has been screened.
    pub screening: Option<Screening>,
    pub overall: Option<Overall>,
    pub needs_review: Vec<Condition>,
    pub screened_at: Option<DateTime<Utc>>,
    pub screened_by: Option<String>,
    /// What the file lacks and the Office must chase (Art. 11(3)–(4)): a notice, never a
    /// finding, read from the application as it is now (a page filed after the screening no
    /// longer listed); empty before the recommendation.
    pub to_chase: Vec<ItemToChase>,
    /// The application's version (informational; settlements are guarded by the store).
    pub version: u64,
}

/// Whether a run stored a new result.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    pub application: Application,
    pub changed: bool,
}

/// The verdicts the Office settled stay settled on a re-run as long as the automatic verdict is
/// the same (same date, same reason): re-screening after an unrelated correction must not undo
/// the Office's work, and a changed fact must be looked at again.
fn keep_settlements(mut fresh: Screening, stored: Option<&Screening>) -> Screening {
    let Some(stored) = stored.filter(|stored| stored.as_of == fresh.as_of) else {
        return fresh;
    };
    for verdict in &mut fresh.verdicts {
        if verdict.outcome != Outcome::NeedsReview {
            continue;
        }
        if let Some(settled) = stored
            .verdict(verdict.condition)
            .filter(|earlier| earlier.settled.is_some() && earlier.reason == verdict.reason)
        {
            verdict.outcome = settled.outcome;
            verdict.settled = settled.settled.clone();
        }
    }
    fresh
}

/// Screens a `recommended` application and stores the result (see the module docs). `by` is the
/// audit actor (the Office's subject, or `system` for the stream).
///
/// Errors: `ApplicationNotFound`; `IllegalTransition` when the application is not
/// `recommended`; `InvalidForm` when the form cannot give the facts (it was complete when
/// submitted, so only a corrupt record); the table's failures, `ConcurrentUpdate` after repeated
/// lost races.
pub async fn run(app: &App, id: Ulid, by: &str, now: DateTime<Utc>) -> Result<Screened, AppError> {
    retry_on_conflict(|| async move {
        let loaded = load_application(app, id).await?;
        let mut application = loaded.record;
        if application.state() != ApplicationState::Recommended {
            return Err(AppError::illegal(application.state(), "screen"));
        }
        let cycle = cycles::load_cycle(app, &application.cycle_id)
            .await?
            .record
            .cycle;
        let recommendation = match &application.recommendation {
            Some(signed) => Some(RecommendationFacts {
                recommender: load_recommender(app, signed.recommender_id)
                    .await?
                    .record
                    .name,
                signed_on: china_date(signed.signed_at),
            }),
            None => None,
        };
        let facts = application
            .form
            .facts(recommendation, cycle.application_deadline)
            .map_err(|issues| AppError::InvalidForm { issues })?;
        let history = register::history_of(app, &application.uscc).await?;
        let fresh = eligibility::screen(
            &facts,
            &history,
            &cycle.rules.rubric,
            cycle.application_deadline,
            cycle.recommendation_deadline,
        );
        let stored = application
            .screening
            .as_ref()
            .map(|record| &record.screening);
        let screening = keep_settlements(fresh, stored);
        if stored == Some(&screening) {
            return Ok(Screened {
                application,
                changed: false,
            });
        }
        let overall = screening.overall();
        application.screening = Some(ScreeningRecord {
            screening,
            screened_at: now,
            screened_by: by.to_owned(),
        });
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(id),
            by,
            "screen",
            &[("overall", format!("{overall:?}").to_lowercase())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(Screened {
            application,
            changed: true,
        })
    })
    .await
}

/// `POST /applications/{id}/screening` (office): screen again, e.g. after the register or the
/// cycle's deadline was corrected. Errors as [`run`].
pub async fn rescreen(
    app: &App,
    caller: &Caller,
    id: Ulid,
    now: DateTime<Utc>,
) -> Result<ScreeningView, AppError> {
    caller.require(Role::Office)?;
    run(app, id, caller.sub(), now).await?;
    view(app, caller, id).await
}

/// `GET /applications/{id}/screening` (office).
pub async fn view(app: &App, caller: &Caller, id: Ulid) -> Result<ScreeningView, AppError> {
    caller.require(Role::Office)?;
    let loaded = load_application(app, id).await?;
    let application = &loaded.record;
    let screening = current(application).cloned();
    Ok(ScreeningView {
        application_id: application.id,
        state: application.state(),
        overall: screening.as_ref().map(Screening::overall),
        needs_review: screening.as_ref().map(unsettled).unwrap_or_default(),
        screening,
        screened_at: application.screening.as_ref().map(|r| r.screened_at),
        screened_by: application
            .screening
            .as_ref()
            .map(|r| r.screened_by.clone()),
        to_chase: eligibility::items_to_chase(&applications::file_facts(application)),
        version: loaded.version,
    })
}

/// `POST /applications/{id}/screening/settlements`: the Office's decision on one "needs
/// review" verdict.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementInput {
    pub condition: Condition,
    /// `pass` or `fail`.
    pub outcome: Outcome,
    /// The written reason (Art. 11(4)); kept with the verdict and, for a failure, sent to the
    /// applicant.
    pub reason: String,
}

/// Settles one verdict (`Screening::settle`) and stores it with its audit record.
///
/// Errors: `IllegalTransition` unless `recommended`; `NotScreened`; `InvalidSettlement` (not
/// under review, no reason, `needs_review` as the outcome); `ConcurrentUpdate`.
pub async fn settle(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: SettlementInput,
    now: DateTime<Utc>,
) -> Result<ScreeningView, AppError> {
    caller.require(Role::Office)?;
    let reason = crate::validation::text("reason", &input.reason, 2000, true)?;
    let input = &input;
    let reason = &reason;
    retry_on_conflict(|| async move {
        let loaded = load_application(app, id).await?;
        let mut application = loaded.record;
        if application.state() != ApplicationState::Recommended {
            return Err(AppError::illegal(application.state(), "settle_screening"));
        }
        let mut record = application.screening.take().ok_or(AppError::NotScreened)?;
        record.screening = record
            .screening
            .settle(input.condition, input.outcome, reason, &caller.actor, now)
            .map_err(|detail| match detail {
                eligibility::EligibilityError::NotOffice => AppError::Forbidden,
                detail => AppError::InvalidSettlement { detail },
            })?;
        application.screening = Some(record);
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(id),
            caller.sub(),
            "settle_screening",
            &[
                ("condition", format!("{:?}", input.condition)),
                ("outcome", format!("{:?}", input.outcome).to_lowercase()),
                ("reason", reason.clone()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(())
    })
    .await?;
    view(app, caller, id).await
}

/// A verdict's reason in Chinese; verdicts stored before the domain gave one fall back to its
/// English words.
fn reason_zh(verdict: &award_domain::eligibility::Verdict) -> &str {
    if verdict.reason_zh.is_empty() {
        &verdict.reason
    } else {
        &verdict.reason_zh
    }
}

/// The article a verdict cites, in Chinese: its own (`Verdict::article_zh`, which names the one
/// article a bar stands on), else — on a verdict stored before it was kept — its condition's.
fn verdict_article_zh(verdict: &award_domain::eligibility::Verdict) -> &str {
    if verdict.article_zh.is_empty() {
        condition_zh(verdict.condition).1
    } else {
        &verdict.article_zh
    }
}

/// The failed conditions with their articles and reasons, in Chinese, for the `ineligible`
/// notice: the Office's written reason where it settled the condition, else the rule's words.
fn failures_zh(screening: &Screening) -> String {
    screening
        .verdicts
        .iter()
        .filter(|verdict| verdict.outcome == Outcome::Fail)
        .map(|verdict| {
            let (name, _) = condition_zh(verdict.condition);
            let article = verdict_article_zh(verdict);
            match &verdict.settled {
                Some(settlement) => format!("办法{article}（{name}）：{}", settlement.reason),
                None => format!("办法{article}（{name}）：不符合（{}）", reason_zh(verdict)),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// `POST /applications/{id}/screening/confirm` (office): the outcome becomes the application's
/// stage (`RecordEligibility` on the stage path): `eligible`, or `ineligible` with the failed
/// articles and reasons sent to the applicant and its unit.
///
/// Errors: `NotScreened`; `ScreeningUnsettled` (422, naming every condition still under
/// review) with nothing written; the stage's refusals (`IllegalTransition`, `ScreeningDate`
/// when the deadline moved since the screening: run it again); `ConcurrentUpdate`.
pub async fn confirm(
    app: &App,
    caller: &Caller,
    id: Ulid,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Office)?;
    let loaded = load_application(app, id).await?;
    if loaded.record.state() != ApplicationState::Recommended {
        return Err(AppError::illegal(
            loaded.record.state(),
            "record_eligibility",
        ));
    }
    let screening = loaded
        .record
        .screening
        .map(|record| record.screening)
        .ok_or(AppError::NotScreened)?;
    let conditions = unsettled(&screening);
    if !conditions.is_empty() {
        return Err(AppError::ScreeningUnsettled { conditions });
    }
    let mut notice_data = BTreeMap::new();
    if screening.overall() == Overall::Ineligible {
        notice_data.insert("reason".to_owned(), failures_zh(&screening));
    }
    let request = StageCommand {
        application_id: id,
        command: Command::RecordEligibility {
            screening: screening.clone(),
        },
        actor: &caller.actor,
        now,
        notice_data,
        settings: Settings::default(),
    };
    stage::advance(
        app,
        &request,
        // Confirm what the Office saw: a settlement or a re-run in between is a lost race.
        |application| match &application.screening {
            Some(record) if record.screening == screening => Ok(()),
            _ => Err(AppError::ConcurrentUpdate),
        },
        // The lifecycle keeps the confirmed screening; the working record stays beside it for
        // who screened it and when (the Office's screening page shows both).
        |_| Ok(()),
    )
    .await
}

/// The `screening` function's stream handler: screens every application whose new image is
/// `recommended` (the event source mapping's filter passes nothing else; other images are
/// skipped here too, for the local runner, which delivers the whole feed). Idempotent. In order,
/// up to the first record that fails, which the partial batch response names.
pub async fn table_changes<'r>(
    app: &App,
    changes: impl Into<Changes<'r>>,
    now: DateTime<Utc>,
) -> Result<StreamBatchOutcome, AppError> {
    partial_batch(changes, |record| async move {
        let application = match typed_image::<Application>(&record, "application") {
            Ok(Some(application)) => application,
            Ok(None) => return Handled::Ignored,
            Err(skipped) => return skipped,
        };
        if application.state() != ApplicationState::Recommended {
            return Handled::Ignored;
        }
        match run(app, application.id, SYSTEM_ACTOR, now).await {
            Ok(Screened { changed: true, .. }) => Handled::Changed,
            Ok(Screened { changed: false, .. }) => Handled::Unchanged,
            // Moved on since this record (confirmed, withdrawn): nothing left to screen.
            Err(AppError::IllegalTransition { .. }) => Handled::Unchanged,
            Err(error) => {
                tracing::error!(application = %application.id, %error, "screening failed");
                Handled::Failed
            }
        }
    })
    .await
}

/// `GET /cycles/{id}/screening.csv` (office): one row per application of the cycle, one column
/// per condition (its outcome, and the reason unless it passed), UTF-8 with a BOM so that Excel
/// opens it in Chinese. Returns the file name and the text. Errors: `CycleNotFound`.
pub async fn export_csv(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<(String, String), AppError> {
    caller.require(Role::Office)?;
    cycles::load_cycle(app, cycle_id).await?;
    let mut rows = applications::in_cycle(app, cycle_id, None).await?;
    rows.sort_by_key(|application| application.id);
    let mut header = vec![
        "申报编号".to_owned(),
        "单位名称".to_owned(),
        "统一社会信用代码".to_owned(),
        "申报状态".to_owned(),
        "审查结论".to_owned(),
    ];
    header.extend(CONDITIONS.iter().map(|condition| {
        let (name, article) = condition_zh(*condition);
        format!("{name}（{article}）")
    }));
    header.push(format!(
        "盖章推荐页（{}）",
        Condition::Recommendation.article_zh()
    ));
    let mut table = vec![header];
    for application in &rows {
        let screening = current(application);
        let mut row = vec![
            application.id.to_string(),
            application.organisation_name().to_owned(),
            application.uscc.clone(),
            application.state().label_zh().to_owned(),
            screening
                .map(|s| overall_zh(s.overall()).to_owned())
                .unwrap_or_else(|| "未审查".to_owned()),
        ];
        row.extend(CONDITIONS.iter().map(|condition| {
            match screening.and_then(|s| s.verdict(*condition)) {
                None => String::new(),
                Some(verdict) => {
                    let outcome = outcome_zh(verdict.outcome);
                    // A failed or settled cell cites the article the verdict stands on (a bar:
                    // 第十七条 or 第十八条, never both), which the column's header cannot.
                    let article = verdict_article_zh(verdict);
                    match (&verdict.settled, verdict.outcome) {
                        (Some(settled), _) => {
                            format!("{outcome}（{article}；复核：{}）", settled.reason)
                        }
                        (None, Outcome::Pass) => outcome.to_owned(),
                        (None, _) => format!("{outcome}（{article}）：{}", reason_zh(verdict)),
                    }
                }
            }
        }));
        // A notice, not a verdict: what the Office still chases, beside the conditions.
        row.push(
            match applications::SealedPageStatus::of(application) {
                None => "",
                Some(applications::SealedPageStatus::Received) => "已上传",
                Some(applications::SealedPageStatus::Missing) => "未上传（待补）",
            }
            .to_owned(),
        );
        table.push(row);
    }
    crate::export::csv_file(format!("screening-{cycle_id}.csv"), &table)
}
