//! The API described by the code: an OpenAPI 3.1 document built from the route table
//! ([`crate::routes::TABLE`]: paths, methods, path parameters, who may call) and the JSON Schemas
//! of the request and response types (`schemars`, read from their serde attributes, so the
//! document says what goes over the wire). Served at `GET /openapi.json` and kept in
//! `docs/openapi.json` (the pages' types are generated from that file; a test fails when it is
//! stale: `UPDATE_OPENAPI=1 cargo test -p award-app --lib openapi` rewrites it).
//!
//! What `GET /openapi.json` serves is that committed file ([`served`]), read on its first request
//! and kept, not the document built here ([`document`]): building it links the schema code of
//! every request and response type (schemars), ~0.5 MiB of the API function's binary for one route
//! (docs/PERFORMANCE.md, "Sizes"). The function never calls [`document`], so the linker drops it;
//! the tests compare the two, so the file served is the document the code builds.

use std::sync::OnceLock;

use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::api::*;
use crate::error::AppError;
use crate::routes::routes;

/// This module's slice of the route table: the document itself, public.
pub static ROUTES: &[RouteSpec] = &[route!(
    "GetOpenApi",
    "GET",
    "/openapi.json",
    Access::Public,
    handler!(|_app, _call| ok(served()?))
)];

/// `docs/openapi.json`, compiled in: the document [`document`] builds, as of the last
/// `make openapi` (a test fails while the two differ).
const COMMITTED: &str = include_str!("../../../../docs/openapi.json");

/// The document `GET /openapi.json` answers: the committed file, parsed on first use and kept.
pub fn served() -> Result<&'static Value, AppError> {
    static SERVED: OnceLock<Value> = OnceLock::new();
    if let Some(document) = SERVED.get() {
        return Ok(document);
    }
    // Cannot fail while the tests pass (they parse it); an error rather than a panic all the same.
    let document = serde_json::from_str(COMMITTED)
        .map_err(|error| AppError::config(format!("the compiled-in docs/openapi.json: {error}")))?;
    Ok(SERVED.get_or_init(|| document))
}

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// What a route reads.
enum Body {
    None,
    /// A JSON body of this type.
    Json(SchemaFn),
    /// A CSV file (the register's import).
    Csv,
}

/// What a route answers (with [`Shape::status`]).
enum Answer {
    /// A JSON value of this type.
    Json(SchemaFn),
    /// A JSON object with one field of this type (`{"cycles": [...]}`).
    Field(&'static str, SchemaFn),
    /// A CSV file (UTF-8 with its BOM), as an attachment.
    Csv,
}

/// What one route of the table reads and answers; every route has exactly one (a test).
struct Shape {
    route: &'static str,
    status: u16,
    body: Body,
    answer: Answer,
}

macro_rules! shape {
    ($route:literal, $status:literal, $body:expr, $answer:expr) => {
        Shape {
            route: $route,
            status: $status,
            body: $body,
            answer: $answer,
        }
    };
}

/// `GET /recommenders`: the Office gets every unit in full, applicants and recommenders the
/// active units to choose from.
fn recommender_lists(generator: &mut SchemaGenerator) -> Schema {
    let full = of::<Vec<crate::model::Recommender>>(generator);
    let choices = of::<Vec<crate::stages::units::UnitChoice>>(generator);
    schemars::json_schema!({ "anyOf": [full, choices] })
}

/// `GET /openapi.json`: this document.
fn openapi_document(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "type": "object",
        "description": "This document: OpenAPI 3.1, built from the route table and the request and response types.",
    })
}

/// A query parameter: route, name, required, what it takes.
const QUERIES: &[(&str, &str, bool, &str)] = &[
    (
        "ListCycleApplications",
        "state",
        false,
        "Only the applications in this state.",
    ),
    (
        "ListNotices",
        "status",
        true,
        "`failed` (the only notices listed).",
    ),
    (
        "ListRegister",
        "uscc",
        false,
        "Only this organisation's entries.",
    ),
    (
        "ImportRegister",
        "dry_run",
        false,
        "`true`: check the file and report, write nothing.",
    ),
    (
        "ListCycleAssignments",
        "phase",
        true,
        "`document` or `onsite`.",
    ),
    ("ExportScores", "phase", true, "`document` or `onsite`."),
];

