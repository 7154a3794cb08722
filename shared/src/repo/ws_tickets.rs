//! Single-use WebSocket tickets, stored as digests.

use chrono::{DateTime, Utc};

use super::GenericClient;
use crate::contract::UserId;
use crate::error::ApiError;

pub async fn insert(
    db: &impl GenericClient,
    ticket_hash: &[u8],
    user_id: UserId,
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO ws_tickets (ticket_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        &[&ticket_hash, &user_id.0, &expires_at],
    )
    .await?;
    Ok(())
}

/// Uses up a ticket: returns its user when it exists, is unexpired and was never used. The
/// single UPDATE makes a race between two connects with one ticket admit only one.
pub async fn consume(
    db: &impl GenericClient,
    ticket_hash: &[u8],
) -> Result<Option<UserId>, ApiError> {
    let row = super::query_opt(
        db,
        "UPDATE ws_tickets SET used_at = now() \
             WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > now() \
             RETURNING user_id",
        &[&ticket_hash],
    )
    .await?;
    Ok(row.map(|r| r.try_get("user_id")).transpose()?.map(UserId))
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
