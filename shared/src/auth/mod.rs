//! Authentication building blocks: password hashing, access tokens (JWT), opaque tokens,
//! the signed tokens of unsubscribe links.

pub mod jwt;
pub mod opaque;
pub mod password;
pub mod unsubscribe;

use crate::contract::UserId;

/// The caller, as proven by a valid access token of a live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: UserId,
}

/// A session: one sign-in, the family of its refresh tokens (`sessions.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub uuid::Uuid);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a well-signed access token says: who, and in which session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    pub user: AuthUser,
    pub session: SessionId,
}
