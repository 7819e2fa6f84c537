//! Award cycles (Arts. 4, 9(3), 20): biennial, with a call, deadlines, review rules and a quota of at
//! most 3 awards.

use crate::roles::{Actor, Role};
use crate::rules::{ReviewRules, RulesError};
use crate::time::china_date;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Art. 4: at most 3 awards per cycle (每届名额原则上不超过3个); fewer is valid (名额可以空缺).
pub const MAX_AWARDS_PER_CYCLE: u32 = 3;
/// Art. 4: reviewed every two years (每两年评审1次).
pub const CYCLE_INTERVAL_YEARS: i32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CycleStatus {
    /// Being prepared: rules set and approved.
    Draft,
    /// Art. 11(1): the call is published; applications are accepted until the deadline.
    Open,
    /// Art. 11(2)–(3): the application deadline has passed; recommendations are still accepted
    /// through the recommendation deadline.
    Closed,
    /// Art. 11(4)–(9): the recommendation deadline has passed; the review stages run on the
    /// applications recommended.
    Reviewing,
}

impl CycleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Reviewing => "reviewing",
        }
    }
}

/// Who approved the rules and when (Art. 7(2), 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RulesApproval {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cycle {
    /// The cycle's year, e.g. "2026".
    pub id: String,
    pub title: String,
    pub application_deadline: NaiveDate,
    pub recommendation_deadline: NaiveDate,
    pub quota: u32,
    pub status: CycleStatus,
    pub rules: ReviewRules,
    pub rules_approval: Option<RulesApproval>,
    /// Set when the first score is recorded; the rules cannot change afterwards (Art. 20).
    pub rules_frozen_at: Option<DateTime<Utc>>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CycleError {
    #[error("{action} needs the {required} role")]
    Forbidden { action: String, required: String },
    #[error("a cycle id is its four-digit year, not {id:?}")]
    BadId { id: String },
    #[error("cycles are every two years (Art. 4): {id} is too close to {existing}")]
    NotBiennial { id: String, existing: String },
    #[error(
        "the recommendation deadline {recommendation} is before the application deadline {application}"
    )]
    DeadlineOrder {
        application: NaiveDate,
        recommendation: NaiveDate,
    },
    #[error("the application deadline {deadline} has already passed ({today})")]
    DeadlinePassed {
        deadline: NaiveDate,
        today: NaiveDate,
    },
    #[error("the quota must be 1 to 3 awards (Art. 4), not {quota}")]
    Quota { quota: u32 },
    #[error("a title is required")]
    MissingTitle,
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("the rules are frozen since the first score (Art. 20)")]
    RulesFrozen,
    #[error("the Committee has not approved the rules (Art. 7(2), 20)")]
    RulesNotApproved,
    #[error("cannot {action} a cycle that is {status}")]
    Status { action: String, status: String },
    #[error("a published deadline can only be extended: {deadline} is before {current}")]
    DeadlineShortened {
        deadline: NaiveDate,
        current: NaiveDate,
    },
    #[error("the deadline {deadline} has already passed; it cannot be changed")]
    DeadlineGone { deadline: NaiveDate },
    #[error("the {deadline} deadline has not passed yet; {action} is possible from the next day")]
    DeadlineNotReached { action: String, deadline: NaiveDate },
}

fn require(actor: &Actor, role: Role, action: &str) -> Result<(), CycleError> {
    if actor.has(role) {
        Ok(())
    } else {
        Err(CycleError::Forbidden {
            action: action.into(),
            required: role.as_str().into(),
        })
    }
}

/// Art. 4: a cycle's id is its four-digit year (e.g. "2026"); `None` for anything else.
pub fn year_of(id: &str) -> Option<i32> {
    (id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.parse().ok())
        .flatten()
}

/// Art. 4: the ids of the other cycles that could not exist beside cycle `id` (the years less than
/// [`CYCLE_INTERVAL_YEARS`] away), so that storage can guard their absence in the same atomic
/// write that creates `id`, whatever a listing of cycles saw a moment before.
pub fn conflicting_ids(id: &str) -> Result<Vec<String>, CycleError> {
    let year = year_of(id).ok_or_else(|| CycleError::BadId { id: id.into() })?;
    Ok(
        (year - CYCLE_INTERVAL_YEARS + 1..year + CYCLE_INTERVAL_YEARS)
            .filter(|other| *other != year && (0..=9999).contains(other))
            .map(|other| format!("{other:04}"))
            .collect(),
    )
}

