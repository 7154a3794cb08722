//! The outbox: stored changes still to be announced (migrations/V6__outbox.sql).

use super::{GenericClient, prepared};
use crate::error::ApiError;

/// A row the drainer took.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i64,
    pub change: serde_json::Value,
    pub attempts: i32,
}

/// Records a change; the drainer may take it once `lease_secs` have passed.
pub async fn insert(
    db: &impl GenericClient,
    change: &serde_json::Value,
    lease_secs: f64,
) -> Result<i64, ApiError> {
    let stmt = prepared(
        db,
        "INSERT INTO outbox (change, due_at) VALUES ($1, now() + make_interval(secs => $2)) \
         RETURNING id",
    )
    .await?;
    Ok(db
        .query_one(&stmt, &[change, &lease_secs])
        .await?
        .try_get(0)?)
}

/// Takes up to `limit` rows that are due, pushing each one's next turn `retry_secs` out (so a
/// drainer that dies leaves them to the next one), oldest first. Concurrent drainers take
/// different rows.
pub async fn take_due(
    db: &impl GenericClient,
    retry_secs: f64,
    limit: i64,
) -> Result<Vec<Due>, ApiError> {
    let stmt = prepared(
        db,
        "UPDATE outbox SET due_at = now() + make_interval(secs => $1), attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE due_at <= now() \
                      ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
         RETURNING id, change, attempts",
    )
    .await?;
    db.query(&stmt, &[&retry_secs, &limit])
        .await?
        .iter()
        .map(|r| {
            Ok(Due {
                id: r.try_get("id")?,
                change: r.try_get("change")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Forgets rows whose announcement is done.
pub async fn delete(db: &impl GenericClient, ids: &[i64]) -> Result<u64, ApiError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let stmt = prepared(db, "DELETE FROM outbox WHERE id = ANY($1)").await?;
    Ok(db.execute(&stmt, &[&ids]).await?)
}

/// How many rows wait, and the age in seconds of the oldest (for the drainer's report and
/// alarms).
pub async fn backlog(db: &impl GenericClient) -> Result<(i64, f64), ApiError> {
    let stmt = prepared(
        db,
        "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at))::float8, 0) FROM outbox",
    )
    .await?;
    let row = db.query_one(&stmt, &[]).await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}