static SHAPES: &[Shape] = &[
    shape!(
        "GetAftercarePolicy",
        200,
        Body::None,
        Answer::Json(of::<award_domain::award::AftercarePolicy>)
    ),
    shape!(
        "SetAftercarePolicy",
        200,
        Body::Json(of::<award_domain::award::AftercarePolicy>),
        Answer::Json(of::<award_domain::award::AftercarePolicy>)
    ),
    shape!(
        "RecordVisit",
        201,
        Body::Json(of::<crate::stages::aftercare::VisitInput>),
        Answer::Json(of::<crate::model::FollowUpVisit>)
    ),
    shape!(
        "RescheduleVisit",
        200,
        Body::Json(of::<crate::stages::aftercare::NextVisitInput>),
        Answer::Json(of::<crate::stages::aftercare::Visits>)
    ),
    shape!(
        "OpenRevocationCase",
        201,
        Body::Json(of::<crate::stages::aftercare::CaseInput>),
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "ListRevocationCases",
        200,
        Body::None,
        Answer::Field("cases", of::<Vec<crate::model::RevocationCase>>)
    ),
    shape!(
        "GetRevocationCase",
        200,
        Body::None,
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "DeclareCaseEvidence",
        201,
        Body::Json(of::<crate::reads::attachments::AttachmentDeclaration>),
        Answer::Json(of::<crate::reads::attachments::DeclaredAttachment>)
    ),
    shape!(
        "DecideRevocationCase",
        200,
        Body::Json(of::<crate::stages::aftercare::CaseDecisionInput>),
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "CloseRevocationCase",
        200,
        Body::Json(of::<crate::stages::aftercare::CloseInput>),
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "ApproveRevocation",
        200,
        Body::Json(of::<crate::stages::aftercare::ApprovalInput>),
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "RecordReturns",
        200,
        Body::Json(of::<crate::stages::aftercare::ReturnsInput>),
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "RecordRewardReturned",
        200,
        Body::Json(of::<crate::stages::aftercare::RewardReturnedInput>),
        Answer::Json(of::<crate::model::RevocationCase>)
    ),
    shape!(
        "GetPublicRegister",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::aftercare::PublicRegister>)
    ),
    shape!(
        "ConfirmEmail",
        200,
        Body::Json(of::<crate::stages::applications::contact::ConfirmationInput>),
        Answer::Json(of::<crate::stages::applications::contact::Confirmed>)
    ),
    shape!(
        "ListCycleApplications",
        200,
        Body::None,
        Answer::Field(
            "applications",
            of::<Vec<crate::reads::applications::ApplicationSummary>>
        )
    ),
    shape!(
        "CreateApplication",
        201,
        Body::Json(of::<crate::stages::applications::NewApplication>),
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "ListApplications",
        200,
        Body::None,
        Answer::Field("applications", of::<Vec<crate::model::Application>>)
    ),
    shape!(
        "GetApplication",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::applications::ApplicationView>)
    ),
    shape!(
        "ReplaceApplicationForm",
        200,
        Body::Json(of::<crate::stages::applications::FormUpdate>),
        Answer::Json(of::<crate::stages::applications::ApplicationView>)
    ),
    shape!(
        "PatchApplicationForm",
        200,
        Body::Json(of::<crate::stages::applications::FormUpdate>),
        Answer::Json(of::<crate::stages::applications::ApplicationView>)
    ),
    shape!(
        "SubmitApplication",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "WithdrawApplication",
        200,
        Body::Json(of::<crate::stages::applications::Withdrawal>),
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "DeclareDocument",
        201,
        Body::Json(of::<crate::stages::applications::documents::DocumentDeclaration>),
        Answer::Json(of::<crate::stages::applications::documents::DeclaredDocument>)
    ),
    shape!(
        "RemoveDocument",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Document>)
    ),
    shape!(
        "DownloadDocument",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::applications::documents::DocumentDownload>)
    ),
    shape!(
        "AccessLog",
        200,
        Body::None,
        Answer::Field("access_log", of::<Vec<crate::model::AccessRecord>>)
    ),
    shape!(
        "ListPublicNotices",
        200,
        Body::None,
        Answer::Field("notices", of::<Vec<crate::model::BoardEntry>>)
    ),
    shape!(
        "ListApplicationNotices",
        200,
        Body::None,
        Answer::Field("notices", of::<Vec<crate::notices::SentNotice>>)
    ),
    shape!(
        "ListNotices",
        200,
        Body::None,
        Answer::Field("notices", of::<Vec<crate::model::Notice>>)
    ),
    shape!(
        "ResendNotice",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Notice>)
    ),
    shape!(
        "GetPublicCycle",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::cycles::PublicCycle>)
    ),
    shape!(
        "GetOpenCycle",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::cycles::PublicCycle>)
    ),
    shape!(
        "CreateCycle",
        201,
        Body::Json(of::<crate::stages::cycles::NewCycle>),
        Answer::Json(of::<crate::model::CycleRecord>)
    ),
    shape!(
        "ListCycles",
        200,
        Body::None,
        Answer::Field("cycles", of::<Vec<crate::model::CycleRecord>>)
    ),
    shape!(
        "GetCycle",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::cycles::CycleView>)
    ),
    shape!(
        "GetOfficeContact",
        200,
        Body::None,
        Answer::Json(of::<crate::model::OfficeContact>)
    ),
    shape!(
        "SetOfficeContact",
        200,
        Body::Json(of::<crate::model::OfficeContact>),
        Answer::Json(of::<crate::model::OfficeContact>)
    ),
    shape!(
        "CancelCycle",
        200,
        Body::None,
        Answer::Field("deleted", of::<String>)
    ),
    shape!(
        "SetCycleRules",
        200,
        Body::Json(of::<award_domain::rules::ReviewRules>),
        Answer::Json(of::<crate::model::CycleRecord>)
    ),
    shape!(
        "ApproveCycleRules",
        200,
        Body::None,
        Answer::Json(of::<crate::model::CycleRecord>)
    ),
    shape!(
        "OpenCycle",
        200,
        Body::None,
        Answer::Json(of::<crate::model::CycleRecord>)
    ),
    shape!(
        "ExtendCycleDeadlines",
        200,
        Body::Json(of::<crate::stages::cycles::DeadlineExtension>),
        Answer::Json(of::<crate::model::CycleRecord>)
    ),
    shape!(
        "ListCalendarYears",
        200,
        Body::None,
        Answer::Field(
            "years",
            of::<Vec<crate::stages::cycles::calendar::CoveredYear>>
        )
    ),
    shape!(
        "GetCalendarYear",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::cycles::calendar::CalendarYear>)
    ),
    shape!(
        "LoadHolidayNotice",
        201,
        Body::Json(of::<award_domain::calendar::HolidayNotice>),
        Answer::Json(of::<crate::stages::cycles::calendar::CoveredYear>)
    ),
    shape!(
        "ReplaceHolidayNotice",
        200,
        Body::Json(of::<award_domain::calendar::HolidayNotice>),
        Answer::Json(of::<crate::stages::cycles::calendar::CoveredYear>)
    ),
    shape!(
        "RecordDeliberation",
        200,
        Body::Json(of::<crate::stages::decision::DeliberationInput>),
        Answer::Json(of::<crate::model::Deliberation>)
    ),
    shape!(
        "RecordConsultation",
        200,
        Body::Json(of::<crate::stages::decision::ConsultationInput>),
        Answer::Json(of::<crate::model::Consultation>)
    ),
    shape!(
        "StartPublicity",
        200,
        Body::Json(of::<crate::stages::decision::PublicityInput>),
        Answer::Json(of::<crate::model::CyclePublicity>)
    ),
    shape!(
        "GetPublicity",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::decision::PublicPublicity>)
    ),
    shape!(
        "GetAnnouncedAwards",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::decision::PublicAwards>)
    ),
    shape!(
        "LodgeObjection",
        201,
        Body::Json(of::<crate::stages::decision::ObjectionInput>),
        Answer::Json(of::<crate::stages::decision::Receipt>)
    ),
    shape!(
        "ListObjections",
        200,
        Body::None,
        Answer::Field("objections", of::<Vec<crate::model::Objection>>)
    ),
    shape!(
        "DecideObjection",
        200,
        Body::Json(of::<crate::stages::decision::ObjectionDecision>),
        Answer::Json(of::<crate::model::Objection>)
    ),
    shape!(
        "RecordExecutiveMeeting",
        200,
        Body::Json(of::<crate::stages::decision::ExecutiveMeetingInput>),
        Answer::Json(of::<crate::model::ExecutiveMeeting>)
    ),
    shape!(
        "IssueAnnouncement",
        200,
        Body::Json(of::<crate::stages::decision::AnnouncementInput>),
        Answer::Json(of::<crate::model::CycleAnnouncement>)
    ),
    shape!(
        "ApproveApplication",
        200,
        Body::Json(of::<crate::stages::decision::ApprovalInput>),
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "AwardApplication",
        200,
        Body::Json(of::<crate::stages::decision::AwardInput>),
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "RecordRewardPayment",
        200,
        Body::Json(of::<crate::stages::decision::PaymentInput>),
        Answer::Json(of::<crate::model::RewardRecord>)
    ),
    shape!(
        "RecordHandover",
        200,
        Body::Json(of::<crate::stages::decision::HandoverInput>),
        Answer::Json(of::<crate::model::RewardRecord>)
    ),
    shape!(
        "ExportArchive",
        201,
        Body::None,
        Answer::Json(of::<crate::stages::archive::ArchiveJob>)
    ),
    shape!(
        "ListArchives",
        200,
        Body::None,
        Answer::Field("archives", of::<Vec<crate::stages::archive::ArchiveJob>>)
    ),
    shape!(
        "DownloadArchive",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::archive::ArchiveDownload>)
    ),
    shape!(
        "ListRegister",
        200,
        Body::None,
        Answer::Field("entries", of::<Vec<crate::model::RegisterEntry>>)
    ),
    shape!(
        "ImportRegister",
        200,
        Body::Csv,
        Answer::Json(of::<crate::stages::register::ImportReport>)
    ),
    shape!(
        "CreateExpert",
        201,
        Body::Json(of::<crate::stages::reviews::experts::ExpertInput>),
        Answer::Json(of::<crate::model::Expert>)
    ),
    shape!(
        "ListExperts",
        200,
        Body::None,
        Answer::Field("experts", of::<Vec<crate::model::Expert>>)
    ),
    shape!(
        "GetExpert",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Expert>)
    ),
    shape!(
        "UpdateExpert",
        200,
        Body::Json(of::<crate::stages::reviews::experts::ExpertInput>),
        Answer::Json(of::<crate::model::Expert>)
    ),
    shape!(
        "SetExpertStatus",
        200,
        Body::Json(of::<crate::stages::reviews::experts::StatusInput>),
        Answer::Json(of::<crate::model::Expert>)
    ),
    shape!(
        "DrawExperts",
        200,
        Body::Json(of::<crate::stages::reviews::assignments::DrawInput>),
        Answer::Json(of::<crate::stages::reviews::assignments::DrawReport>)
    ),
    shape!(
        "ListCycleAssignments",
        200,
        Body::None,
        Answer::Field(
            "experts",
            of::<Vec<crate::stages::reviews::assignments::ExpertProgress>>
        )
    ),
    shape!(
        "AssignExpert",
        201,
        Body::Json(of::<crate::stages::reviews::assignments::ManualAssignment>),
        Answer::Json(of::<crate::model::Assignment>)
    ),
    shape!(
        "WithdrawExpert",
        200,
        Body::Json(of::<crate::stages::reviews::ReasonInput>),
        Answer::Json(of::<crate::model::Assignment>)
    ),
    shape!(
        "SetPanelLeader",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Assignment>)
    ),
    shape!(
        "ReopenScores",
        200,
        Body::Json(of::<crate::stages::reviews::ReasonInput>),
        Answer::Json(of::<crate::model::Assignment>)
    ),
    shape!(
        "ListMyReviews",
        200,
        Body::None,
        Answer::Field(
            "reviews",
            of::<Vec<crate::stages::reviews::assignments::MyAssignment>>
        )
    ),
    shape!(
        "GetMyReview",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::reviews::MyReview>)
    ),
    shape!(
        "DeclareConflict",
        200,
        Body::Json(of::<crate::stages::reviews::assignments::DeclarationInput>),
        Answer::Json(of::<crate::stages::reviews::assignments::DeclarationOutcome>)
    ),
    shape!(
        "SaveScoreSheet",
        200,
        Body::Json(of::<crate::stages::reviews::SheetInput>),
        Answer::Json(of::<crate::stages::reviews::MyReview>)
    ),
    shape!(
        "SubmitScoreSheet",
        200,
        Body::Json(of::<crate::stages::reviews::SheetInput>),
        Answer::Json(of::<crate::stages::reviews::MyReview>)
    ),
    shape!(
        "RecordConsensus",
        200,
        Body::Json(of::<crate::stages::reviews::ConsensusInput>),
        Answer::Json(of::<crate::stages::reviews::AggregateOutcome>)
    ),
    shape!(
        "GetPhaseReview",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::reviews::PhaseView>)
    ),
    shape!(
        "AggregateReview",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::reviews::AggregateOutcome>)
    ),
    shape!(
        "RecordOnsiteVisit",
        200,
        Body::Json(of::<crate::stages::reviews::VisitInput>),
        Answer::Json(of::<crate::model::PhaseReview>)
    ),
    shape!(
        "RecordSurvey",
        200,
        Body::Json(of::<crate::stages::reviews::SurveyInput>),
        Answer::Json(of::<crate::stages::reviews::AggregateOutcome>)
    ),
    shape!(
        "GetShortlist",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::reviews::ShortlistProposal>)
    ),
    shape!(
        "ConfirmShortlist",
        200,
        Body::Json(of::<crate::stages::reviews::ListConfirmation>),
        Answer::Json(of::<crate::stages::reviews::Decided>)
    ),
    shape!(
        "SendCandidates",
        200,
        Body::Json(of::<crate::stages::reviews::ListConfirmation>),
        Answer::Json(of::<crate::stages::reviews::Decided>)
    ),
    shape!("ExportScores", 200, Body::None, Answer::Csv),
    shape!("ExportRanking", 200, Body::None, Answer::Csv),
    shape!("ExportCycleScreening", 200, Body::None, Answer::Csv),
    shape!(
        "ScreenApplication",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::screening::ScreeningView>)
    ),
    shape!(
        "GetScreening",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::screening::ScreeningView>)
    ),
    shape!(
        "SettleScreeningCondition",
        200,
        Body::Json(of::<crate::stages::screening::SettlementInput>),
        Answer::Json(of::<crate::stages::screening::ScreeningView>)
    ),
    shape!(
        "ConfirmScreening",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "CreateRecommender",
        201,
        Body::Json(of::<crate::stages::units::RecommenderInput>),
        Answer::Json(of::<crate::model::Recommender>)
    ),
    shape!(
        "GetRecommender",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Recommender>)
    ),
    shape!(
        "UpdateRecommender",
        200,
        Body::Json(of::<crate::stages::units::RecommenderInput>),
        Answer::Json(of::<crate::model::Recommender>)
    ),
    shape!(
        "DeleteRecommender",
        200,
        Body::None,
        Answer::Field("deleted", of::<String>)
    ),
    shape!(
        "ListRecommendations",
        200,
        Body::None,
        Answer::Field(
            "applications",
            of::<Vec<crate::reads::applications::ApplicationSummary>>
        )
    ),
    shape!(
        "RecommendApplication",
        200,
        Body::Json(of::<crate::stages::units::recommendations::RecommendInput>),
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "DeclineApplication",
        200,
        Body::Json(of::<crate::stages::units::recommendations::DeclineInput>),
        Answer::Json(of::<crate::model::Application>)
    ),
    shape!(
        "DeclareMinutes",
        201,
        Body::Json(of::<crate::reads::attachments::AttachmentDeclaration>),
        Answer::Json(of::<crate::reads::attachments::DeclaredAttachment>)
    ),
    shape!(
        "GetAttachment",
        200,
        Body::None,
        Answer::Json(of::<crate::model::Attachment>)
    ),
    shape!(
        "DownloadAttachment",
        200,
        Body::None,
        Answer::Json(of::<crate::reads::attachments::AttachmentDownload>)
    ),
    shape!(
        "GetRanking",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::reviews::Ranking>)
    ),
    shape!(
        "ListRecommenders",
        200,
        Body::None,
        Answer::Field("recommenders", recommender_lists)
    ),
    shape!(
        "ListRewards",
        200,
        Body::None,
        Answer::Field("rewards", of::<Vec<crate::stages::decision::RewardLine>>)
    ),
    shape!(
        "ListVisits",
        200,
        Body::None,
        Answer::Json(of::<crate::stages::aftercare::Visits>)
    ),
    shape!(
        "GetOpenApi",
        200,
        Body::None,
        Answer::Json(openapi_document)
    ),
];

