//! The routes of the cycles (Arts. 4, 7, 9, 11(1), 20) and the working-day calendar: this stage's slice of the one route table ([`crate::routes`]).

use crate::api::*;
use crate::stages::cycles::{self, calendar};

pub static ROUTES: &[RouteSpec] = &[
    route!(
        "GetOpenCycle",
        "GET",
        "/cycles/open",
        Access::Public,
        handler!(|app, _call| ok(&cycles::open_cycle_info(app).await?))
    ),
    route!(
        "GetPublicCycle",
        "GET",
        "/public/cycles/{id}",
        Access::Public,
        handler!(|app, call| ok(&cycles::public_cycle(app, call.param(0)).await?))
    ),
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
        "CancelCycle",
        "DELETE",
        "/cycles/{id}",
        OFFICE,
        handler!(|app, call| {
            cycles::cancel_cycle(app, call.caller()?, call.param(0), call.now).await?;
            ok(&serde_json::json!({ "deleted": call.param(0) }))
        })
    ),
    route!(
        "SetCycleRules",
        "PUT",
        "/cycles/{id}/rules",
        OFFICE,
        handler!(|app, call| ok(&cycles::set_rules(
            app,
            call.caller()?,
            call.param(0),
            call.json()?,
            call.now
        )
        .await?))
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
];
