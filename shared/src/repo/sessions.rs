//! Sessions: one per sign-in, the family of its refresh tokens and the `sid` of its access
//! tokens. Revoking a session revokes its refresh tokens and removes its connections in the
//! same statement, under the session's row lock.

use uuid::Uuid;

use super::GenericClient;
use crate::auth::SessionId;
use crate::contract::UserId;
use crate::error::ApiError;

pub async fn insert(db: &impl GenericClient, id: SessionId, user: UserId) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO sessions (id, user_id) VALUES ($1, $2)",
        &[&id.0, &user.0],
    )
    .await?;
    Ok(())
}

/// The per-request check: one primary-key lookup. True when the session exists, is the
/// user's and is not revoked.
pub async fn is_live(
    db: &impl GenericClient,
    id: SessionId,
    user: UserId,
) -> Result<bool, ApiError> {
    Ok(super::query_opt(
        db,
        "SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        &[&id.0, &user.0],
    )
    .await?
    .is_some())
}

/// Locks a session's row until the transaction ends and says whether it is live. Every
/// rotation and revocation of the family takes this lock first, so they are serialised: a
/// rotation either commits before a revocation (whose UPDATE then sees the new token) or
/// waits for it and finds the session revoked.
pub async fn lock(db: &impl GenericClient, id: SessionId) -> Result<Option<bool>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT revoked_at IS NULL AS live FROM sessions WHERE id = $1 FOR UPDATE",
        &[&id.0],
    )
    .await?;
    Ok(row.map(|r| r.try_get("live")).transpose()?)
}

/// Like `lock`, but shared: a `$connect` holds it while it adds the socket, so a revocation
/// waits for the socket to be stored (and removes it), or the connect sees the revocation.
pub async fn lock_shared(db: &impl GenericClient, id: SessionId) -> Result<bool, ApiError> {
    Ok(super::query_opt(
        db,
        "SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL FOR SHARE",
        &[&id.0],
    )
    .await?
    .is_some())
}

/// Which sessions a revocation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// One session (logout, a reused refresh token).
    One(SessionId),
    /// Every session of the user (sign out everywhere, password reset, deletion).
    AllOf(UserId),
    /// Every session of the user but one (a password change keeps the caller's).
    AllBut(UserId, SessionId),
}

/// What a revocation ended: the sessions, and the connections removed (to be closed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revoked {
    pub user: Option<UserId>,
    pub sessions: u64,
    pub connections: Vec<String>,
}

static REVOKE: &str = "WITH ended AS ( \
         UPDATE sessions SET revoked_at = now() \
         WHERE revoked_at IS NULL AND (id = $1 OR (user_id = $2 AND id IS DISTINCT FROM $3)) \
         RETURNING id, user_id \
     ), tokens AS ( \
         UPDATE refresh_tokens SET revoked_at = now() \
         WHERE family_id IN (SELECT id FROM ended) AND revoked_at IS NULL RETURNING 1 \
     ), sockets AS ( \
         DELETE FROM connections WHERE session_id IN (SELECT id FROM ended) \
         RETURNING connection_id \
     ) \
     SELECT (SELECT count(*) FROM ended) AS sessions, \
            (SELECT user_id FROM ended LIMIT 1) AS user_id, \
            (SELECT coalesce(array_agg(connection_id), '{}') FROM sockets) AS connections";

static LOCK_WHICH: &str = "SELECT id FROM sessions \
     WHERE revoked_at IS NULL AND (id = $1 OR (user_id = $2 AND id IS DISTINCT FROM $3)) \
     FOR UPDATE";

/// Revokes sessions and their refresh tokens and removes their connections. Two statements,
/// in a transaction: the first locks the sessions (waiting for a rotation or a `$connect` in
/// flight to commit); the second, with a snapshot taken after the lock, then sees the
/// token or socket they added. (One statement would not: its snapshot predates the wait.)
/// The caller closes the sockets after commit (`service::sessions::close`).
pub async fn revoke(db: &impl GenericClient, which: Which) -> Result<Revoked, ApiError> {
    let (one, user, except): (Option<Uuid>, Option<Uuid>, Option<Uuid>) = match which {
        Which::One(s) => (Some(s.0), None, None),
        Which::AllOf(u) => (None, Some(u.0), None),
        Which::AllBut(u, s) => (None, Some(u.0), Some(s.0)),
    };
    super::query(db, LOCK_WHICH, &[&one, &user, &except]).await?;
    let row = super::query_one(db, REVOKE, &[&one, &user, &except]).await?;
    let sessions: i64 = row.try_get("sessions")?;
    Ok(Revoked {
        user: row.try_get::<_, Option<Uuid>>("user_id")?.map(UserId),
        sessions: u64::try_from(sessions).unwrap_or(0),
        connections: row.try_get("connections")?,
    })
}

/// Removes sessions whose refresh tokens are all gone (the sweeper removes expired tokens a
/// day after they expire; a session without tokens can issue nothing any more).
pub async fn delete_finished(db: &impl GenericClient) -> Result<u64, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM sessions s WHERE s.created_at < now() - interval '1 day' \
             AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = s.id)",
        &[],
    )
    .await?)
}