impl Cycle {
    /// Art. 9(3), 11(1): the Office prepares a cycle. It starts as a draft with the default rules and
    /// a quota of 3; `existing` are the ids of the cycles already created (Art. 4, biennial).
    pub fn create(
        id: &str,
        title: &str,
        application_deadline: NaiveDate,
        recommendation_deadline: NaiveDate,
        existing: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, CycleError> {
        require(actor, Role::Office, "create a cycle")?;
        let year = year_of(id).ok_or_else(|| CycleError::BadId { id: id.into() })?;
        if let Some(existing) = existing
            .iter()
            .find(|other| year_of(other).is_some_and(|y| (y - year).abs() < CYCLE_INTERVAL_YEARS))
        {
            return Err(CycleError::NotBiennial {
                id: id.into(),
                existing: existing.clone(),
            });
        }
        if title.trim().is_empty() {
            return Err(CycleError::MissingTitle);
        }
        if recommendation_deadline < application_deadline {
            return Err(CycleError::DeadlineOrder {
                application: application_deadline,
                recommendation: recommendation_deadline,
            });
        }
        let today = china_date(now);
        if application_deadline < today {
            return Err(CycleError::DeadlinePassed {
                deadline: application_deadline,
                today,
            });
        }
        Ok(Self {
            id: id.into(),
            title: title.trim().into(),
            application_deadline,
            recommendation_deadline,
            quota: MAX_AWARDS_PER_CYCLE,
            status: CycleStatus::Draft,
            rules: ReviewRules::default(),
            rules_approval: None,
            rules_frozen_at: None,
        })
    }

    /// Art. 20: the Office sets the rules; they are validated, and any earlier approval lapses.
    pub fn set_rules(mut self, rules: ReviewRules, actor: &Actor) -> Result<Self, CycleError> {
        require(actor, Role::Office, "set the rules")?;
        if self.rules_frozen_at.is_some() {
            return Err(CycleError::RulesFrozen);
        }
        rules.validate()?;
        self.rules = rules;
        self.rules_approval = None;
        Ok(self)
    }

    /// Art. 4: the quota, 1 to 3 (places may also stay vacant at the end).
    pub fn set_quota(mut self, quota: u32, actor: &Actor) -> Result<Self, CycleError> {
        require(actor, Role::Office, "set the quota")?;
        if self.rules_frozen_at.is_some() {
            return Err(CycleError::RulesFrozen);
        }
        if !(1..=MAX_AWARDS_PER_CYCLE).contains(&quota) {
            return Err(CycleError::Quota { quota });
        }
        self.quota = quota;
        Ok(self)
    }

    /// Art. 7(2), 20: the Committee approves the rules.
    pub fn approve_rules(mut self, actor: &Actor, now: DateTime<Utc>) -> Result<Self, CycleError> {
        require(actor, Role::Committee, "approve the rules")?;
        self.rules.validate()?;
        self.rules_approval = Some(RulesApproval {
            by: actor.subject.clone(),
            at: now,
        });
        Ok(self)
    }

    /// Art. 11(1): the Office publishes the call. The rules must be approved first (Art. 20).
    pub fn open(mut self, actor: &Actor, now: DateTime<Utc>) -> Result<Self, CycleError> {
        require(actor, Role::Office, "open a cycle")?;
        if self.status != CycleStatus::Draft {
            return Err(CycleError::Status {
                action: "open".into(),
                status: self.status.as_str().into(),
            });
        }
        if self.rules_approval.is_none() {
            return Err(CycleError::RulesNotApproved);
        }
        let today = china_date(now);
        if self.application_deadline < today {
            return Err(CycleError::DeadlinePassed {
                deadline: self.application_deadline,
                today,
            });
        }
        self.status = CycleStatus::Open;
        Ok(self)
    }

    /// The Office withdraws a cycle it created by mistake, while it is still a draft: its call was
    /// never published, so no applicant relied on it (Art. 9(3)). A published call is never
    /// withdrawn; its deadlines can only be extended. Errors: `Forbidden`, `Status`.
    pub fn cancel(&self, actor: &Actor) -> Result<(), CycleError> {
        require(actor, Role::Office, "cancel a cycle")?;
        if self.status != CycleStatus::Draft {
            return Err(CycleError::Status {
                action: "cancel".into(),
                status: self.status.as_str().into(),
            });
        }
        Ok(())
    }

    /// Art. 11(2): the call closes at the end of the application deadline day (China time). The
    /// scheduled job does it (role `system`); the Office may too, but never before the deadline has
    /// passed, since the published call promised that day.
    pub fn close(mut self, actor: &Actor, now: DateTime<Utc>) -> Result<Self, CycleError> {
        if !actor.has(Role::System) {
            require(actor, Role::Office, "close a cycle")?;
        }
        if self.status != CycleStatus::Open {
            return Err(CycleError::Status {
                action: "close".into(),
                status: self.status.as_str().into(),
            });
        }
        if china_date(now) <= self.application_deadline {
            return Err(CycleError::DeadlineNotReached {
                action: "close".into(),
                deadline: self.application_deadline,
            });
        }
        self.status = CycleStatus::Closed;
        Ok(self)
    }

    /// Whether the scheduled job has work on this cycle at `now` (UTC; days are China dates): an
    /// open call whose application deadline day has ended (to [`Cycle::close`]), or a closed one
    /// whose recommendation deadline day has ended (to [`Cycle::start_review`]) (Art. 11(1),
    /// (3)–(4)). The same comparisons those two make, asked without an actor or a copy.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        let today = china_date(now);
        match self.status {
            CycleStatus::Open => today > self.application_deadline,
            CycleStatus::Closed => today > self.recommendation_deadline,
            _ => false,
        }
    }

