//! The routes of the applications, their contact email and their evidence (Arts. 11(2)-(3), 19): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::{self, *};
use crate::error::AppError;
use crate::keys;
use crate::stages::applications::{self, FormWrite, contact, documents};
use award_domain::roles::Role;

pub static ROUTES: &[RouteSpec] = &[
    route!(
        "ConfirmEmail",
        "POST",
        "/email-confirmations",
        Access::Public,
        handler!(|app, call| ok(&contact::confirm(app, call.json()?, call.now).await?))
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
        "DeclareDocument",
        "POST",
        "/applications/{id}/documents",
        // The applicant its evidence, the Office its reports, the recommending unit its sealed
        // page (Art. 11(3)): `documents::declare_document` narrows each to its own.
        Access::Roles(&[Role::Applicant, Role::Office, Role::Recommender]),
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
        "RemoveDocument",
        "DELETE",
        "/applications/{id}/documents/{doc}",
        APPLICANT,
        handler!(|app, call| {
            let id = call.application_id(0)?;
            let doc = keys::parse_id(call.param(1)).ok_or(AppError::DocumentNotFound)?;
            ok(&documents::remove_document(app, call.caller()?, id, doc, call.now).await?)
        })
    ),
    route!(
        "DownloadDocument",
        "GET",
        "/applications/{id}/documents/{doc}/download",
        READERS,
        handler!(|app, call| {
            let id = call.application_id(0)?;
            let doc = keys::parse_id(call.param(1)).ok_or(AppError::DocumentNotFound)?;
            let meta = api::request_meta(call.request);
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
];