/// The OpenAPI document, built on first use and kept.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

const SCHEMAS: &str = "#/components/schemas/";
/// The suffix of a request type's schema when it reads differently from what is answered
/// (a field with a default may be left out of a request, yet is always in an answer).
const REQUEST_SUFFIX: &str = "Request";

fn generator(contract: Contract) -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
            settings.contract = contract;
        })
        .into_generator()
}

/// Points every `$ref` of `value` at a name in `renamed` to its new name.
fn rename_refs(value: &mut Value, renamed: &std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(name) = target.strip_prefix(SCHEMAS)
                && renamed.contains(name)
            {
                *target = format!("{SCHEMAS}{name}{REQUEST_SUFFIX}");
            }
            map.values_mut()
                .for_each(|value| rename_refs(value, renamed));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|value| rename_refs(value, renamed)),
        _ => {}
    }
}

fn role_names(access: Access) -> Vec<Value> {
    match access {
        Access::Public => Vec::new(),
        Access::Roles(roles) => roles
            .iter()
            .map(|role| serde_json::to_value(role).unwrap_or_default())
            .collect(),
    }
}

/// The roles a token may hold to call some route (`x-roles` names them): those of the route table,
/// in the domain's order (the domain's `Role` also has `public` and `system`, which no token holds).
fn token_roles() -> Value {
    let roles: std::collections::BTreeSet<award_domain::roles::Role> = routes()
        .flat_map(|route| match route.access {
            Access::Public => &[][..],
            Access::Roles(roles) => roles,
        })
        .copied()
        .collect();
    let names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    json!({
        "description": "A role a bearer token holds (one of its user-pool groups); an operation's `x-roles` lists those that may call it.",
        "type": "string",
        "enum": names,
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("{SCHEMAS}ErrorBody") } } }
    })
}

