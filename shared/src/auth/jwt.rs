//! Access tokens: HS256 JWTs with sub/sid/exp/iat/iss. Verification pins the algorithm, so
//! `alg: none` or any other algorithm is refused. `sid` names the session (the refresh-token
//! family) that issued the token; the adapter checks it is still live on every request.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{AuthUser, SessionId, Signed};
use crate::config::Config;
use crate::contract::UserId;
use crate::error::ApiError;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The session (refresh-token family) the token belongs to.
    pub sid: Uuid,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    ttl_secs: i64,
}

impl TokenKeys {
    pub fn new(config: &Config) -> Self {
        let secret = config.jwt_secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[config.jwt_issuer.as_str()]);
        validation.set_required_spec_claims(&["sub", "exp", "iat", "iss"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: config.jwt_issuer.clone(),
            ttl_secs: i64::try_from(config.access_token_ttl.as_secs()).unwrap_or(900),
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    pub fn issue(&self, user: UserId, session: SessionId) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user.0,
            sid: session.0,
            iat: now,
            exp: now + self.ttl_secs,
            iss: self.issuer.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(e.into()))
    }

    /// The caller and session a token names, if it is well signed and unexpired. Whether the
    /// session is still live is the adapter's check (it needs the database).
    pub fn verify(&self, token: &str) -> Result<Signed, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| Signed {
                user: AuthUser {
                    id: UserId(data.claims.sub),
                },
                session: SessionId(data.claims.sid),
            })
            .map_err(|_| ApiError::unauthorized("the access token is invalid or expired"))
    }
}
