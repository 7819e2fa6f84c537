//! The routes of the decision, the publicity and the award (Arts. 3, 4, 7(3), 11(8)-(9), 12-14): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::{self, *};
use crate::error::AppError;
use crate::keys;
use crate::reads::attachments;
use crate::stages::decision;
use award_domain::roles::Role;

pub static ROUTES: &[RouteSpec] = &[
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
            &decision::declare_minutes(app, call.caller()?, call.param(0), call.json()?, call.now)
                .await?
        ))
    ),
    route!(
        "GetAttachment",
        "GET",
        "/attachments/{id}",
        Access::Roles(&[Role::Committee, Role::Office]),
        handler!(|app, call| {
            let id = keys::parse_id(call.param(0)).ok_or(AppError::AttachmentNotFound)?;
            ok(&attachments::status(app, call.caller()?, id).await?)
        })
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
            let meta = api::request_meta(call.request);
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
        "IssueAnnouncement",
        "POST",
        "/cycles/{id}/announcement",
        OFFICE,
        handler!(|app, call| ok(&decision::issue_announcement(
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
];
