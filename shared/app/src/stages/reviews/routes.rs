//! The routes of the expert pool, the panels and the reviews (Arts. 8, 11(5)-(7), 19, 20): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::*;
use crate::stages::reviews::{self, assignments, experts};
use award_domain::roles::Role;

pub static ROUTES: &[RouteSpec] = &[
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
];