    /// Art. 11(3)–(4): after the recommendation deadline day the cycle moves on to review; the
    /// applications still waiting for a recommendation are closed by the caller (see
    /// `lifecycle::Command::CloseUnrecommended`). Scheduled job (`system`) or the Office.
    pub fn start_review(mut self, actor: &Actor, now: DateTime<Utc>) -> Result<Self, CycleError> {
        if !actor.has(Role::System) {
            require(actor, Role::Office, "start the review")?;
        }
        if self.status != CycleStatus::Closed {
            return Err(CycleError::Status {
                action: "start the review of".into(),
                status: self.status.as_str().into(),
            });
        }
        if china_date(now) <= self.recommendation_deadline {
            return Err(CycleError::DeadlineNotReached {
                action: "start the review".into(),
                deadline: self.recommendation_deadline,
            });
        }
        self.status = CycleStatus::Reviewing;
        Ok(self)
    }

    /// Art. 9(3), 11(1): the Office extends a published deadline. A published deadline is never
    /// shortened (applicants planned on it), one that has passed cannot be reopened, and the
    /// recommendation deadline stays on or after the application deadline. `None` keeps a date.
    pub fn extend_deadlines(
        mut self,
        application: Option<NaiveDate>,
        recommendation: Option<NaiveDate>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, CycleError> {
        require(actor, Role::Office, "extend a deadline")?;
        let today = china_date(now);
        let published = matches!(self.status, CycleStatus::Open | CycleStatus::Closed);
        if let Some(date) = application {
            if self.status != CycleStatus::Open && self.status != CycleStatus::Draft {
                return Err(CycleError::Status {
                    action: "extend the application deadline of".into(),
                    status: self.status.as_str().into(),
                });
            }
            if published && self.application_deadline < today {
                return Err(CycleError::DeadlineGone {
                    deadline: self.application_deadline,
                });
            }
            if published && date < self.application_deadline {
                return Err(CycleError::DeadlineShortened {
                    deadline: date,
                    current: self.application_deadline,
                });
            }
            if date < today {
                return Err(CycleError::DeadlinePassed {
                    deadline: date,
                    today,
                });
            }
            self.application_deadline = date;
        }
        if let Some(date) = recommendation {
            if !matches!(
                self.status,
                CycleStatus::Draft | CycleStatus::Open | CycleStatus::Closed
            ) {
                return Err(CycleError::Status {
                    action: "extend the recommendation deadline of".into(),
                    status: self.status.as_str().into(),
                });
            }
            if published && self.recommendation_deadline < today {
                return Err(CycleError::DeadlineGone {
                    deadline: self.recommendation_deadline,
                });
            }
            if published && date < self.recommendation_deadline {
                return Err(CycleError::DeadlineShortened {
                    deadline: date,
                    current: self.recommendation_deadline,
                });
            }
            self.recommendation_deadline = date;
        }
        if self.recommendation_deadline < self.application_deadline {
            return Err(CycleError::DeadlineOrder {
                application: self.application_deadline,
                recommendation: self.recommendation_deadline,
            });
        }
        Ok(self)
    }

    /// Art. 11(2): applications are accepted while open, through the deadline day (China time).
    pub fn accepts_applications(&self, now: DateTime<Utc>) -> bool {
        self.status == CycleStatus::Open && china_date(now) <= self.application_deadline
    }

    /// Art. 11(3): recommendations are accepted through the recommendation deadline day.
    pub fn accepts_recommendations(&self, now: DateTime<Utc>) -> bool {
        matches!(self.status, CycleStatus::Open | CycleStatus::Closed)
            && china_date(now) <= self.recommendation_deadline
    }

    /// Art. 20: called when the first score is recorded. The rules must be approved; freezing twice
    /// keeps the first instant.
    pub fn freeze_rules(mut self, now: DateTime<Utc>) -> Result<Self, CycleError> {
        if self.rules_approval.is_none() {
            return Err(CycleError::RulesNotApproved);
        }
        self.rules_frozen_at.get_or_insert(now);
        Ok(self)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    thiserror::Error,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[error("the cycle's quota of {quota} awards is reached ({approved} approved) (Art. 4)")]
pub struct QuotaReached {
    pub quota: u32,
    pub approved: u32,
}

/// Art. 4: whether one more award may be approved, given how many are already approved in the
/// cycle. The storage layer makes the count and the approval one atomic step.
pub fn check_quota(approved_in_cycle: u32, quota: u32) -> Result<(), QuotaReached> {
    let quota = quota.min(MAX_AWARDS_PER_CYCLE);
    if approved_in_cycle >= quota {
        Err(QuotaReached {
            quota,
            approved: approved_in_cycle,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The default rules, to be varied field by field.
    fn default_rules() -> ReviewRules {
        ReviewRules::default()
    }

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    pub(crate) fn office() -> Actor {
        Actor::new("office-1", [Role::Office])
    }

    pub(crate) fn committee() -> Actor {
        Actor::new("committee-1", [Role::Committee])
    }

    /// A draft 2026 cycle created by the Office on 1 March 2026: deadlines 30 June and 15 July.
    pub(crate) fn draft_cycle() -> Cycle {
        Cycle::create(
            "2026",
            "2026年度武威市人民政府质量奖",
            d(2026, 6, 30),
            d(2026, 7, 15),
            &[],
            &office(),
            at("2026-03-01T02:00:00Z"),
        )
        .unwrap()
    }

    pub(crate) fn open_cycle() -> Cycle {
        let now = at("2026-03-01T02:00:00Z");
        draft_cycle()
            .approve_rules(&committee(), now)
            .unwrap()
            .open(&office(), now)
            .unwrap()
    }

    #[test]
    fn creating_a_cycle_checks_role_id_deadlines_and_biennial_spacing() {
        let now = at("2026-03-01T02:00:00Z");
        let create = |id: &str, existing: &[String], actor: &Actor| {
            Cycle::create(
                id,
                "t",
                d(2026, 6, 30),
                d(2026, 7, 15),
                existing,
                actor,
                now,
            )
        };
        let cycle = create("2026", &[], &office()).unwrap();
        assert_eq!((cycle.status, cycle.quota), (CycleStatus::Draft, 3));
        assert!(matches!(
            create("2026", &[], &committee()),
            Err(CycleError::Forbidden { .. })
        ));
        assert!(matches!(
            create("26", &[], &office()),
            Err(CycleError::BadId { .. })
        ));
        assert!(matches!(
            create("2026", &["2025".into()], &office()),
            Err(CycleError::NotBiennial { .. })
        ));
        assert!(create("2026", &["2024".into()], &office()).is_ok());
        assert!(matches!(
            Cycle::create(
                "2026",
                "t",
                d(2026, 6, 30),
                d(2026, 6, 29),
                &[],
                &office(),
                now
            ),
            Err(CycleError::DeadlineOrder { .. })
        ));
        assert!(matches!(
            Cycle::create(
                "2026",
                "t",
                d(2026, 2, 28),
                d(2026, 3, 15),
                &[],
                &office(),
                now
            ),
            Err(CycleError::DeadlinePassed { .. })
        ));
    }

    #[test]
    fn only_the_office_cancels_and_only_a_draft() {
        let draft = draft_cycle();
        assert_eq!(draft.cancel(&office()), Ok(()));
        assert!(matches!(
            draft.cancel(&committee()),
            Err(CycleError::Forbidden { .. })
        ));
        assert!(matches!(
            open_cycle().cancel(&office()),
            Err(CycleError::Status { .. })
        ));
    }

    #[test]
    fn conflicting_ids_are_exactly_the_ids_create_refuses() {
        let now = at("2026-03-01T02:00:00Z");
        assert_eq!(conflicting_ids("2026").unwrap(), ["2025", "2027"]);
        assert_eq!(conflicting_ids("0000").unwrap(), ["0001"]);
        assert!(matches!(
            conflicting_ids("26"),
            Err(CycleError::BadId { .. })
        ));
        for other in 2020..=2032 {
            let existing = [other.to_string()];
            let refused = matches!(
                Cycle::create(
                    "2026",
                    "t",
                    d(2026, 6, 30),
                    d(2026, 7, 15),
                    &existing,
                    &office(),
                    now
                ),
                Err(CycleError::NotBiennial { .. })
            );
            let listed = other == 2026 || conflicting_ids("2026").unwrap().contains(&existing[0]);
            assert_eq!(refused, listed, "existing cycle {other}");
        }
    }

    #[test]
    fn quota_is_one_to_three() {
        let cycle = draft_cycle();
        assert_eq!(
            cycle.clone().set_quota(4, &office()),
            Err(CycleError::Quota { quota: 4 })
        );
        assert_eq!(
            cycle.clone().set_quota(0, &office()),
            Err(CycleError::Quota { quota: 0 })
        );
        assert_eq!(cycle.set_quota(2, &office()).unwrap().quota, 2);
    }

    #[test]
    fn the_fourth_approval_is_refused() {
        assert!(check_quota(0, 3).is_ok());
        assert!(check_quota(2, 3).is_ok());
        assert_eq!(
            check_quota(3, 3),
            Err(QuotaReached {
                quota: 3,
                approved: 3
            })
        );
        // A misconfigured quota above 3 still stops at 3.
        assert!(check_quota(3, 5).is_err());
        assert!(check_quota(1, 1).is_err());
    }

    #[test]
    fn rules_need_committee_approval_before_opening_and_freeze_at_the_first_score() {
        let now = at("2026-03-01T02:00:00Z");
        let cycle = draft_cycle();
        assert_eq!(
            cycle.clone().open(&office(), now),
            Err(CycleError::RulesNotApproved)
        );
        assert!(matches!(
            cycle.clone().approve_rules(&office(), now),
            Err(CycleError::Forbidden { .. })
        ));
        let approved = cycle.approve_rules(&committee(), now).unwrap();
        // Changing the rules voids the approval.
        let mut rules = default_rules();
        rules.publicity_working_days = 7;
        let changed = approved
            .clone()
            .set_rules(rules.clone(), &office())
            .unwrap();
        assert!(changed.rules_approval.is_none());
        let mut bad = rules.clone();
        bad.weights.satisfaction = 0;
        assert!(matches!(
            approved.clone().set_rules(bad, &office()),
            Err(CycleError::Rules(RulesError::WeightsSum { .. }))
        ));
        assert_eq!(
            changed.clone().freeze_rules(now),
            Err(CycleError::RulesNotApproved)
        );

        let open = approved.open(&office(), now).unwrap();
        assert_eq!(open.status, CycleStatus::Open);
        let frozen = open.freeze_rules(at("2026-08-01T00:00:00Z")).unwrap();
        let again = frozen
            .clone()
            .freeze_rules(at("2026-08-02T00:00:00Z"))
            .unwrap();
        assert_eq!(again.rules_frozen_at, Some(at("2026-08-01T00:00:00Z")));
        assert_eq!(
            frozen.clone().set_rules(rules, &office()),
            Err(CycleError::RulesFrozen)
        );
        assert_eq!(frozen.set_quota(2, &office()), Err(CycleError::RulesFrozen));
    }

    #[test]
    fn deadlines_are_china_dates() {
        let cycle = open_cycle();
        // 2026-06-30 23:59 in China is 15:59 UTC.
        assert!(cycle.accepts_applications(at("2026-06-30T15:59:59Z")));
        assert!(!cycle.accepts_applications(at("2026-06-30T16:00:00Z")));
        assert!(cycle.accepts_recommendations(at("2026-07-15T15:59:59Z")));
        assert!(!cycle.accepts_recommendations(at("2026-07-15T16:00:00Z")));
        let closed = cycle.close(&office(), at("2026-06-30T16:00:00Z")).unwrap();
        assert!(!closed.accepts_applications(at("2026-06-01T00:00:00Z")));
        assert!(closed.accepts_recommendations(at("2026-07-15T15:59:59Z")));
    }

    fn system() -> Actor {
        Actor::new("scheduler", [Role::System])
    }

    #[test]
    fn the_call_closes_after_its_deadline_day_and_review_starts_after_the_recommendations() {
        let cycle = open_cycle();
        // `due` says what `close` and `start_review` would do, day by day (China dates).
        assert!(!draft_cycle().due(at("2027-01-01T00:00:00Z")));
        assert!(!cycle.due(at("2026-06-30T15:59:59Z")));
        assert!(cycle.due(at("2026-06-30T16:00:00Z")));
        // The deadline day is still open, in China time.
        assert_eq!(
            cycle.clone().close(&system(), at("2026-06-30T15:59:59Z")),
            Err(CycleError::DeadlineNotReached {
                action: "close".into(),
                deadline: d(2026, 6, 30)
            })
        );
        let applicant = Actor::new("a", [Role::Applicant]);
        assert!(matches!(
            cycle.clone().close(&applicant, at("2026-07-01T00:00:00Z")),
            Err(CycleError::Forbidden { .. })
        ));
        let closed = cycle.close(&system(), at("2026-06-30T16:00:00Z")).unwrap();
        assert_eq!(closed.status, CycleStatus::Closed);
        assert!(!closed.due(at("2026-07-15T15:59:59Z")));
        assert!(closed.due(at("2026-07-15T16:00:00Z")));
        assert!(matches!(
            closed.clone().close(&system(), at("2026-07-02T00:00:00Z")),
            Err(CycleError::Status { .. })
        ));
        assert!(matches!(
            closed
                .clone()
                .start_review(&system(), at("2026-07-15T15:59:59Z")),
            Err(CycleError::DeadlineNotReached { .. })
        ));
        let reviewing = closed
            .start_review(&system(), at("2026-07-15T16:00:00Z"))
            .unwrap();
        assert_eq!(reviewing.status, CycleStatus::Reviewing);
        assert!(!reviewing.due(at("2027-01-01T00:00:00Z")));
        assert!(!reviewing.accepts_recommendations(at("2026-07-01T00:00:00Z")));
    }

    #[test]
    fn published_deadlines_are_only_ever_extended() {
        let cycle = open_cycle();
        let now = at("2026-06-01T02:00:00Z");
        let extended = cycle
            .clone()
            .extend_deadlines(Some(d(2026, 7, 10)), Some(d(2026, 7, 31)), &office(), now)
            .unwrap();
        assert_eq!(
            (
                extended.application_deadline,
                extended.recommendation_deadline
            ),
            (d(2026, 7, 10), d(2026, 7, 31))
        );
        assert_eq!(
            cycle
                .clone()
                .extend_deadlines(Some(d(2026, 6, 29)), None, &office(), now),
            Err(CycleError::DeadlineShortened {
                deadline: d(2026, 6, 29),
                current: d(2026, 6, 30)
            })
        );
        assert_eq!(
            cycle
                .clone()
                .extend_deadlines(None, Some(d(2026, 7, 14)), &office(), now),
            Err(CycleError::DeadlineShortened {
                deadline: d(2026, 7, 14),
                current: d(2026, 7, 15)
            })
        );
        // Moving the application deadline past the recommendation deadline is refused.
        assert!(matches!(
            cycle
                .clone()
                .extend_deadlines(Some(d(2026, 7, 20)), None, &office(), now),
            Err(CycleError::DeadlineOrder { .. })
        ));
        // A deadline that has gone cannot be reopened.
        assert_eq!(
            cycle.clone().extend_deadlines(
                Some(d(2026, 8, 1)),
                Some(d(2026, 8, 2)),
                &office(),
                at("2026-07-01T02:00:00Z")
            ),
            Err(CycleError::DeadlineGone {
                deadline: d(2026, 6, 30)
            })
        );
        assert!(matches!(
            cycle.extend_deadlines(
                None,
                Some(d(2026, 8, 1)),
                &Actor::new("c", [Role::Committee]),
                now
            ),
            Err(CycleError::Forbidden { .. })
        ));
    }
}
