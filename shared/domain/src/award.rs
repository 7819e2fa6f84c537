//! After the award: validity (Art. 5), expiry reminders, follow-up visits (Art. 16), revocation and
//! debarment (Arts. 17, 18), and when an organisation may apply again.
//!
//! Every period in years follows the Civil Code rule in [`crate::period`]: an award approved on
//! 2024-02-29 is valid through 2029-02-28; one approved on 2026-10-20 through 2031-10-20.

use crate::period::{day_after_years, last_day_of_years};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Art. 5: the award is valid for 5 years (有效期为5年).
pub const VALIDITY_YEARS: u32 = 5;
/// Art. 17: fraud bars the organisation for 10 years (10年内不得参加).
pub const FRAUD_DEBARMENT_YEARS: u32 = 10;
/// Art. 18: revocation for cause bars it for 5 years (5年内不得参加).
pub const CAUSE_DEBARMENT_YEARS: u32 = 5;

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AwardError {
    #[error("date out of range")]
    DateOutOfRange,
    #[error(
        "Art. 18 applies to events within 5 years of the award (through {last_valid_day}); {occurred_on} is outside"
    )]
    OutsideArt18Window {
        occurred_on: NaiveDate,
        last_valid_day: NaiveDate,
    },
}

/// Art. 5: an award's validity, from the approval date (Art. 11(9)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Validity {
    pub approved_on: NaiveDate,
    /// The last day the award is valid (inclusive).
    pub last_valid_day: NaiveDate,
    /// Art. 5: after expiry the holder may apply again, from this day.
    pub may_apply_again_from: NaiveDate,
}

impl Validity {
    pub fn from_approval(approved_on: NaiveDate) -> Result<Self, AwardError> {
        Ok(Self {
            approved_on,
            last_valid_day: last_day_of_years(approved_on, VALIDITY_YEARS)
                .ok_or(AwardError::DateOutOfRange)?,
            may_apply_again_from: day_after_years(approved_on, VALIDITY_YEARS)
                .ok_or(AwardError::DateOutOfRange)?,
        })
    }

    /// Whether the award is valid on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.approved_on <= date && date <= self.last_valid_day
    }
}

/// Office settings for reminders and visits (configuration, not law).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AftercarePolicy {
    /// Days before the last valid day on which the holder and the Office are reminded (Art. 5).
    pub reminder_days_before_expiry: Vec<u32>,
    /// Months between follow-up visits (Art. 16, 定期巡访).
    pub visit_interval_months: u32,
}

impl Default for AftercarePolicy {
    fn default() -> Self {
        Self {
            reminder_days_before_expiry: vec![180, 90, 30],
            visit_interval_months: 12,
        }
    }
}

/// Art. 5: reminder dates before expiry, earliest first; offsets that would fall before the
/// approval are dropped.
pub fn reminder_dates(validity: &Validity, policy: &AftercarePolicy) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = policy
        .reminder_days_before_expiry
        .iter()
        .filter_map(|days| {
            validity
                .last_valid_day
                .checked_sub_days(chrono::Days::new(u64::from(*days)))
        })
        .filter(|date| *date > validity.approved_on)
        .collect();
    dates.sort_unstable();
    dates.dedup();
    dates
}

/// Art. 16: follow-up visit dates every `visit_interval_months` after approval, within validity.
/// Month arithmetic clamps to the month's end (an award on 31 Jan is visited on 28/29 Feb … 31 Jan).
pub fn visit_dates(validity: &Validity, policy: &AftercarePolicy) -> Vec<NaiveDate> {
    if policy.visit_interval_months == 0 {
        return Vec::new();
    }
    (1u32..)
        .map_while(|k| {
            let months = k.checked_mul(policy.visit_interval_months)?;
            validity.approved_on.checked_add_months(Months::new(months))
        })
        .take_while(|date| *date <= validity.last_valid_day)
        .collect()
}

/// Art. 18's causes (1)–(5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art18Cause {
    /// (1) a serious quality, safety, environmental or public-health accident.
    SeriousAccident,
    /// (2) a serious quality problem punished by a regulator or a verified public complaint.
    SeriousQualityProblem,
    /// (3) a product failed a national, provincial or city sampling inspection.
    FailedSamplingInspection,
    /// (4) serious operating losses from poor management.
    SeriousOperatingLosses,
    /// (5) another serious violation of law.
    OtherSeriousViolation,
}

impl Art18Cause {
    /// The cause of Art. 18's item `number` (1 to 5).
    pub fn from_number(number: u8) -> Option<Self> {
        [
            Self::SeriousAccident,
            Self::SeriousQualityProblem,
            Self::FailedSamplingInspection,
            Self::SeriousOperatingLosses,
            Self::OtherSeriousViolation,
        ]
        .into_iter()
        .find(|cause| cause.number() == number)
    }

