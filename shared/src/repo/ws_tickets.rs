//! Single-use WebSocket tickets, stored as digests.

use chrono::{DateTime, Utc};

use super::GenericClient;
use crate::auth::SessionId;
use crate::contract::UserId;
use crate::error::ApiError;

pub async fn insert(
    db: &impl GenericClient,
    ticket_hash: &[u8],
    user_id: UserId,
    session: SessionId,
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO ws_tickets (ticket_hash, user_id, session_id, expires_at) \
         VALUES ($1, $2, $3, $4)",
        &[&ticket_hash, &user_id.0, &session.0, &expires_at],
    )
    .await?;
    Ok(())
}

/// Uses up a ticket: returns its user and session when it exists, is unexpired, was never
/// used and has a session. The single UPDATE makes a race between two connects with one
/// ticket admit only one. (Whether the session is live is checked under its lock.)
pub async fn consume(
    db: &impl GenericClient,
    ticket_hash: &[u8],
) -> Result<Option<(UserId, SessionId)>, ApiError> {
    let row = super::query_opt(
        db,
        "UPDATE ws_tickets SET used_at = now() \
             WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > now() \
               AND session_id IS NOT NULL \
             RETURNING user_id, session_id",
        &[&ticket_hash],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        UserId(row.try_get("user_id")?),
        SessionId(row.try_get("session_id")?),
    )))
}

/// Removes tickets that expired (run by the sweeper).
pub async fn delete_expired(db: &impl GenericClient) -> Result<u64, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM ws_tickets WHERE expires_at < now() - interval '1 hour'",
        &[],
    )
    .await?)
}
