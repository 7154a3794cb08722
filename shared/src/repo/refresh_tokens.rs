//! Refresh tokens: stored as digests, grouped in families (one per login: a session,
//! `repo::sessions`), rotated on use. Rotation and revocation lock the session row first.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::GenericClient;
use crate::contract::UserId;
use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub family_id: Uuid,
    pub user_id: UserId,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    db: &impl GenericClient,
    family_id: Uuid,
    user_id: UserId,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &Uuid::now_v7(),
            &family_id,
            &user_id.0,
            &token_hash,
            &expires_at,
        ],
    )
    .await?;
    Ok(())
}

/// The family (session) of the token with this digest, without locking anything: the caller
/// locks the session, then reads the token with `find`.
pub async fn family_of(
    db: &impl GenericClient,
    token_hash: &[u8],
) -> Result<Option<Uuid>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT family_id FROM refresh_tokens WHERE token_hash = $1",
        &[&token_hash],
    )
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Finds a token by digest. Read after the session's lock is held, it shows what every
/// earlier rotation of the family committed.
pub async fn find(
    db: &impl GenericClient,
    token_hash: &[u8],
) -> Result<Option<RefreshTokenRow>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT id, family_id, user_id, expires_at, used_at, revoked_at \
             FROM refresh_tokens WHERE token_hash = $1",
        &[&token_hash],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(RefreshTokenRow {
        id: row.try_get("id")?,
        family_id: row.try_get("family_id")?,
        user_id: UserId(row.try_get("user_id")?),
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    }))
}

pub async fn mark_used(db: &impl GenericClient, id: Uuid) -> Result<(), ApiError> {
    super::execute(
        db,
        "UPDATE refresh_tokens SET used_at = now() WHERE id = $1",
        &[&id],
    )
    .await?;
    Ok(())
}

/// Removes tokens that expired more than a day ago (run by the sweeper).
pub async fn delete_expired(db: &impl GenericClient) -> Result<u64, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'",
        &[],
    )
    .await?)
}
