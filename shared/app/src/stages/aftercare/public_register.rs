//! The public register (Art. 3).

use super::*;

/// One award on the public register.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicAward {
    pub organisation_name: String,
    pub uscc: String,
    pub cycle_id: String,
    /// China dates.
    pub approved_on: NaiveDate,
    pub last_valid_day: NaiveDate,
    /// `valid`, `expired` or `revoked` (today, China time).
    pub status: &'static str,
    /// For a revoked award: `第十七条` or `第十八条`.
    pub revoked_under: Option<&'static str>,
    pub revoked_on: Option<NaiveDate>,
}

/// A debarment still running.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicDebarment {
    pub organisation_name: String,
    pub uscc: String,
    pub article: &'static str,
    pub revoked_on: NaiveDate,
    /// The last China day of the bar.
    pub until: NaiveDate,
    /// The first China day it may apply again (the day after `until`).
    pub may_apply_again_from: NaiveDate,
}

/// `GET /public/register`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicRegister {
    /// China date the statuses are as of.
    pub as_of: NaiveDate,
    pub awards: Vec<PublicAward>,
    pub debarments: Vec<PublicDebarment>,
}

/// The register as the public may read it (Art. 3): awards (valid, expired, revoked with the
/// article), running debarments (name, USCC, until when) — what the announcements already made
/// public, nothing more. One query of GSI1 `REGISTER`.
pub async fn public_register(app: &App, now: DateTime<Utc>) -> Result<PublicRegister, AppError> {
    let today = china_date(now);
    let entries = register::all(app).await?;
    let bars: Vec<(&RegisterEntry, NaiveDate, Debarment)> = entries
        .iter()
        .filter_map(|entry| match &entry.fact {
            RegisterFact::Debarment {
                award_approved_on,
                debarment,
            } => Some((entry, *award_approved_on, *debarment)),
            RegisterFact::Award { .. } => None,
        })
        .collect();
    let mut awards: Vec<PublicAward> = entries
        .iter()
        .filter_map(|entry| match &entry.fact {
            RegisterFact::Award { cycle_id, validity } => {
                let bar = bars.iter().find(|(bar, approved_on, _)| {
                    bar.uscc == entry.uscc && *approved_on == validity.approved_on
                });
                let status = match bar {
                    Some(_) => "revoked",
                    None if validity.covers(today) => "valid",
                    None if today < validity.approved_on => "valid",
                    None => "expired",
                };
                Some(PublicAward {
                    organisation_name: entry.organisation_name.clone(),
                    uscc: entry.uscc.clone(),
                    cycle_id: cycle_id.clone(),
                    approved_on: validity.approved_on,
                    last_valid_day: validity.last_valid_day,
                    status,
                    revoked_under: bar.map(|(_, _, debarment)| debarment.ground.article_zh()),
                    revoked_on: bar.map(|(_, _, debarment)| debarment.revoked_on),
                })
            }
            RegisterFact::Debarment { .. } => None,
        })
        .collect();
    awards.sort_by(|a, b| {
        b.approved_on
            .cmp(&a.approved_on)
            .then_with(|| a.uscc.cmp(&b.uscc))
    });
    let mut debarments: Vec<PublicDebarment> = bars
        .iter()
        .filter(|(_, _, debarment)| debarment.last_day >= today)
        .map(|(entry, _, debarment)| PublicDebarment {
            organisation_name: entry.organisation_name.clone(),
            uscc: entry.uscc.clone(),
            article: debarment.ground.article_zh(),
            revoked_on: debarment.revoked_on,
            until: debarment.last_day,
            may_apply_again_from: debarment.may_apply_again_from,
        })
        .collect();
    debarments.sort_by(|a, b| a.until.cmp(&b.until).then_with(|| a.uscc.cmp(&b.uscc)));
    Ok(PublicRegister {
        as_of: today,
        awards,
        debarments,
    })
}
