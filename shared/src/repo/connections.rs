//! Live WebSocket connections.

use std::time::Duration;

use super::GenericClient;
use crate::auth::SessionId;
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

/// The start of a statement that a WebSocket frame or a REST call runs for someone: `sender`
/// is the given user (the parameter `user`) or the user behind the connection `conn`, and the
/// connection's last activity is written when older than `touch` seconds (not on every
/// frame). Parameters are given as `$n`.
pub fn sender_ctes(user: &str, conn: &str, touch: &str) -> String {
    format!(
        "conn AS (SELECT user_id FROM connections WHERE connection_id = {conn}::text), \
         touched AS (UPDATE connections SET last_seen_at = now() \
                     WHERE connection_id = {conn}::text \
                       AND last_seen_at < now() - make_interval(secs => {touch}::float8) \
                     RETURNING 1), \
         sender AS (SELECT coalesce({user}::uuid, (SELECT user_id FROM conn)) AS id)"
    )
}

/// Stores a connection of `user`'s `session` (revoking the session removes it).
pub async fn insert(
    db: &impl GenericClient,
    connection_id: &str,
    user: UserId,
    session: SessionId,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO connections (connection_id, user_id, session_id) VALUES ($1, $2, $3) \
         ON CONFLICT (connection_id) DO UPDATE \
         SET user_id = EXCLUDED.user_id, session_id = EXCLUDED.session_id",
        &[&connection_id, &user.0, &session.0],
    )
    .await?;
    Ok(())
}

/// Removes `user`'s oldest connections so that at most `keep` remain, never `newest`; returns
/// the removed ones (to be closed).
pub async fn evict_oldest(
    db: &impl GenericClient,
    user: UserId,
    newest: &str,
    keep: i64,
) -> Result<Vec<String>, ApiError> {
    let rows = super::query(
        db,
        "DELETE FROM connections WHERE connection_id IN (
             SELECT connection_id FROM connections WHERE user_id = $1 AND connection_id <> $2
             ORDER BY connected_at DESC, connection_id DESC OFFSET greatest($3::bigint - 1, 0)
         )
         RETURNING connection_id",
        &[&user.0, &newest, &keep],
    )
    .await?;
    rows.iter()
        .map(|r| r.try_get(0).map_err(ApiError::from))
        .collect()
}

static SENDER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH {} SELECT (SELECT id FROM sender)",
        sender_ctes("NULL", "$1", "$2")
    )
});

/// The user behind a connection, touching it when its last activity is older than
/// `touch_secs`.
pub async fn sender(
    db: &impl GenericClient,
    connection_id: &str,
    touch_secs: f64,
) -> Result<Option<UserId>, ApiError> {
    let stmt = super::prepared(db, &SENDER).await?;
    let row = db.query_one(&stmt, &[&connection_id, &touch_secs]).await?;
    Ok(row.try_get::<_, Option<uuid::Uuid>>(0)?.map(UserId))
}

/// Whom a `typing` frame reaches: the chat's other members' connections, if the sender is a
/// member, the chat has at most `max_members`, and it is no direct chat with a block in it.
#[derive(Debug, Clone)]
pub enum Typing {
    NoSender,
    NotMember,
    /// A direct chat with a block between its two: relayed to nobody, no token taken.
    Blocked,
    /// Over the typing limit: relayed to nobody.
    Limited,
    Relay {
        sender: UserId,
        targets: Vec<Target>,
    },
}

static TYPING: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH {sender}, member AS (
             SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = (SELECT id FROM sender)
         ), blocked AS ({blocked}
         ), allowed AS ({take}
         ), passes AS (
             SELECT NOT $8 OR EXISTS (SELECT 1 FROM allowed) AS yes
         ), size AS (
             SELECT count(*) AS n FROM chat_members WHERE chat_id = $1
         ), targets AS (
             SELECT c.connection_id, c.user_id FROM chat_members m
             JOIN connections c ON c.user_id = m.user_id
             WHERE m.chat_id = $1 AND m.user_id <> (SELECT id FROM sender)
               AND EXISTS (SELECT 1 FROM member) AND (SELECT n FROM size) <= $5
               AND NOT EXISTS (SELECT 1 FROM blocked) AND (SELECT yes FROM passes)
         )
         SELECT (SELECT id FROM sender) AS sender,
                EXISTS (SELECT 1 FROM member) AS is_member,
                EXISTS (SELECT 1 FROM blocked) AS blocked,
                (SELECT yes FROM passes) AS passes,
                (SELECT array_agg(connection_id ORDER BY connection_id) FROM targets) AS connections,
                (SELECT array_agg(user_id ORDER BY connection_id) FROM targets) AS users",
        sender = sender_ctes("$2", "$3", "$4"),
        blocked = super::blocks::direct_chat_blocked("$1", "(SELECT id FROM sender)"),
        // One bucket per sender, chat and state: "started" and "stopped" each pass once per
        // period, so a stop right after a start is not lost.
        take = super::limits::take_cte(
            "'typing:' || (SELECT id FROM sender) || ':' || $1::uuid || ':' || $9::bool",
            "$6",
            "$7",
            "$8 AND EXISTS (SELECT 1 FROM member) AND NOT EXISTS (SELECT 1 FROM blocked)",
        ),
    )
});

