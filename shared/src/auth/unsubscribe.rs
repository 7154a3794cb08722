//! Unsubscribe tokens: the signed, year-long tokens of the links in notification e-mails that
//! turn a user's e-mail notifications off. Signed with a key derived from the JWT secret under
//! a label of its own, so an access token never verifies as an unsubscribe token, nor the other
//! way round.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::config::Config;
use crate::contract::{ErrorCode, UserId};
use crate::error::ApiError;

/// How long an unsubscribe link works.
const TTL_DAYS: i64 = 365;
/// The `purpose` claim of unsubscribe tokens.
const PURPOSE: &str = "email_unsubscribe";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    purpose: String,
    iss: String,
    iat: i64,
    exp: i64,
}

fn key(config: &Config) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(b"messenger/email-unsubscribe/v1\0");
    hash.update(config.jwt_secret.expose_secret().as_bytes());
    hash.finalize().to_vec()
}

/// A signed token that turns `user`'s e-mail notifications off, valid for a year.
pub fn issue(config: &Config, user: UserId) -> Result<String, ApiError> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        sub: user.0,
        purpose: PURPOSE.to_owned(),
        iss: config.jwt_issuer.clone(),
        iat: now,
        exp: now + TTL_DAYS * 24 * 3600,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&key(config)),
    )
    .map_err(|e| ApiError::Internal(e.into()))
}

/// The user an unsubscribe token names; 400 `invalid_unsubscribe_token` for anything forged,
/// expired or meant for something else.
pub fn verify(config: &Config, token: &str) -> Result<UserId, ApiError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[config.jwt_issuer.as_str()]);
    validation.set_required_spec_claims(&["sub", "exp", "iat", "iss"]);
    jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&key(config)), &validation)
        .ok()
        .filter(|data| data.claims.purpose == PURPOSE)
        .map(|data| UserId(data.claims.sub))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidUnsubscribeToken,
                "this unsubscribe link is invalid or has expired",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let env = std::collections::HashMap::from([
            ("DATABASE_URL", "postgres://localhost/x".to_owned()),
            ("JWT_SECRET", "x".repeat(32)),
        ]);
        Config::from_source(&env).unwrap()
    }

    #[test]
    fn unsubscribe_tokens_verify_only_as_unsubscribe_tokens() {
        let cfg = config();
        let user = UserId(Uuid::new_v4());
        let token = issue(&cfg, user).unwrap();
        assert_eq!(verify(&cfg, &token).unwrap(), user);
        // An access token (same secret, other key and no purpose) is refused...
        let session = crate::auth::SessionId(Uuid::new_v4());
        let access = crate::auth::jwt::TokenKeys::new(&cfg)
            .issue(user, session)
            .unwrap();
        let err = verify(&cfg, &access).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidUnsubscribeToken);
        // ...and an unsubscribe token is no access token.
        assert!(
            crate::auth::jwt::TokenKeys::new(&cfg)
                .verify(&token)
                .is_err()
        );
        let mut forged = token.clone();
        forged.pop();
        assert!(verify(&cfg, &forged).is_err());
    }
}
