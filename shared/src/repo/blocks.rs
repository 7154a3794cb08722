//! Blocks between users (`user_blocks`): who blocked whom, and the checks the chat, send and
//! presence paths make.

use chrono::{DateTime, Utc};

use super::GenericClient;
use crate::contract::{ChatId, UserId};
use crate::error::ApiError;

/// Someone the caller blocked.
#[derive(Debug, Clone)]
pub struct BlockedRow {
    pub user_id: UserId,
    pub display_name: String,
    pub blocked_at: DateTime<Utc>,
}

/// `blocker` blocks `blocked` (`on`) or ends the block; false when nothing changed.
pub async fn set(
    db: &impl GenericClient,
    blocker: UserId,
    blocked: UserId,
    on: bool,
) -> Result<bool, ApiError> {
    let sql = match on {
        true => {
            "INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        }
        false => "DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2",
    };
    Ok(super::execute(db, sql, &[&blocker.0, &blocked.0]).await? == 1)
}

/// The users `blocker` blocked, most recent first.
pub async fn blocked_by(
    db: &impl GenericClient,
    blocker: UserId,
) -> Result<Vec<BlockedRow>, ApiError> {
    let rows = super::query(
        db,
        "SELECT b.blocked_id, u.display_name, b.created_at FROM user_blocks b \
         JOIN users u ON u.id = b.blocked_id \
         WHERE b.blocker_id = $1 ORDER BY b.created_at DESC, b.blocked_id",
        &[&blocker.0],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BlockedRow {
                user_id: UserId(r.try_get(0)?),
                display_name: r.try_get(1)?,
                blocked_at: r.try_get(2)?,
            })
        })
        .collect()
}

/// Whether either of the two blocked the other.
pub async fn between(db: &impl GenericClient, a: UserId, b: UserId) -> Result<bool, ApiError> {
    Ok(super::query_one(
        db,
        "SELECT EXISTS (SELECT 1 FROM user_blocks \
             WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1))",
        &[&a.0, &b.0],
    )
    .await?
    .try_get(0)?)
}

/// Whether `user` and the other member of the direct chat `chat` are blocked either way
/// (false for a group).
pub async fn in_direct_chat(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<bool, ApiError> {
    Ok(super::query_one(
        db,
        &format!("SELECT EXISTS ({})", direct_chat_blocked("$1", "$2")),
        &[&chat.0, &user.0],
    )
    .await?
    .try_get(0)?)
}

/// SQL: a row when `chat` is a direct chat and `user` and the other one in it are blocked
/// either way (none for a group). The send and typing statements (`repo::send`,
/// `repo::connections`) take it as a CTE, so the check costs no round trip.
pub fn direct_chat_blocked(chat: &str, user: &str) -> String {
    format!(
        "SELECT 1 FROM chats c WHERE c.id = {chat} AND c.kind = 'direct' AND {}",
        blocked_in_direct_chat("c.id", user)
    )
}

/// SQL: true when `user` and another member of `chat` (or one asked into it) are blocked
/// either way.
pub fn blocked_in_direct_chat(chat: &str, user: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM (SELECT user_id FROM chat_members WHERE chat_id = {chat} \
                               UNION ALL \
                               SELECT user_id FROM chat_requests WHERE chat_id = {chat}) o \
             JOIN user_blocks b \
             ON (b.blocker_id = o.user_id AND b.blocked_id = {user}) \
             OR (b.blocker_id = {user} AND b.blocked_id = o.user_id) \
         WHERE o.user_id <> {user})"
    )
}

/// Those of `users` who blocked `actor`.
pub async fn who_blocked(
    db: &impl GenericClient,
    actor: UserId,
    users: &[UserId],
) -> Result<Vec<UserId>, ApiError> {
    let ids: Vec<uuid::Uuid> = users.iter().map(|u| u.0).collect();
    let rows = super::query(
        db,
        "SELECT blocker_id FROM user_blocks WHERE blocked_id = $1 AND blocker_id = ANY($2)",
        &[&actor.0, &ids],
    )
    .await?;
    rows.iter().map(|r| Ok(UserId(r.try_get(0)?))).collect()
}
