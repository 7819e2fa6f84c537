//! The routes of the aftercare (Arts. 5, 16, 17, 18): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::*;
use crate::stages::aftercare;
use award_domain::roles::Role;

pub static ROUTES: &[RouteSpec] = &[
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
];
