//! Live WebSocket connections.

use std::time::Duration;

use super::GenericClient;
use crate::contract::{ChatId, UserId};
use crate::error::ApiError;

/// A connection to push to, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub connection_id: String,
    pub user_id: UserId,
}

impl AsRef<str> for Target {
    fn as_ref(&self) -> &str {
        &self.connection_id
    }
}

fn targets(rows: &[tokio_postgres::Row]) -> Result<Vec<Target>, ApiError> {
    rows.iter()
        .map(|r| {
            Ok(Target {
                connection_id: r.try_get("connection_id")?,
                user_id: UserId(r.try_get("user_id")?),
            })
        })
        .collect()
}

pub async fn insert(
    db: &impl GenericClient,
    connection_id: &str,
    user: UserId,
) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO connections (connection_id, user_id) VALUES ($1, $2) \
         ON CONFLICT (connection_id) DO UPDATE SET user_id = EXCLUDED.user_id",
        &[&connection_id, &user.0],
    )
    .await?;
    Ok(())
}

/// The user behind a connection, marking the connection active.
pub async fn touch(
    db: &impl GenericClient,
    connection_id: &str,
) -> Result<Option<UserId>, ApiError> {
    let row = db
        .query_opt(
            "UPDATE connections SET last_seen_at = now() WHERE connection_id = $1 RETURNING user_id",
            &[&connection_id],
        )
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.map(UserId))
}

pub async fn user_of(
    db: &impl GenericClient,
    connection_id: &str,
) -> Result<Option<UserId>, ApiError> {
    let row = db
        .query_opt(
            "SELECT user_id FROM connections WHERE connection_id = $1",
            &[&connection_id],
        )
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.map(UserId))
}

pub async fn delete(db: &impl GenericClient, connection_id: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "DELETE FROM connections WHERE connection_id = $1",
            &[&connection_id],
        )
        .await?
        == 1)
}

pub async fn count_for_user(db: &impl GenericClient, user: UserId) -> Result<i64, ApiError> {
    Ok(db
        .query_one(
            "SELECT count(*) FROM connections WHERE user_id = $1",
            &[&user.0],
        )
        .await?
        .try_get(0)?)
}

/// Every connection of every member of a chat: one indexed query.
pub async fn of_chat_members(
    db: &impl GenericClient,
    chat: ChatId,
) -> Result<Vec<Target>, ApiError> {
    let rows = db
        .query(
            "SELECT c.connection_id, c.user_id FROM chat_members m \
             JOIN connections c ON c.user_id = m.user_id WHERE m.chat_id = $1",
            &[&chat.0],
        )
        .await?;
    targets(&rows)
}

/// Every connection of one user.
pub async fn of_user(db: &impl GenericClient, user: UserId) -> Result<Vec<Target>, ApiError> {
    let rows = db
        .query(
            "SELECT connection_id, user_id FROM connections WHERE user_id = $1",
            &[&user.0],
        )
        .await?;
    targets(&rows)
}

/// The connections of everyone who shares a chat with `user` (not `user`'s own).
pub async fn of_peers(db: &impl GenericClient, user: UserId) -> Result<Vec<Target>, ApiError> {
    let rows = db
        .query(
            "SELECT DISTINCT c.connection_id, c.user_id FROM chat_members mine \
             JOIN chat_members peer ON peer.chat_id = mine.chat_id AND peer.user_id <> mine.user_id \
             JOIN connections c ON c.user_id = peer.user_id \
             WHERE mine.user_id = $1",
            &[&user.0],
        )
        .await?;
    targets(&rows)
}

/// Connections older than `max_age` (API Gateway closes them at 2 hours).
pub async fn older_than(
    db: &impl GenericClient,
    max_age: Duration,
) -> Result<Vec<Target>, ApiError> {
    let secs = max_age.as_secs_f64();
    let rows = db
        .query(
            "SELECT connection_id, user_id FROM connections \
             WHERE connected_at < now() - make_interval(secs => $1) LIMIT 10000",
            &[&secs],
        )
        .await?;
    targets(&rows)
}

/// Connections with no frame for `idle` (API Gateway drops them at 10 minutes idle).
pub async fn idle_for(db: &impl GenericClient, idle: Duration) -> Result<Vec<Target>, ApiError> {
    let secs = idle.as_secs_f64();
    let rows = db
        .query(
            "SELECT connection_id, user_id FROM connections \
             WHERE last_seen_at < now() - make_interval(secs => $1) LIMIT 10000",
            &[&secs],
        )
        .await?;
    targets(&rows)
}
