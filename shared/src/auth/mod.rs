//! Authentication building blocks: password hashing, access tokens (JWT), opaque tokens.

pub mod jwt;
pub mod opaque;
pub mod password;

use crate::domain::UserId;

/// The caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: UserId,
}
