//! The application lifecycle: the stages of Art. 11, and after the award Arts. 5, 17, 18.

use serde::{Deserialize, Serialize};

/// Every stage an application can be in (Art. 11), plus the ends it can reach.
///
/// `Awarded` is the award while it is valid (Art. 5); it becomes `Expired` five years after
/// approval or `Revoked` (Art. 17 fraud, Art. 18 cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Art. 11(2): the applicant is filling in the form and self-assessment.
    Draft,
    /// Art. 11(2): submitted, waiting for the recommender's sign-off.
    Submitted,
    /// Art. 11(3): signed off by the industry department or county/district quality office.
    Recommended,
    /// Art. 11(4): passed the Office's eligibility check.
    Eligible,
    /// Art. 11(4): failed the eligibility check (final).
    Ineligible,
    /// Art. 11(5): document review done, waiting for the on-site shortlist.
    DocumentReviewed,
    /// Art. 11(5): selected for on-site review.
    Shortlisted,
    /// Art. 11(5): not selected for on-site review (final).
    NotShortlisted,
    /// Art. 11(6): on-site review and satisfaction survey done.
    OnsiteReviewed,
    /// Art. 11(7): on the candidate list from the combined evaluation.
    Candidate,
    /// Art. 11(8): on the Committee's proposed list.
    Proposed,
    /// Art. 11(8): published for public comment (≥ 5 working days).
    InPublicity,
    /// Art. 11(9): approved by the city government executive meeting.
    Approved,
    /// Art. 11(9), 12: commended and announced; the award is valid (Art. 5).
    Awarded,
    /// Art. 5: the five-year validity has ended.
    Expired,
    /// Art. 17 / 18: the award was revoked.
    Revoked,
    /// The applicant withdrew before the decision.
    Withdrawn,
    /// Rejected at a gate, with a reason (final).
    Rejected,
}

impl ApplicationState {
    pub const ALL: [ApplicationState; 18] = [
        Self::Draft,
        Self::Submitted,
        Self::Recommended,
        Self::Eligible,
        Self::Ineligible,
        Self::DocumentReviewed,
        Self::Shortlisted,
        Self::NotShortlisted,
        Self::OnsiteReviewed,
        Self::Candidate,
        Self::Proposed,
        Self::InPublicity,
        Self::Approved,
        Self::Awarded,
        Self::Expired,
        Self::Revoked,
        Self::Withdrawn,
        Self::Rejected,
    ];

    /// The snake_case name, identical to the serde form (used in table keys).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Recommended => "recommended",
            Self::Eligible => "eligible",
            Self::Ineligible => "ineligible",
            Self::DocumentReviewed => "document_reviewed",
            Self::Shortlisted => "shortlisted",
            Self::NotShortlisted => "not_shortlisted",
            Self::OnsiteReviewed => "onsite_reviewed",
            Self::Candidate => "candidate",
            Self::Proposed => "proposed",
            Self::InPublicity => "in_publicity",
            Self::Approved => "approved",
            Self::Awarded => "awarded",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Withdrawn => "withdrawn",
            Self::Rejected => "rejected",
        }
    }
}

impl std::fmt::Display for ApplicationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde() {
        for state in ApplicationState::ALL {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(
                serde_json::from_str::<ApplicationState>(&json).unwrap(),
                state
            );
        }
    }
}
