//! The routes of the public board and the outbox: this stage's slice of the one route table ([`crate::routes`]).

use crate::api::*;
use crate::error::AppError;
use crate::keys;
use crate::notices;
use crate::stages::board;

pub static ROUTES: &[RouteSpec] = &[
    route!(
        "GetOfficeContact",
        "GET",
        "/settings/office-contact",
        OFFICE,
        handler!(|app, call| ok(&board::office_contact(app, call.caller()?).await?))
    ),
    route!(
        "SetOfficeContact",
        "PUT",
        "/settings/office-contact",
        OFFICE,
        handler!(|app, call| ok(&board::set_office_contact(
            app,
            call.caller()?,
            call.json()?,
            call.now
        )
        .await?))
    ),
    route!(
        "ListPublicNotices",
        "GET",
        "/public/notices",
        Access::Public,
        handler!(|app, _call| ok(&serde_json::json!({ "notices": board::list(app).await? })))
    ),
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
