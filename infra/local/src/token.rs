//! Local identity tokens: the stand-in for Cognito's ID tokens and API Gateway's JWT authorizer.
//!
//! A token is HS256-signed with the data folder's token key. It carries the claims the award reads
//! (`sub`, `email`, `cognito:groups`) plus the ones an authorizer checks (`iss`, `aud`, `exp`).
//! The runner verifies it against its own clock and, as API Gateway does, hands the handler every
//! claim as a string, with `cognito:groups` flattened to `"[office applicant]"`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The issuer and audience of every local token.
pub const ISSUER: &str = "award-local";
pub const AUDIENCE: &str = "award-local";

/// Who a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub sub: String,
    pub email: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    email: String,
    #[serde(rename = "cognito:groups")]
    groups: Vec<String>,
    token_use: String,
    iat: i64,
    exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error(
        "{0:?} is not a role of the award (applicant, recommender, office, expert, committee, finance)"
    )]
    UnknownRole(String),
    #[error("a token needs at least one role")]
    NoRole,
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("token lifetime must be positive")]
    Lifetime,
    #[error("cannot sign the token: {0}")]
    Signing(String),
}

/// Why a request's token was refused (each becomes a 401, as from API Gateway's authorizer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    #[error("no bearer token in the Authorization header")]
    Missing,
    #[error("the bearer token is not valid: {0}")]
    Invalid(String),
    #[error("the bearer token has expired")]
    Expired,
}

/// Signs a token for `identity`, valid from `now` for `lifetime`.
pub fn mint(
    secret: &[u8],
    identity: &Identity,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Result<String, TokenError> {
    if identity.sub.trim().is_empty() {
        return Err(TokenError::Empty("sub"));
    }
    if identity.email.trim().is_empty() {
        return Err(TokenError::Empty("email"));
    }
    if identity.roles.is_empty() {
        return Err(TokenError::NoRole);
    }
    let groups = identity
        .roles
        .iter()
        .map(|name| {
            award_app::identity::role_from_group(name)
                .map(|role| role.as_str().to_owned())
                .ok_or_else(|| TokenError::UnknownRole(name.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if lifetime <= Duration::zero() {
        return Err(TokenError::Lifetime);
    }
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: identity.sub.clone(),
        email: identity.email.clone(),
        groups,
        token_use: "id".into(),
        iat: now.timestamp(),
        exp: (now + lifetime).timestamp(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|error| TokenError::Signing(error.to_string()))
}

/// Verifies the `Authorization` header's bearer token at `now` and returns its claims as API
/// Gateway's JWT authorizer presents them (string values).
pub fn verify_bearer(
    secret: &[u8],
    authorization: Option<&str>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, String>, TokenRejection> {
    let token = authorization
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or(TokenRejection::Missing)?;

    let mut validation = Validation::new(Algorithm::HS256);
    // Expiry is checked below against the runner's clock, which tests can move.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    let claims =
        jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation)
            .map_err(|error| TokenRejection::Invalid(error.to_string()))?
            .claims;
    if claims.exp <= now.timestamp() {
        return Err(TokenRejection::Expired);
    }

    Ok(HashMap::from([
        ("iss".to_owned(), claims.iss),
        ("aud".to_owned(), claims.aud),
        ("sub".to_owned(), claims.sub),
        ("email".to_owned(), claims.email),
        // Cognito verifies the address at sign-up; the runner's tokens stand for such accounts.
        ("email_verified".to_owned(), "true".to_owned()),
        (
            "cognito:groups".to_owned(),
            format!("[{}]", claims.groups.join(" ")),
        ),
        ("token_use".to_owned(), claims.token_use),
        ("iat".to_owned(), claims.iat.to_string()),
        ("exp".to_owned(), claims.exp.to_string()),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn office() -> Identity {
        Identity {
            sub: "office-1".into(),
            email: "office@example.cn".into(),
            roles: vec!["office".into(), "applicant".into()],
        }
    }

    #[test]
    fn a_minted_token_verifies_into_api_gateway_claims() {
        let now = at("2026-03-01T08:00:00Z");
        let token = mint(SECRET, &office(), now, Duration::hours(1)).unwrap();
        let claims = verify_bearer(
            SECRET,
            Some(&format!("Bearer {token}")),
            now + Duration::minutes(59),
        )
        .unwrap();
        assert_eq!(claims["sub"], "office-1");
        assert_eq!(claims["email"], "office@example.cn");
        assert_eq!(claims["cognito:groups"], "[office applicant]");
    }

    #[test]
    fn expired_tampered_foreign_and_missing_tokens_are_refused() {
        let now = at("2026-03-01T08:00:00Z");
        let token = mint(SECRET, &office(), now, Duration::hours(1)).unwrap();
        let bearer = format!("Bearer {token}");
        assert_eq!(
            verify_bearer(SECRET, Some(&bearer), now + Duration::hours(1)),
            Err(TokenRejection::Expired)
        );
        assert!(matches!(
            verify_bearer(b"another secret, another user pool", Some(&bearer), now),
            Err(TokenRejection::Invalid(_))
        ));
        let mut tampered = bearer.clone();
        tampered.insert(bearer.find('.').unwrap() + 3, 'x');
        assert!(matches!(
            verify_bearer(SECRET, Some(&tampered), now),
            Err(TokenRejection::Invalid(_))
        ));
        assert_eq!(
            verify_bearer(SECRET, None, now),
            Err(TokenRejection::Missing)
        );
        assert_eq!(
            verify_bearer(SECRET, Some(&token), now),
            Err(TokenRejection::Missing)
        );
    }

    #[test]
    fn unknown_roles_and_empty_identities_are_not_minted() {
        let now = at("2026-03-01T08:00:00Z");
        let mut identity = office();
        identity.roles = vec!["admin".into()];
        assert_eq!(
            mint(SECRET, &identity, now, Duration::hours(1)),
            Err(TokenError::UnknownRole("admin".into()))
        );
        // The public and the scheduler act without a token; no group grants those roles.
        for role in ["public", "system"] {
            identity.roles = vec![role.into()];
            assert_eq!(
                mint(SECRET, &identity, now, Duration::hours(1)),
                Err(TokenError::UnknownRole(role.into()))
            );
        }
        identity.roles.clear();
        assert_eq!(
            mint(SECRET, &identity, now, Duration::hours(1)),
            Err(TokenError::NoRole)
        );
        let mut identity = office();
        identity.sub = " ".into();
        assert_eq!(
            mint(SECRET, &identity, now, Duration::hours(1)),
            Err(TokenError::Empty("sub"))
        );
    }
}