    /// The item number in Art. 18.
    pub fn number(self) -> u8 {
        match self {
            Self::SeriousAccident => 1,
            Self::SeriousQualityProblem => 2,
            Self::FailedSamplingInspection => 3,
            Self::SeriousOperatingLosses => 4,
            Self::OtherSeriousViolation => 5,
        }
    }
}

/// Why an award is revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "ground", rename_all = "snake_case")]
pub enum RevocationGround {
    /// Art. 17: obtained by fraud. Plaque, certificate and reward money are reclaimed; 10-year bar.
    Fraud,
    /// Art. 18: an event within 5 years of the award. Plaque and certificate reclaimed; 5-year bar.
    Cause {
        cause: Art18Cause,
        occurred_on: NaiveDate,
    },
}

impl RevocationGround {
    pub fn debarment_years(self) -> u32 {
        match self {
            Self::Fraud => FRAUD_DEBARMENT_YEARS,
            Self::Cause { .. } => CAUSE_DEBARMENT_YEARS,
        }
    }

    /// Art. 17 reclaims the reward money as well; Art. 18 only plaque and certificate.
    pub fn reclaims_reward(self) -> bool {
        matches!(self, Self::Fraud)
    }

    /// The ground as a notice to the holder states it: `采取不正当手段获取荣誉` (Art. 17) or
    /// `获奖后5年内发生第十八条第三项所列情形（2030年5月6日）` (Art. 18).
    pub fn description_zh(self) -> String {
        const ITEMS: [&str; 5] = ["一", "二", "三", "四", "五"];
        match self {
            Self::Fraud => "采取不正当手段获取荣誉".to_owned(),
            Self::Cause { cause, occurred_on } => format!(
                "获奖后5年内发生第十八条第{}项所列情形（{}）",
                ITEMS
                    .get(usize::from(cause.number().saturating_sub(1)))
                    .copied()
                    .unwrap_or("五"),
                crate::time::date_zh(occurred_on)
            ),
        }
    }

    /// The article as the Chinese notices name it: `第十七条` or `第十八条`.
    pub fn article_zh(self) -> &'static str {
        match self {
            Self::Fraud => "第十七条",
            Self::Cause { .. } => "第十八条",
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            Self::Fraud => "Art. 17",
            Self::Cause { .. } => "Art. 18",
        }
    }
}

/// A bar from the award (Arts. 17, 18), counted from the revocation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Debarment {
    pub ground: RevocationGround,
    pub revoked_on: NaiveDate,
    /// The last day of the bar (inclusive).
    pub last_day: NaiveDate,
    pub may_apply_again_from: NaiveDate,
}

impl Debarment {
    /// Art. 17 / 18. For a cause, the event must have occurred within the award's 5 years.
    pub fn for_revocation(
        ground: RevocationGround,
        revoked_on: NaiveDate,
        validity: &Validity,
    ) -> Result<Self, AwardError> {
        if let RevocationGround::Cause { occurred_on, .. } = ground
            && !validity.covers(occurred_on)
        {
            return Err(AwardError::OutsideArt18Window {
                occurred_on,
                last_valid_day: validity.last_valid_day,
            });
        }
        let years = ground.debarment_years();
        Ok(Self {
            ground,
            revoked_on,
            last_day: last_day_of_years(revoked_on, years).ok_or(AwardError::DateOutOfRange)?,
            may_apply_again_from: day_after_years(revoked_on, years)
                .ok_or(AwardError::DateOutOfRange)?,
        })
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.revoked_on <= date && date <= self.last_day
    }

    /// The end of the bar as every email, notice, page and export words it (Arts. 17, 18):
    /// `至2036年4月24日（含）不得申报，2036年4月25日起可以申报`. See [`bar_end_zh`].
    pub fn wording_zh(&self) -> String {
        bar_end_zh(self.last_day, self.may_apply_again_from)
    }
}

/// The one wording of the end of a bar: its last day, said to be included, and the first day an
/// application is accepted again — `至2036年4月24日（含）不得申报，2036年4月25日起可以申报`.
pub fn bar_end_zh(last_day: NaiveDate, may_apply_again_from: NaiveDate) -> String {
    format!(
        "至{}（含）不得申报，{}起可以申报",
        crate::time::date_zh(last_day),
        crate::time::date_zh(may_apply_again_from)
    )
}

