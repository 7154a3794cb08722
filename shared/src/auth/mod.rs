//! Authentication building blocks: password hashing, access tokens (JWT), opaque tokens,
//! the signed tokens of unsubscribe links.

pub mod jwt;
pub mod opaque;
pub mod password;
pub mod unsubscribe;

use crate::contract::UserId;

/// The caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: UserId,
}
