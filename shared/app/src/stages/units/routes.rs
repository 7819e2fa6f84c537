//! The routes of the recommending units and their recommendations (Art. 11(3)): this stage's slice of the one route table ([`crate::routes`]).

use crate::api::*;
use crate::stages::units::{self as recommenders, recommendations};
use award_domain::roles::Role;

pub static ROUTES: &[RouteSpec] = &[
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
        Access::Roles(&[
            Role::Office,
            Role::Applicant,
            Role::Recommender,
            Role::Expert,
            Role::Committee,
        ]),
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
];
