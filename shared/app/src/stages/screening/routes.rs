//! The routes of the eligibility screening (Arts. 5, 10, 11(4), 17, 18): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::*;
use crate::stages::screening;

pub static ROUTES: &[RouteSpec] = &[
    route!(
        "ExportCycleScreening",
        "GET",
        "/cycles/{id}/screening.csv",
        OFFICE,
        handler!(|app, call| csv_file(
            screening::export_csv(app, call.caller()?, call.param(0)).await?
        ))
    ),
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
];
