//! The routes of the register of awards and debarments (Arts. 5, 17, 18): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::{self, *};
use crate::stages::register;

pub static ROUTES: &[RouteSpec] = &[
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
            let body = api::raw_body(call.request, register::MAX_IMPORT_BYTES)?;
            ok(&register::import(app, call.caller()?, body, dry_run, call.now).await?)
        })
    ),
];
