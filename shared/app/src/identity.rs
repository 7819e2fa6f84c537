//! Who is calling: the claims an API Gateway JWT authorizer (or the local runner, which fills the
//! same place) put in the request context.

use std::collections::HashMap;

pub use award_domain::roles::{Actor, Role};

use crate::error::AppError;

/// The claim holding the caller's groups.
pub const GROUPS_CLAIM: &str = "cognito:groups";

/// The roles a token can carry, one Cognito group each. `public` needs no token and `system` is
/// the scheduled jobs, never a person, so neither is ever read from a token.
pub const GROUP_ROLES: [Role; 6] = [
    Role::Applicant,
    Role::Recommender,
    Role::Office,
    Role::Expert,
    Role::Committee,
    Role::Finance,
];

/// The role a group name grants, if it is one of [`GROUP_ROLES`].
pub fn role_from_group(name: &str) -> Option<Role> {
    GROUP_ROLES.into_iter().find(|role| role.as_str() == name)
}

/// An authenticated caller: the domain's [`Actor`] read from the token's claims, plus the
/// contact details the application layer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub actor: Actor,
    pub email: Option<String>,
    /// The identity provider's `email_verified` claim (Cognito sets it once the address
    /// answered its code); it may arrive as `"true"` or, from other issuers, a JSON `true`.
    pub email_verified: bool,
}

impl Caller {
    /// The caller from the authorizer's claims; `Unauthenticated` without a subject.
    ///
    /// An account in no group at all is an enterprise that registered itself (Cognito self
    /// sign-up with a verified email): an applicant. Anyone may register as one, so this grants
    /// nothing a stranger could not have; every other role is a group the Office grants
    /// (docs/DEPLOY.md). Groups that are none of the award's give no role.
    pub fn from_claims(claims: &HashMap<String, String>) -> Result<Self, AppError> {
        let sub = claims
            .get("sub")
            .map(|sub| sub.trim())
            .filter(|sub| !sub.is_empty())
            .ok_or(AppError::Unauthenticated)?;
        let roles = match claims.get(GROUPS_CLAIM).map(|groups| groups.trim()) {
            None | Some("" | "[]") => vec![Role::Applicant],
            Some(groups) => parse_groups(groups),
        };
        Ok(Self {
            actor: Actor::new(sub, roles),
            email: claims.get("email").cloned(),
            email_verified: claims
                .get("email_verified")
                .is_some_and(|value| value.trim().eq_ignore_ascii_case("true")),
        })
    }

    /// The account's email, when the identity provider verified it.
    pub fn verified_email(&self) -> Option<String> {
        self.email.clone().filter(|_| self.email_verified)
    }

    /// The token's subject: the account id, owner of what it creates.
    pub fn sub(&self) -> &str {
        &self.actor.subject
    }

    pub fn has(&self, role: Role) -> bool {
        self.actor.has(role)
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
        self.actor
            .roles
            .iter()
            .map(|role| role.as_str().to_owned())
            .collect()
    }
}

/// API Gateway flattens the `cognito:groups` array to `"[office applicant]"`; other issuers send a
/// JSON array string. Both are read; names outside [`GROUP_ROLES`] are ignored.
fn parse_groups(value: &str) -> Vec<Role> {
    let value = value.trim();
    if let Ok(names) = serde_json::from_str::<Vec<String>>(value) {
        return names
            .iter()
            .filter_map(|name| role_from_group(name))
            .collect();
    }
    value
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(role_from_group)
        .collect()
}

/// Where a request came from, for the access log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
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
    fn an_account_in_no_group_is_a_self_registered_applicant() {
        for claims_of in [
            claims(&[("sub", "u")]),
            claims(&[("sub", "u"), (GROUPS_CLAIM, "[]")]),
            claims(&[("sub", "u"), (GROUPS_CLAIM, "")]),
        ] {
            let caller = Caller::from_claims(&claims_of).unwrap();
            assert_eq!(caller.actor, Actor::new("u", [Role::Applicant]));
        }
    }

    #[test]
    fn unknown_groups_give_no_role() {
        let caller =
            Caller::from_claims(&claims(&[("sub", "u"), (GROUPS_CLAIM, "[admin root]")])).unwrap();
        assert!(caller.actor.roles.is_empty());
    }

    #[test]
    fn a_token_never_grants_the_public_or_system_role() {
        let caller = Caller::from_claims(&claims(&[
            ("sub", "u"),
            (GROUPS_CLAIM, "[system public committee]"),
        ]))
        .unwrap();
        assert_eq!(caller.actor, Actor::new("u", [Role::Committee]));
        assert_eq!(role_from_group("system"), None);
        assert_eq!(role_from_group("office"), Some(Role::Office));
    }
}