/// A `typing` frame as the statement takes it.
#[derive(Debug, Clone, Copy)]
pub struct TypingFrame<'a> {
    pub chat: ChatId,
    pub user: Option<UserId>,
    pub connection: Option<&'a str>,
    pub is_typing: bool,
    pub touch_secs: f64,
    pub max_members: i64,
    /// The typing limit (`RATE_LIMIT_TYPING_CHAT`), if on.
    pub limit: Option<super::limits::Rule>,
}

/// One statement for a `typing` frame: the sender (by `user`, or behind `connection`),
/// membership, a block in a direct chat, the typing limit, and the connections to relay to.
pub async fn typing(db: &impl GenericClient, frame: TypingFrame<'_>) -> Result<Typing, ApiError> {
    let TypingFrame {
        chat,
        user,
        connection,
        is_typing,
        touch_secs,
        max_members,
        limit,
    } = frame;
    let limited = limit.is_some();
    let interval = limit.map_or(0.0, |r| r.interval_secs(1));
    let period = limit.map_or(0.0, |r| r.period_secs());
    let stmt = super::prepared(db, &TYPING).await?;
    let row = db
        .query_one(
            &stmt,
            &[
                &chat.0,
                &user.map(|u| u.0),
                &connection,
                &touch_secs,
                &max_members,
                &interval,
                &period,
                &limited,
                &is_typing,
            ],
        )
        .await?;
    let Some(sender) = row.try_get::<_, Option<uuid::Uuid>>("sender")? else {
        return Ok(Typing::NoSender);
    };
    if !row.try_get::<_, bool>("is_member")? {
        return Ok(Typing::NotMember);
    }
    if row.try_get::<_, bool>("blocked")? {
        return Ok(Typing::Blocked);
    }
    if !row.try_get::<_, bool>("passes")? {
        return Ok(Typing::Limited);
    }
    Ok(Typing::Relay {
        sender: UserId(sender),
        targets: zip_targets(
            row.try_get::<_, Option<Vec<String>>>("connections")?,
            row.try_get::<_, Option<Vec<uuid::Uuid>>>("users")?,
        ),
    })
}

/// Targets from the two parallel arrays a statement aggregated.
pub fn zip_targets(
    connections: Option<Vec<String>>,
    users: Option<Vec<uuid::Uuid>>,
) -> Vec<Target> {
    connections
        .unwrap_or_default()
        .into_iter()
        .zip(users.unwrap_or_default())
        .map(|(connection_id, u)| Target {
            connection_id,
            user_id: UserId(u),
        })
        .collect()
}

pub async fn user_of(
    db: &impl GenericClient,
    connection_id: &str,
) -> Result<Option<UserId>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT user_id FROM connections WHERE connection_id = $1",
        &[&connection_id],
    )
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.map(UserId))
}

pub async fn delete(db: &impl GenericClient, connection_id: &str) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM connections WHERE connection_id = $1",
        &[&connection_id],
    )
    .await?
        == 1)
}

pub async fn count_for_user(db: &impl GenericClient, user: UserId) -> Result<i64, ApiError> {
    Ok(super::query_one(
        db,
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
    let rows = super::query(
        db,
        "SELECT c.connection_id, c.user_id FROM chat_members m \
             JOIN connections c ON c.user_id = m.user_id WHERE m.chat_id = $1",
        &[&chat.0],
    )
    .await?;
    targets(&rows)
}

/// Every connection of one user.
pub async fn of_user(db: &impl GenericClient, user: UserId) -> Result<Vec<Target>, ApiError> {
    let rows = super::query(
        db,
        "SELECT connection_id, user_id FROM connections WHERE user_id = $1",
        &[&user.0],
    )
    .await?;
    targets(&rows)
}

/// The connections of everyone who shares a chat with `user` (not `user`'s own), but those
/// `user` blocked: they do not see `user`'s presence.
pub async fn of_peers(db: &impl GenericClient, user: UserId) -> Result<Vec<Target>, ApiError> {
    let rows = super::query(db,
            "SELECT DISTINCT c.connection_id, c.user_id FROM chat_members mine \
             JOIN chat_members peer ON peer.chat_id = mine.chat_id AND peer.user_id <> mine.user_id \
             JOIN connections c ON c.user_id = peer.user_id \
             WHERE mine.user_id = $1 AND NOT EXISTS (SELECT 1 FROM user_blocks b \
                 WHERE b.blocker_id = $1 AND b.blocked_id = peer.user_id)",
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
    let rows = super::query(
        db,
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
    let rows = super::query(
        db,
        "SELECT connection_id, user_id FROM connections \
             WHERE last_seen_at < now() - make_interval(secs => $1) LIMIT 10000",
        &[&secs],
    )
    .await?;
    targets(&rows)
}
