//! Who is calling: the claims an API Gateway JWT authorizer (or the local runner, which fills the
//! same place) put in the request context.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The roles of the award (Arts. 7–9, 11), as Cognito groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Recommender,
    Office,
    Expert,
    Committee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Recommender => "recommender",
            Self::Office => "office",
            Self::Expert => "expert",
            Self::Committee => "committee",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name {
            "applicant" => Some(Self::Applicant),
            "recommender" => Some(Self::Recommender),
            "office" => Some(Self::Office),
            "expert" => Some(Self::Expert),
            "committee" => Some(Self::Committee),
            _ => None,
        }
    }
}

/// The claim holding the caller's groups.
pub const GROUPS_CLAIM: &str = "cognito:groups";

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's subject: the account id, owner of what it creates.
    pub sub: String,
    pub email: Option<String>,
    pub roles: BTreeSet<Role>,
}

impl Caller {
    /// The caller from the authorizer's claims; `Unauthenticated` without a subject.
    pub fn from_claims(claims: &HashMap<String, String>) -> Result<Self, AppError> {
        let sub = claims
            .get("sub")
            .map(|sub| sub.trim())
            .filter(|sub| !sub.is_empty())
            .ok_or(AppError::Unauthenticated)?;
        let roles = claims
            .get(GROUPS_CLAIM)
            .map(|groups| parse_groups(groups))
            .unwrap_or_default();
        Ok(Self {
            sub: sub.to_owned(),
            email: claims.get("email").cloned(),
            roles,
        })
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// `Forbidden` unless the caller has `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn role_names(&self) -> Vec<String> {
        self.roles
            .iter()
            .map(|role| role.as_str().to_owned())
            .collect()
    }
}

/// API Gateway flattens the `cognito:groups` array to `"[office applicant]"`; other issuers send a
/// JSON array string. Both are read; unknown group names are ignored.
fn parse_groups(value: &str) -> BTreeSet<Role> {
    let value = value.trim();
    if let Ok(names) = serde_json::from_str::<Vec<String>>(value) {
        return names.iter().filter_map(|name| Role::parse(name)).collect();
    }
    value
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(Role::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn groups_in_both_forms() {
        for groups in [
            "[office applicant]",
            r#"["office","applicant"]"#,
            "office,applicant",
        ] {
            let caller =
                Caller::from_claims(&claims(&[("sub", "u1"), (GROUPS_CLAIM, groups)])).unwrap();
            assert!(caller.has(Role::Office), "{groups}");
            assert!(caller.has(Role::Applicant), "{groups}");
            assert!(!caller.has(Role::Expert), "{groups}");
        }
    }

    #[test]
    fn no_subject_is_unauthenticated() {
        let error = Caller::from_claims(&claims(&[(GROUPS_CLAIM, "[office]")])).unwrap_err();
        assert!(matches!(error, AppError::Unauthenticated));
        let blank = Caller::from_claims(&claims(&[("sub", " ")])).unwrap_err();
        assert!(matches!(blank, AppError::Unauthenticated));
    }

    #[test]
    fn unknown_groups_give_no_role() {
        let caller =
            Caller::from_claims(&claims(&[("sub", "u"), (GROUPS_CLAIM, "[admin root]")])).unwrap();
        assert!(caller.roles.is_empty());
    }
}
