//! Who acts: the roles of Arts. 7–9 and 11, and the person behind a request.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Art. 11(2): an organisation applying.
    Applicant,
    /// Art. 11(3): an industry department or county/district quality office signing off.
    Recommender,
    /// Art. 9: the Committee Office, which runs every stage.
    Office,
    /// Art. 8: a reviewer from the expert pool.
    Expert,
    /// Art. 7: the Review Committee.
    Committee,
    /// Arts. 12, 13, 17: the city finance bureau, which pays and reclaims the reward.
    Finance,
    /// Art. 3, 11(8): anyone, e.g. commenting during publicity.
    Public,
    /// Scheduled jobs acting on dates (expiry), never a person.
    System,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Recommender => "recommender",
            Self::Office => "office",
            Self::Expert => "expert",
            Self::Committee => "committee",
            Self::Finance => "finance",
            Self::Public => "public",
            Self::System => "system",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The authenticated subject behind a command and the roles it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Actor {
    /// The identity provider's subject (`sub`).
    pub subject: String,
    pub roles: BTreeSet<Role>,
}

impl Actor {
    pub fn new(subject: impl Into<String>, roles: impl IntoIterator<Item = Role>) -> Self {
        Self {
            subject: subject.into(),
            roles: roles.into_iter().collect(),
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}
