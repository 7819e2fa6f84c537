//! The Office's aftercare policy: the reminders before an award expires and the visits' interval.

use super::*;

/// `GET /aftercare/policy` (staff).
pub async fn read_policy(app: &App, caller: &Caller) -> Result<AftercarePolicy, AppError> {
    cycles::require_staff(caller)?;
    policy(app).await
}

/// `PUT /aftercare/policy` (office): `{"reminder_days_before_expiry": [180, 90, 30],
/// "visit_interval_months": 12}`. Awards made from now on are scheduled by it. Errors:
/// `InvalidAftercarePolicy` (no offset, an offset over 5 years, an interval of 0 or over 60
/// months).
pub async fn set_policy(
    app: &App,
    caller: &Caller,
    policy: AftercarePolicy,
    now: DateTime<Utc>,
) -> Result<AftercarePolicy, AppError> {
    caller.require(Role::Office)?;
    let mut policy = policy;
    policy
        .reminder_days_before_expiry
        .sort_unstable_by(|a, b| b.cmp(a));
    policy.reminder_days_before_expiry.dedup();
    if policy.reminder_days_before_expiry.is_empty()
        || policy
            .reminder_days_before_expiry
            .iter()
            .any(|days| *days == 0 || *days > 5 * 366)
        || policy.visit_interval_months == 0
        || policy.visit_interval_months > 60
    {
        return Err(AppError::InvalidAftercarePolicy);
    }
    let record = AftercarePolicyRecord {
        policy,
        set_by: caller.sub().to_owned(),
        set_at: now,
    };
    crate::reads::settings::put(
        app,
        &record,
        caller.sub(),
        "aftercare_policy_set",
        &[
            (
                "reminder_days_before_expiry",
                format!("{:?}", record.policy.reminder_days_before_expiry),
            ),
            (
                "visit_interval_months",
                record.policy.visit_interval_months.to_string(),
            ),
        ],
        now,
    )
    .await?;
    Ok(record.policy)
}
