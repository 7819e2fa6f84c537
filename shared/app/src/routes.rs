//! The API's ONE route table: method, path pattern, who may call (public, or the roles allowed),
//! the Lambda function that serves it, the SAM event name, and the handler. The dispatcher
//! ([`crate::http`]), the local runner's authorizer (which routes need no token) and the SAM
//! template's `HttpApi` events all follow it; a test fails when the template disagrees.
//!
//! Roles are checked here before the body is read (403 with nothing done); the use cases and the
//! domain check again what depends on the record (the owner, the chosen unit, the stage).

use award_domain::roles::Role;

use crate::api::{self as http, *};
use crate::error::AppError;
use crate::keys;
use crate::notices;
use crate::reads::attachments;
use crate::usecases::applications::FormWrite;

pub use crate::api::{API_FUNCTION, Access, Call, RouteSpec};
use crate::usecases::{
    aftercare, applications, assignments, board, calendar, contact, cycles, decision, documents,
    experts, recommendations, recommenders, register, reviews, screening,
};

/// Every route of the API.
pub static ROUTES: &[RouteSpec] = &[
    // --- the public -------------------------------------------------------------------------
    route!(
        "GetOpenCycle",
        "GET",
        "/cycles/open",
        Access::Public,
        handler!(|app, _call| ok(&cycles::open_cycle_info(app).await?))
    ),
    route!(
        "ListPublicNotices",
        "GET",
        "/public/notices",
        Access::Public,
        handler!(|app, _call| ok(&serde_json::json!({ "notices": board::list(app).await? })))
    ),
    route!(
        "ConfirmEmail",
        "POST",
        "/email-confirmations",
        Access::Public,
        handler!(|app, call| ok(&contact::confirm(app, call.json()?, call.now).await?))
    ),
    // --- cycles (Arts. 4, 7, 9, 11(1), 20) ------------------------------------------------------
    route!(
        "CreateCycle",
        "POST",
        "/cycles",
        OFFICE,
        handler!(|app, call| created(
            &cycles::create_cycle(app, call.caller()?, call.json()?, call.now).await?
        ))
    ),
    route!(
        "ListCycles",
        "GET",
        "/cycles",
        STAFF,
        handler!(|app, call| ok(
            &serde_json::json!({ "cycles": cycles::list_cycles(app, call.caller()?).await? })
        ))
    ),
    route!(
        "GetCycle",
        "GET",
        "/cycles/{id}",
        STAFF,
        handler!(|app, call| ok(&cycles::get_cycle(app, call.caller()?, call.param(0)).await?))
    ),
    route!(
        "ApproveCycleRules",
        "POST",
        "/cycles/{id}/rules/approve",
        COMMITTEE,
        handler!(|app, call| ok(&cycles::approve_rules(
            app,
            call.caller()?,
            call.param(0),
            call.now
        )
        .await?))
    ),
    route!(
        "OpenCycle",
        "POST",
        "/cycles/{id}/open",
        OFFICE,
        handler!(|app, call| ok(
            &cycles::open_cycle(app, call.caller()?, call.param(0), call.now).await?
        ))
    ),
    route!(
        "ExtendCycleDeadlines",
        "POST",
        "/cycles/{id}/deadlines",
        OFFICE,
        handler!(|app, call| ok(&cycles::extend_deadlines(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ListCycleApplications",
        "GET",
        "/cycles/{id}/applications",
        OFFICE,
        handler!(|app, call| {
            let state = call.query("state");
            let list =
                applications::list_for_cycle(app, call.caller()?, call.param(0), state.as_deref())
                    .await?;
            ok(&serde_json::json!({ "applications": list }))
        })
    ),
    route!(
        "ExportCycleScreening",
        "GET",
        "/cycles/{id}/screening.csv",
        OFFICE,
        handler!(|app, call| csv_file(
            screening::export_csv(app, call.caller()?, call.param(0)).await?
        ))
    ),
    // --- the register of awards and debarments (Arts. 5, 17, 18) -------------------------------
    route!(
        "ListRegister",
        "GET",
        "/register",
        STAFF,
        handler!(|app, call| {
            let uscc = call.query("uscc");
            let entries = register::list(app, call.caller()?, uscc.as_deref()).await?;
            ok(&serde_json::json!({ "entries": entries }))
        })
    ),
    route!(
        "ImportRegister",
        "POST",
        "/register/import",
        OFFICE,
        handler!(|app, call| {
            let dry_run = dry_run(call)?;
            let body = http::raw_body(call.request, register::MAX_IMPORT_BYTES)?;
            ok(&register::import(app, call.caller()?, body, dry_run, call.now).await?)
        })
    ),
    // --- recommending units (Art. 11(3)) --------------------------------------------------------
    route!(
        "CreateRecommender",
        "POST",
        "/recommenders",
        OFFICE,
        handler!(|app, call| created(
            &recommenders::create(app, call.caller()?, call.json()?, call.now).await?
        ))
    ),
    route!(
        "ListRecommenders",
        "GET",
        "/recommenders",
        Access::Roles(&[Role::Office, Role::Applicant, Role::Recommender]),
        handler!(|app, call| ok(&recommenders::list(app, call.caller()?).await?))
    ),
    route!(
        "GetRecommender",
        "GET",
        "/recommenders/{id}",
        OFFICE,
        handler!(|app, call| ok(
            &recommenders::get(app, call.caller()?, call.recommender_id(0)?).await?
        ))
    ),
    route!(
        "UpdateRecommender",
        "PUT",
        "/recommenders/{id}",
        OFFICE,
        handler!(|app, call| ok(&recommenders::update(
            app,
            call.caller()?,
            call.recommender_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "DeleteRecommender",
        "DELETE",
        "/recommenders/{id}",
        OFFICE,
        handler!(|app, call| {
            recommenders::delete(app, call.caller()?, call.recommender_id(0)?, call.now).await?;
            ok(&serde_json::json!({ "deleted": call.param(0) }))
        })
    ),
    route!(
        "ListRecommendations",
        "GET",
        "/recommendations",
        RECOMMENDER,
        handler!(|app, call| ok(
            &serde_json::json!({ "applications": recommendations::inbox(app, call.caller()?).await? })
        ))
    ),
    // --- applications (Art. 11(2)-(3)) ----------------------------------------------------------
    route!(
        "CreateApplication",
        "POST",
        "/applications",
        APPLICANT,
        handler!(|app, call| created(
            &applications::create_application(app, call.caller()?, call.json()?, call.now).await?
        ))
    ),
    route!(
        "ListApplications",
        "GET",
        "/applications",
        APPLICANT,
        handler!(|app, call| ok(
            &serde_json::json!({ "applications": applications::list_own(app, call.caller()?).await? })
        ))
    ),
    route!(
        "GetApplication",
        "GET",
        "/applications/{id}",
        READERS,
        handler!(|app, call| ok(&applications::get_application(
            app,
            call.caller()?,
            call.application_id(0)?
        )
        .await?))
    ),
    route!(
        "ReplaceApplicationForm",
        "PUT",
        "/applications/{id}/form",
        APPLICANT,
        handler!(|app, call| ok(&applications::save_form(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            FormWrite::Replace,
            call.now
        )
        .await?))
    ),
    route!(
        "PatchApplicationForm",
        "PATCH",
        "/applications/{id}/form",
        APPLICANT,
        handler!(|app, call| ok(&applications::save_form(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            FormWrite::Patch,
            call.now
        )
        .await?))
    ),
    route!(
        "SubmitApplication",
        "POST",
        "/applications/{id}/submit",
        APPLICANT,
        handler!(|app, call| ok(&applications::submit(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.now
        )
        .await?))
    ),
    route!(
        "WithdrawApplication",
        "POST",
        "/applications/{id}/withdraw",
        APPLICANT,
        handler!(|app, call| ok(&applications::withdraw(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecommendApplication",
        "POST",
        "/applications/{id}/recommend",
        RECOMMENDER,
        handler!(|app, call| ok(&recommendations::recommend(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "DeclineApplication",
        "POST",
        "/applications/{id}/decline",
        RECOMMENDER,
        handler!(|app, call| ok(&recommendations::decline(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    // --- eligibility screening (Arts. 5, 10, 11(4), 17, 18) ------------------------------------
    route!(
        "ScreenApplication",
        "POST",
        "/applications/{id}/screening",
        OFFICE,
        handler!(|app, call| ok(&screening::rescreen(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.now
        )
        .await?))
    ),
    route!(
        "GetScreening",
        "GET",
        "/applications/{id}/screening",
        OFFICE,
        handler!(|app, call| ok(
            &screening::view(app, call.caller()?, call.application_id(0)?).await?
        ))
    ),
    route!(
        "SettleScreeningCondition",
        "POST",
        "/applications/{id}/screening/settlements",
        OFFICE,
        handler!(|app, call| ok(&screening::settle(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ConfirmScreening",
        "POST",
        "/applications/{id}/screening/confirm",
        OFFICE,
        handler!(|app, call| ok(&screening::confirm(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.now
        )
        .await?))
    ),
    // --- evidence (Art. 19) ---------------------------------------------------------------------
    route!(
        "DeclareDocument",
        "POST",
        "/applications/{id}/documents",
        UPLOADERS,
        handler!(|app, call| created(
            &documents::declare_document(
                app,
                call.caller()?,
                call.application_id(0)?,
                call.json()?,
                call.now
            )
            .await?
        ))
    ),
    route!(
        "DownloadDocument",
        "GET",
        "/applications/{id}/documents/{doc}/download",
        READERS,
        handler!(|app, call| {
            let id = call.application_id(0)?;
            let doc = keys::parse_id(call.param(1)).ok_or(AppError::DocumentNotFound)?;
            let meta = http::request_meta(call.request);
            ok(&documents::download_document(app, call.caller()?, id, doc, meta, call.now).await?)
        })
    ),
    route!(
        "AccessLog",
        "GET",
        "/applications/{id}/access-log",
        OFFICE,
        handler!(|app, call| ok(&serde_json::json!({
            "access_log": documents::access_log(app, call.caller()?, call.application_id(0)?).await?
        })))
    ),
    // --- the expert pool (Arts. 8, 9(2), 19) ------------------------------------------------------
    route!(
        "CreateExpert",
        "POST",
        "/experts",
        OFFICE,
        handler!(|app, call| created(
            &experts::create(app, call.caller()?, call.json()?, call.now).await?
        ))
    ),
    route!(
        "ListExperts",
        "GET",
        "/experts",
        OFFICE,
        handler!(|app, call| ok(
            &serde_json::json!({ "experts": experts::list(app, call.caller()?).await? })
        ))
    ),
    route!(
        "GetExpert",
        "GET",
        "/experts/{id}",
        OFFICE_OR_EXPERT,
        handler!(|app, call| ok(&experts::get(app, call.caller()?, call.expert_id(0)?).await?))
    ),
    route!(
        "UpdateExpert",
        "PUT",
        "/experts/{id}",
        OFFICE,
        handler!(|app, call| ok(&experts::update(
            app,
            call.caller()?,
            call.expert_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "SetExpertStatus",
        "POST",
        "/experts/{id}/status",
        OFFICE,
        handler!(|app, call| ok(&experts::set_status(
            app,
            call.caller()?,
            call.expert_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    // --- panels (Arts. 11(5)–(6), 19) -------------------------------------------------------------
    route!(
        "DrawExperts",
        "POST",
        "/cycles/{id}/assignments",
        OFFICE,
        handler!(|app, call| ok(&assignments::draw(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ListCycleAssignments",
        "GET",
        "/cycles/{id}/assignments",
        OFFICE,
        handler!(|app, call| ok(&serde_json::json!({
            "experts": assignments::progress(app, call.caller()?, call.param(0), call.phase_query()?).await?
        })))
    ),
    route!(
        "AssignExpert",
        "POST",
        "/applications/{id}/assignments",
        OFFICE,
        handler!(|app, call| created(
            &assignments::assign(
                app,
                call.caller()?,
                call.application_id(0)?,
                call.json()?,
                call.now
            )
            .await?
        ))
    ),
    route!(
        "WithdrawExpert",
        "POST",
        "/applications/{id}/assignments/{phase}/{expert}/withdraw",
        OFFICE,
        handler!(|app, call| ok(&assignments::withdraw(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.expert_id(2)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "SetPanelLeader",
        "POST",
        "/applications/{id}/assignments/{phase}/{expert}/leader",
        OFFICE,
        handler!(|app, call| ok(&assignments::make_leader(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.expert_id(2)?,
            call.now
        )
        .await?))
    ),
    route!(
        "ReopenScores",
        "POST",
        "/applications/{id}/assignments/{phase}/{expert}/reopen",
        OFFICE,
        handler!(|app, call| ok(&reviews::reopen(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.expert_id(2)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    // --- the expert's reviews (Arts. 11(5)–(6), 19, 20) -----------------------------------------
    route!(
        "ListMyReviews",
        "GET",
        "/reviews",
        EXPERT,
        handler!(|app, call| ok(
            &serde_json::json!({ "reviews": assignments::mine(app, call.caller()?).await? })
        ))
    ),
    route!(
        "GetMyReview",
        "GET",
        "/reviews/{id}/{phase}",
        EXPERT,
        handler!(|app, call| ok(&reviews::my_review(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?
        )
        .await?))
    ),
    route!(
        "DeclareConflict",
        "POST",
        "/reviews/{id}/{phase}/declaration",
        EXPERT,
        handler!(|app, call| ok(&assignments::declare(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "SaveScoreSheet",
        "PUT",
        "/reviews/{id}/{phase}/sheet",
        EXPERT,
        handler!(|app, call| ok(&reviews::save_sheet(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.json()?,
            false,
            call.now
        )
        .await?))
    ),
    route!(
        "SubmitScoreSheet",
        "POST",
        "/reviews/{id}/{phase}/submit",
        EXPERT,
        handler!(|app, call| ok(&reviews::save_sheet(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.json()?,
            true,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordConsensus",
        "POST",
        "/reviews/{id}/{phase}/consensus",
        EXPERT,
        handler!(|app, call| ok(&reviews::record_consensus(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    // --- results, on-site, shortlist, combined evaluation (Art. 11(5)–(7)) ----------------------
    route!(
        "GetPhaseReview",
        "GET",
        "/applications/{id}/reviews/{phase}",
        OFFICE,
        handler!(|app, call| ok(&reviews::phase_view(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?
        )
        .await?))
    ),
    route!(
        "AggregateReview",
        "POST",
        "/applications/{id}/reviews/{phase}/aggregate",
        OFFICE,
        handler!(|app, call| ok(&reviews::aggregate_on_demand(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.phase(1)?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordOnsiteVisit",
        "PUT",
        "/applications/{id}/onsite-visit",
        OFFICE,
        handler!(|app, call| ok(&reviews::record_visit(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordSurvey",
        "PUT",
        "/applications/{id}/survey",
        OFFICE,
        handler!(|app, call| ok(&reviews::record_survey(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "GetShortlist",
        "GET",
        "/cycles/{id}/shortlist",
        OFFICE,
        handler!(|app, call| ok(
            &reviews::shortlist_proposal(app, call.caller()?, call.param(0)).await?
        ))
    ),
    route!(
        "ConfirmShortlist",
        "POST",
        "/cycles/{id}/shortlist/confirm",
        OFFICE,
        handler!(|app, call| ok(&reviews::confirm_shortlist(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "GetRanking",
        "GET",
        "/cycles/{id}/ranking",
        Access::Roles(&[Role::Office, Role::Committee]),
        handler!(|app, call| ok(&reviews::ranking(app, call.caller()?, call.param(0)).await?))
    ),
    route!(
        "SendCandidates",
        "POST",
        "/cycles/{id}/candidates",
        OFFICE,
        handler!(|app, call| ok(&reviews::send_candidates(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ExportScores",
        "GET",
        "/cycles/{id}/scores.csv",
        OFFICE,
        handler!(|app, call| csv_file(
            reviews::scores_csv(app, call.caller()?, call.param(0), call.phase_query()?).await?
        ))
    ),
    route!(
        "ExportRanking",
        "GET",
        "/cycles/{id}/ranking.csv",
        OFFICE,
        handler!(|app, call| csv_file(
            reviews::ranking_csv(app, call.caller()?, call.param(0)).await?
        ))
    ),
    // --- decision, publicity and award (Arts. 3, 4, 7(3), 11(8)–(9), 12–14) --------------------
    route!(
        "RecordDeliberation",
        "POST",
        "/cycles/{id}/deliberation",
        COMMITTEE,
        handler!(|app, call| ok(&decision::deliberate(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "DeclareMinutes",
        "POST",
        "/cycles/{id}/minutes",
        Access::Roles(&[Role::Committee, Role::Office]),
        handler!(|app, call| created(
            &attachments::declare_minutes(
                app,
                call.caller()?,
                call.param(0),
                call.json()?,
                call.now
            )
            .await?
        ))
    ),
    route!(
        "DownloadAttachment",
        "GET",
        "/attachments/{id}/download",
        Access::Roles(&[Role::Committee, Role::Office]),
        handler!(|app, call| {
            let id = keys::parse_id(call.param(0)).ok_or(AppError::AttachmentNotFound)?;
            ok(&attachments::download(app, call.caller()?, id, call.now).await?)
        })
    ),
    route!(
        "RecordConsultation",
        "POST",
        "/cycles/{id}/consultation",
        OFFICE,
        handler!(|app, call| ok(&decision::consult(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "StartPublicity",
        "POST",
        "/cycles/{id}/publicity",
        OFFICE,
        handler!(|app, call| ok(&decision::start_publicity(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "GetPublicity",
        "GET",
        "/public/publicity/{id}",
        Access::Public,
        handler!(|app, call| ok(&decision::public_publicity(app, call.param(0)).await?))
    ),
    route!(
        "GetAnnouncedAwards",
        "GET",
        "/public/awards/{id}",
        Access::Public,
        handler!(|app, call| ok(&decision::public_awards(app, call.param(0)).await?))
    ),
    route!(
        "LodgeObjection",
        "POST",
        "/public/publicity/{id}/objections",
        Access::Public,
        handler!(|app, call| {
            let meta = http::request_meta(call.request);
            created(&decision::object(app, call.param(0), call.json()?, meta, call.now).await?)
        })
    ),
    route!(
        "ListObjections",
        "GET",
        "/cycles/{id}/objections",
        OFFICE,
        handler!(|app, call| ok(&serde_json::json!({
            "objections": decision::list_objections(app, call.caller()?, call.param(0)).await?
        })))
    ),
    route!(
        "DecideObjection",
        "POST",
        "/objections/{id}/decision",
        OFFICE,
        handler!(|app, call| {
            let id = keys::parse_id(call.param(0)).ok_or(AppError::ObjectionNotFound)?;
            ok(
                &decision::decide_objection(app, call.caller()?, id, call.json()?, call.now)
                    .await?,
            )
        })
    ),
    route!(
        "RecordExecutiveMeeting",
        "POST",
        "/cycles/{id}/executive-meeting",
        OFFICE,
        handler!(|app, call| ok(&decision::record_executive_meeting(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ApproveApplication",
        "POST",
        "/applications/{id}/approve",
        OFFICE,
        handler!(|app, call| ok(&decision::approve(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "AwardApplication",
        "POST",
        "/applications/{id}/award",
        OFFICE,
        handler!(|app, call| ok(&decision::award(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordRewardPayment",
        "POST",
        "/applications/{id}/reward/payment",
        FINANCE,
        handler!(|app, call| ok(&decision::record_payment(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ListRewards",
        "GET",
        "/rewards",
        Access::Roles(&[Role::Finance, Role::Office]),
        handler!(|app, call| ok(
            &serde_json::json!({ "rewards": decision::rewards(app, call.caller()?).await? })
        ))
    ),
    route!(
        "RecordHandover",
        "POST",
        "/applications/{id}/handover",
        OFFICE,
        handler!(|app, call| ok(&decision::record_handover(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ListCalendarYears",
        "GET",
        "/calendar",
        STAFF,
        handler!(|app, call| ok(
            &serde_json::json!({ "years": calendar::covered(app, call.caller()?).await? })
        ))
    ),
    route!(
        "GetCalendarYear",
        "GET",
        "/calendar/{year}",
        STAFF,
        handler!(|app, call| ok(&calendar::year(app, call.caller()?, call.param(0)).await?))
    ),
    route!(
        "LoadHolidayNotice",
        "POST",
        "/calendar/{year}",
        OFFICE,
        handler!(|app, call| created(
            &calendar::load_year(app, call.caller()?, call.param(0), call.json()?, call.now)
                .await?
        ))
    ),
    route!(
        "ReplaceHolidayNotice",
        "PUT",
        "/calendar/{year}",
        OFFICE,
        handler!(|app, call| ok(&calendar::replace_year(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
    ),
    // --- aftercare (Arts. 5, 16, 17, 18) ------------------------------------------------------
    route!(
        "GetAftercarePolicy",
        "GET",
        "/aftercare/policy",
        STAFF,
        handler!(|app, call| ok(&aftercare::read_policy(app, call.caller()?).await?))
    ),
    route!(
        "SetAftercarePolicy",
        "PUT",
        "/aftercare/policy",
        OFFICE,
        handler!(|app, call| ok(&aftercare::set_policy(
            app,
            call.caller()?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordVisit",
        "POST",
        "/applications/{id}/visits",
        OFFICE,
        handler!(|app, call| created(
            &aftercare::record_visit(
                app,
                call.caller()?,
                call.application_id(0)?,
                call.json()?,
                call.now
            )
            .await?
        ))
    ),
    route!(
        "ListVisits",
        "GET",
        "/applications/{id}/visits",
        Access::Roles(&[Role::Office, Role::Applicant]),
        handler!(|app, call| ok(
            &aftercare::visits(app, call.caller()?, call.application_id(0)?).await?
        ))
    ),
    route!(
        "RescheduleVisit",
        "PUT",
        "/applications/{id}/next-visit",
        OFFICE,
        handler!(|app, call| ok(&aftercare::reschedule_visit(
            app,
            call.caller()?,
            call.application_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "OpenRevocationCase",
        "POST",
        "/applications/{id}/revocation-cases",
        OFFICE,
        handler!(|app, call| created(
            &aftercare::open_case(
                app,
                call.caller()?,
                call.application_id(0)?,
                call.json()?,
                call.now
            )
            .await?
        ))
    ),
    route!(
        "ListRevocationCases",
        "GET",
        "/revocation-cases",
        CASE_READERS,
        handler!(|app, call| ok(
            &serde_json::json!({ "cases": aftercare::list_cases(app, call.caller()?).await? })
        ))
    ),
    route!(
        "GetRevocationCase",
        "GET",
        "/revocation-cases/{id}",
        CASE_READERS,
        handler!(|app, call| ok(
            &aftercare::read_case(app, call.caller()?, call.case_id(0)?).await?
        ))
    ),
    route!(
        "DeclareCaseEvidence",
        "POST",
        "/revocation-cases/{id}/evidence",
        OFFICE,
        handler!(|app, call| created(
            &aftercare::declare_evidence(
                app,
                call.caller()?,
                call.case_id(0)?,
                call.json()?,
                call.now
            )
            .await?
        ))
    ),
    route!(
        "DecideRevocationCase",
        "POST",
        "/revocation-cases/{id}/committee-decision",
        COMMITTEE,
        handler!(|app, call| ok(&aftercare::decide_case(
            app,
            call.caller()?,
            call.case_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "CloseRevocationCase",
        "POST",
        "/revocation-cases/{id}/close",
        OFFICE,
        handler!(|app, call| ok(&aftercare::close_case(
            app,
            call.caller()?,
            call.case_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ApproveRevocation",
        "POST",
        "/revocation-cases/{id}/approval",
        OFFICE,
        handler!(|app, call| ok(&aftercare::approve_revocation(
            app,
            call.caller()?,
            call.case_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordReturns",
        "POST",
        "/revocation-cases/{id}/returns",
        OFFICE,
        handler!(|app, call| ok(&aftercare::record_returns(
            app,
            call.caller()?,
            call.case_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "RecordRewardReturned",
        "POST",
        "/revocation-cases/{id}/reward-returned",
        FINANCE,
        handler!(|app, call| ok(&aftercare::record_reward_returned(
            app,
            call.caller()?,
            call.case_id(0)?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "GetPublicRegister",
        "GET",
        "/public/register",
        Access::Public,
        handler!(|app, call| ok(&aftercare::public_register(app, call.now).await?))
    ),
    // --- the outbox ------------------------------------------------------------------------------
    route!(
        "ListApplicationNotices",
        "GET",
        "/applications/{id}/notices",
        UPLOADERS,
        handler!(|app, call| ok(&serde_json::json!({
            "notices": notices::of_application(app, call.caller()?, call.application_id(0)?).await?
        })))
    ),
    route!(
        "ListNotices",
        "GET",
        "/notices",
        OFFICE,
        handler!(|app, call| {
            // Only the failed ones are listed: the rest are the outbox's business, not people's.
            match call.query("status").as_deref() {
                Some("failed") => {}
                other => {
                    return Err(AppError::invalid_query(
                        format!("status must be failed, not {other:?}"),
                        "status 应为 failed（仅列出发送失败的通知）",
                    ));
                }
            }
            ok(&serde_json::json!({ "notices": notices::list_failed(app, call.caller()?).await? }))
        })
    ),
    route!(
        "ResendNotice",
        "POST",
        "/notices/{id}/resend",
        OFFICE,
        handler!(|app, call| {
            let id = keys::parse_id(call.param(0)).ok_or(AppError::NoticeNotFound)?;
            ok(&notices::resend(app, call.caller()?, id, call.now).await?)
        })
    ),
];

/// How a path matched the table.
pub enum Matched<'r> {
    Route(&'r RouteSpec, Vec<String>),
    /// The path exists, but not with this method.
    WrongMethod,
    NotFound,
}

/// The route for `method` and `path` (without a stage prefix). Of several patterns that match,
/// the one with the most literal segments wins, as in API Gateway (`/cycles/open` before
/// `/cycles/{id}`).
pub fn find(method: &str, path: &str) -> Matched<'static> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(&RouteSpec, Vec<String>, usize)> = None;
    let mut path_exists = false;
    for route in ROUTES {
        let pattern: Vec<&str> = route.path.split('/').filter(|s| !s.is_empty()).collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        let fits = pattern.iter().zip(&segments).all(|(want, got)| {
            if want.starts_with('{') {
                params.push(http::percent_decode(got));
                true
            } else {
                literals += 1;
                want == got
            }
        });
        if !fits {
            continue;
        }
        path_exists = true;
        if route.method == method && best.as_ref().is_none_or(|(_, _, most)| literals > *most) {
            best = Some((route, params, literals));
        }
    }
    match best {
        Some((route, params, _)) => Matched::Route(route, params),
        None if path_exists => Matched::WrongMethod,
        None => Matched::NotFound,
    }
}

/// Whether `method path` needs no token (the local runner's authorizer asks).
pub fn is_public(method: &str, path: &str) -> bool {
    matches!(find(method, path), Matched::Route(route, _) if route.access == Access::Public)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_most_literal_pattern_wins_and_methods_are_told_apart() {
        assert!(
            matches!(find("GET", "/cycles/open"), Matched::Route(r, _) if r.name == "GetOpenCycle")
        );
        assert!(
            matches!(find("GET", "/cycles/2026"), Matched::Route(r, p) if r.name == "GetCycle" && p == ["2026"])
        );
        assert!(matches!(
            find("DELETE", "/cycles/2026"),
            Matched::WrongMethod
        ));
        assert!(matches!(find("GET", "/nothing"), Matched::NotFound));
        assert!(is_public("GET", "/cycles/open"));
        assert!(!is_public("GET", "/cycles/2026"));
        assert!(!is_public("POST", "/cycles/open"));
    }

    #[test]
    fn names_and_method_paths_are_unique() {
        let names: BTreeSet<_> = ROUTES.iter().map(|r| r.name).collect();
        let pairs: BTreeSet<_> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(names.len(), ROUTES.len());
        assert_eq!(pairs.len(), ROUTES.len());
    }

    /// The `HttpApi` events of the API function in `infra/template.yaml`:
    /// `(name, method, path, public)`.
    fn template_events() -> BTreeSet<(String, String, String, bool)> {
        let template = include_str!("../../../infra/template.yaml");
        let mut events = BTreeSet::new();
        let mut resource = "";
        let mut event = "";
        for line in template.lines() {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim();
            if indent == 2 && trimmed.ends_with(':') && !trimmed.starts_with('#') {
                resource = trimmed.trim_end_matches(':');
            } else if indent == 8 && trimmed.ends_with(':') {
                event = trimmed.trim_end_matches(':');
            }
            if resource != API_FUNCTION || !trimmed.starts_with("Properties: { ApiId: !Ref HttpApi")
            {
                continue;
            }
            let field = |name: &str| {
                let rest = trimmed
                    .split(&format!("{name}: "))
                    .nth(1)
                    .unwrap_or_default();
                match rest.strip_prefix('"') {
                    Some(quoted) => quoted.split('"').next().unwrap_or_default().to_owned(),
                    None => rest
                        .split([',', '}'])
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                }
            };
            events.insert((
                event.to_owned(),
                field("Method"),
                field("Path"),
                trimmed.contains("Authorizer: NONE"),
            ));
        }
        events
    }

    #[test]
    fn the_sam_template_routes_are_the_route_table() {
        let table: BTreeSet<_> = ROUTES
            .iter()
            .map(|r| {
                (
                    r.name.to_owned(),
                    r.method.to_owned(),
                    r.path.to_owned(),
                    r.access == Access::Public,
                )
            })
            .collect();
        let template = template_events();
        let missing: Vec<_> = table.difference(&template).collect();
        let extra: Vec<_> = template.difference(&table).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "infra/template.yaml disagrees with the route table:\n  not in the template: {missing:?}\n  not in the table: {extra:?}"
        );
    }
}