/// The first day from which an organisation may apply again: the day after the latest of its valid
/// award (Art. 5) and its debarments (Arts. 17, 18) that is still running on `on`; `on` itself
/// when nothing stands in the way.
pub fn may_apply_from(
    on: NaiveDate,
    validities: &[Validity],
    debarments: &[Debarment],
) -> NaiveDate {
    validities
        .iter()
        .filter(|validity| validity.last_valid_day >= on)
        .map(|validity| validity.may_apply_again_from)
        .chain(
            debarments
                .iter()
                .filter(|d| d.last_day >= on)
                .map(|d| d.may_apply_again_from),
        )
        .max()
        .unwrap_or(on)
        .max(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn validity_is_five_years_from_approval() {
        let validity = Validity::from_approval(d(2026, 10, 20)).unwrap();
        assert_eq!(validity.last_valid_day, d(2031, 10, 20));
        assert_eq!(validity.may_apply_again_from, d(2031, 10, 21));
        assert!(validity.covers(d(2026, 10, 20)));
        assert!(validity.covers(d(2031, 10, 20)));
        assert!(!validity.covers(d(2031, 10, 21)));
        assert!(!validity.covers(d(2026, 10, 19)));
    }

    #[test]
    fn an_award_on_29_february_ends_on_28_february() {
        let validity = Validity::from_approval(d(2024, 2, 29)).unwrap();
        assert_eq!(validity.last_valid_day, d(2029, 2, 28));
        assert_eq!(validity.may_apply_again_from, d(2029, 3, 1));
    }

    #[test]
    fn reminders_before_expiry() {
        let validity = Validity::from_approval(d(2026, 10, 20)).unwrap();
        let dates = reminder_dates(&validity, &AftercarePolicy::default());
        assert_eq!(dates, vec![d(2031, 4, 23), d(2031, 7, 22), d(2031, 9, 20)]);
        let far = AftercarePolicy {
            reminder_days_before_expiry: vec![3000, 30, 30],
            visit_interval_months: 12,
        };
        assert_eq!(reminder_dates(&validity, &far), vec![d(2031, 9, 20)]);
    }

    #[test]
    fn visits_over_the_validity() {
        let validity = Validity::from_approval(d(2026, 10, 20)).unwrap();
        let visits = visit_dates(&validity, &AftercarePolicy::default());
        assert_eq!(
            visits,
            vec![
                d(2027, 10, 20),
                d(2028, 10, 20),
                d(2029, 10, 20),
                d(2030, 10, 20),
                d(2031, 10, 20)
            ]
        );
        let half_yearly = AftercarePolicy {
            visit_interval_months: 6,
            ..AftercarePolicy::default()
        };
        assert_eq!(visit_dates(&validity, &half_yearly).len(), 10);
        let leap = Validity::from_approval(d(2024, 2, 29)).unwrap();
        assert_eq!(
            visit_dates(&leap, &AftercarePolicy::default())[0],
            d(2025, 2, 28)
        );
        assert_eq!(visit_dates(&leap, &AftercarePolicy::default()).len(), 5);
    }

    #[test]
    fn fraud_bars_for_ten_years_and_reclaims_money() {
        let validity = Validity::from_approval(d(2026, 10, 20)).unwrap();
        let bar =
            Debarment::for_revocation(RevocationGround::Fraud, d(2027, 3, 1), &validity).unwrap();
        assert_eq!(bar.last_day, d(2037, 3, 1));
        assert_eq!(bar.may_apply_again_from, d(2037, 3, 2));
        assert!(RevocationGround::Fraud.reclaims_reward());
        // Fraud has no time limit: found after expiry, still revoked.
        assert!(
            Debarment::for_revocation(RevocationGround::Fraud, d(2033, 1, 1), &validity).is_ok()
        );
    }

    #[test]
    fn cause_bars_for_five_years_only_within_the_award_years() {
        let validity = Validity::from_approval(d(2026, 10, 20)).unwrap();
        let ground = RevocationGround::Cause {
            cause: Art18Cause::FailedSamplingInspection,
            occurred_on: d(2031, 10, 20),
        };
        let bar = Debarment::for_revocation(ground, d(2032, 1, 10), &validity).unwrap();
        assert_eq!(bar.last_day, d(2037, 1, 10));
        assert!(!ground.reclaims_reward());
        assert_eq!(Art18Cause::FailedSamplingInspection.number(), 3);
        let late = RevocationGround::Cause {
            cause: Art18Cause::SeriousAccident,
            occurred_on: d(2031, 10, 21),
        };
        assert_eq!(
            Debarment::for_revocation(late, d(2032, 1, 10), &validity),
            Err(AwardError::OutsideArt18Window {
                occurred_on: d(2031, 10, 21),
                last_valid_day: d(2031, 10, 20)
            })
        );
    }

    #[test]
    fn may_apply_again_after_validity_or_debarment() {
        let validity = Validity::from_approval(d(2024, 2, 29)).unwrap();
        assert_eq!(
            may_apply_from(d(2026, 1, 1), &[validity], &[]),
            d(2029, 3, 1)
        );
        assert_eq!(
            may_apply_from(d(2030, 1, 1), &[validity], &[]),
            d(2030, 1, 1)
        );
        let bar =
            Debarment::for_revocation(RevocationGround::Fraud, d(2026, 5, 1), &validity).unwrap();
        assert_eq!(
            may_apply_from(d(2026, 6, 1), &[validity], &[bar]),
            d(2036, 5, 2)
        );
    }
}