fn build() -> Value {
    let mut answers = generator(Contract::Serialize);
    let mut requests = generator(Contract::Deserialize);
    // Every error answer is one; an invalid form's `details` lists `FieldIssue`s.
    answers.subschema_for::<crate::error::ErrorBody>();
    answers.subschema_for::<award_domain::form::FieldIssue>();
    let mut paths = Map::new();
    for route in routes() {
        let Some(shape) = SHAPES.iter().find(|shape| shape.route == route.name) else {
            continue;
        };
        let mut operation = Map::new();
        operation.insert("operationId".into(), route.name.into());
        let roles = role_names(route.access);
        let who = if roles.is_empty() {
            "Public: no token.".to_owned()
        } else {
            let names: Vec<&str> = roles.iter().filter_map(Value::as_str).collect();
            format!(
                "Roles: {} (a bearer token holding one of them).",
                names.join(", ")
            )
        };
        operation.insert("description".into(), who.into());
        operation.insert("x-roles".into(), roles.clone().into());
        if !roles.is_empty() {
            operation.insert("security".into(), json!([{ "bearer": [] }]));
        }
        let mut parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } })
            })
            .collect();
        parameters.extend(
            QUERIES
                .iter()
                .filter(|(of_route, ..)| *of_route == route.name)
                .map(|(_, name, required, description)| {
                    json!({ "name": name, "in": "query", "required": required,
                        "description": description, "schema": { "type": "string" } })
                }),
        );
        if !parameters.is_empty() {
            operation.insert("parameters".into(), parameters.into());
        }
        match shape.body {
            Body::None => {}
            Body::Json(schema) => {
                let schema = schema(&mut requests).to_value();
                operation.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "application/json": { "schema": schema } } }),
                );
            }
            Body::Csv => {
                operation.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "text/csv": { "schema": { "type": "string" } } } }),
                );
            }
        }
        let content = match shape.answer {
            Answer::Json(schema) => {
                json!({ "application/json": { "schema": schema(&mut answers) } })
            }
            Answer::Field(name, schema) => json!({ "application/json": { "schema": {
                "type": "object",
                "properties": { name: schema(&mut answers) },
                "required": [name],
            } } }),
            Answer::Csv => json!({ "text/csv": { "schema": { "type": "string" } } }),
        };
        let mut responses = Map::new();
        let description = if shape.status == 201 {
            "Created."
        } else {
            "OK."
        };
        responses.insert(
            shape.status.to_string(),
            json!({ "description": description, "content": content }),
        );
        if !roles.is_empty() {
            responses.insert("401".into(), error_response("No token, or an invalid one."));
            responses.insert(
                "403".into(),
                error_response("The token holds none of the roles."),
            );
        }
        responses.insert(
            "default".into(),
            error_response("Any other refusal or failure (`code` says which)."),
        );
        operation.insert("responses".into(), responses.into());
        let item = paths
            .entry(route.path)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(route.method.to_ascii_lowercase(), operation.into());
        }
    }
    // A request type that reads as it is answered keeps its one name; one that reads
    // differently gets a second schema, `<name>Request`, and the requests point at it.
    let mut schemas = answers.take_definitions(true);
    let request_schemas = requests.take_definitions(true);
    let renamed: std::collections::BTreeSet<String> = request_schemas
        .iter()
        .filter(|(name, schema)| schemas.get(*name).is_some_and(|answer| answer != *schema))
        .map(|(name, _)| name.clone())
        .collect();
    for (name, mut schema) in request_schemas {
        rename_refs(&mut schema, &renamed);
        if renamed.contains(&name) {
            schemas.insert(format!("{name}{REQUEST_SUFFIX}"), schema);
        } else {
            schemas.insert(name, schema);
        }
    }
    for item in paths.values_mut() {
        if let Value::Object(item) = item {
            for operation in item.values_mut() {
                if let Some(body) = operation.get_mut("requestBody") {
                    rename_refs(body, &renamed);
                }
            }
        }
    }
    schemas.insert("Role".into(), token_roles());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Wuwei Municipal Government Quality Award API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every route of the API (`award_app::routes::TABLE`), who may call it (`x-roles`; none: public) and what it reads and answers. Generated from the code: `GET /openapi.json`, `docs/openapi.json`. Every error is `ErrorBody` (`code`, `message`, `message_zh`).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An ID token of the user pool; its groups are the roles.",
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_route_has_exactly_one_shape() {
        let table: BTreeSet<_> = routes().map(|route| route.name).collect();
        let shapes: Vec<_> = SHAPES.iter().map(|shape| shape.route).collect();
        let unique: BTreeSet<_> = shapes.iter().copied().collect();
        assert_eq!(unique.len(), shapes.len(), "a route has two shapes");
        let missing: Vec<_> = table.difference(&unique).collect();
        let extra: Vec<_> = unique.difference(&table).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "routes without a shape: {missing:?}; shapes of no route: {extra:?}"
        );
        for (route, ..) in QUERIES {
            assert!(table.contains(route), "query of no route: {route}");
        }
    }

    /// Each route's handler as written in its stage's `routes.rs`: (name, the handler's text).
    fn handlers() -> Vec<(String, String)> {
        let stages = concat!(env!("CARGO_MANIFEST_DIR"), "/src/stages");
        let mut handlers = Vec::new();
        for entry in std::fs::read_dir(stages).unwrap() {
            let path = entry.unwrap().path().join("routes.rs");
            let Ok(source) = std::fs::read_to_string(&path) else {
                continue;
            };
            for chunk in source.split("route!(").skip(1) {
                let name = chunk.split('"').nth(1).unwrap_or_default().to_owned();
                handlers.push((name, chunk.to_owned()));
            }
        }
        handlers
    }

    /// A shape says what its handler does: 201 where it answers `created`, a JSON body where it
    /// reads `call.json()`, a CSV body where it reads `raw_body`, a CSV file where it answers
    /// `csv_file`, and the one field of a `json!({ "field": … })` answer. (The types themselves
    /// are the compiler's: a row names the type the use case takes or returns.)
    #[test]
    fn each_shape_says_what_its_handler_does() {
        let handlers = handlers();
        assert_eq!(handlers.len() + ROUTES.len(), routes().count());
        for (name, handler) in handlers {
            let shape = SHAPES.iter().find(|shape| shape.route == name).unwrap();
            assert_eq!(
                shape.status == 201,
                handler.contains("created("),
                "{name}: status"
            );
            assert_eq!(
                matches!(shape.body, Body::Json(_)),
                handler.contains("call.json()"),
                "{name}: JSON body"
            );
            assert_eq!(
                matches!(shape.body, Body::Csv),
                handler.contains("raw_body("),
                "{name}: CSV body"
            );
            assert_eq!(
                matches!(shape.answer, Answer::Csv),
                handler.contains("csv_file"),
                "{name}: CSV answer"
            );
            let field = handler
                .split("json!({")
                .nth(1)
                .and_then(|rest| rest.split('"').nth(1));
            let shaped = match shape.answer {
                Answer::Field(field, _) => Some(field),
                _ => None,
            };
            if name != "ListRecommenders" {
                assert_eq!(shaped, field, "{name}: answer's field");
            }
        }
    }

    /// Every operation names its roles (none: public, with no security requirement), and every
    /// one of them is a `Role` of the document.
    #[test]
    fn roles_appear_in_the_document() {
        let document = document();
        let roles = &document["components"]["schemas"]["Role"]["enum"];
        for route in routes() {
            let operation = &document["paths"][route.path][route.method.to_ascii_lowercase()];
            let named: Vec<&str> = operation["x-roles"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            match route.access {
                Access::Public => {
                    assert!(named.is_empty(), "{route:?}");
                    assert!(operation.get("security").is_none(), "{route:?}");
                }
                Access::Roles(allowed) => {
                    let expected: Vec<&str> = allowed.iter().map(|role| role.as_str()).collect();
                    assert_eq!(named, expected, "{route:?}");
                    assert_eq!(
                        operation["security"],
                        json!([{ "bearer": [] }]),
                        "{route:?}"
                    );
                    for name in named {
                        assert!(roles.as_array().unwrap().contains(&json!(name)), "{name}");
                    }
                }
            }
        }
    }

    /// What the route serves is the document the code builds. The file is compiled in, so under
    /// `UPDATE_OPENAPI` (the test below rewriting it) this build still holds the old one: the
    /// check is left to the next build.
    #[test]
    fn the_served_document_is_the_built_one() {
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            return;
        }
        assert!(
            served().unwrap() == document(),
            "the compiled-in docs/openapi.json is stale: run `make openapi`, then build again"
        );
    }

    /// `docs/openapi.json` is the document the code builds; `UPDATE_OPENAPI=1` rewrites it.
    #[test]
    fn docs_openapi_json_is_the_document() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
        let current = format!("{}\n", serde_json::to_string_pretty(document()).unwrap());
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == current,
            "docs/openapi.json is stale: run `make openapi` (UPDATE_OPENAPI=1 cargo test -p award-app --lib openapi, then the pages' types)"
        );
    }
}
