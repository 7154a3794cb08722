//! Real time: connections, presence, typing, fan-out and the stale-connection sweeper. What a
//! stored change announces is decided in `service::announce`; this module does the pushing.
//!
//! Fan-out is best effort by design: the message is already stored when anyone is told, so a
//! failed push loses nothing (clients catch up through `GET /api/chats` + `after_seq`). It runs
//! with bounded concurrency and a timeout per call, never fails the caller, and a 410 Gone
//! deletes exactly the connection that answered it.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt as _};

use crate::auth::{AuthUser, opaque};
use crate::clients::push::Delivery;
use crate::contract::{ChatId, ServerEvent, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::connections::{self, Target};
use crate::repo::{account_tokens, refresh_tokens, sessions, users, ws_tickets};
use crate::service::access::chat_not_found;
use crate::service::limits;

/// API Gateway closes every connection after 2 hours; rows older than that (plus a margin)
/// are stale whatever `$disconnect` said.
pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(2 * 3600 + 5 * 60);
/// API Gateway closes connections idle for 10 minutes; rows that look idle this long are
/// checked with GetConnection. A connection's activity is written at most every
/// `CONNECTION_TOUCH_SECS` (5 minutes), so a live one may look idle: GetConnection then says
/// it is still there.
pub const IDLE_CHECK_AFTER: Duration = Duration::from_secs(10 * 60);

/// What a fan-out did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FanoutReport {
    pub delivered: usize,
    pub gone: usize,
    pub failed: usize,
}

/// `$connect`: admits the holder of a valid, unused, unexpired ticket. The first connection
/// of a user announces them online to everyone who shares a chat with them.
pub async fn connect(ctx: &Ctx, connection_id: &str, ticket: Option<&str>) -> Result<(), ApiError> {
    let refused = || ApiError::unauthorized("a valid WebSocket ticket is required");
    let ticket = ticket.filter(|t| !t.is_empty()).ok_or_else(refused)?;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let (user, session) = ws_tickets::consume(&tx, &opaque::digest(ticket))
        .await?
        .ok_or_else(refused)?;
    // Held until commit: a revocation of the session waits for this socket's row and removes
    // it, or this connect sees the session revoked and refuses the socket.
    if !sessions::lock_shared(&tx, session).await? {
        return Err(refused());
    }
    // Serialise this user's connects and disconnects: "first" and "last" are decided once.
    users::lock(&tx, user).await?;
    connections::insert(&tx, connection_id, user, session).await?;
    let evicted = limits::evict_connections(ctx, &tx, user, connection_id).await?;
    let open = connections::count_for_user(&tx, user).await?;
    let seen = users::touch_last_seen(&tx, user).await?;
    tx.commit().await?;
    // The announcement waits on pushes: never with a database connection held.
    drop(db);
    tracing::info!(user_id = %user, connections = open, "connected");
    limits::close_evicted(ctx, evicted).await;
    if open == 1 {
        announce_presence(ctx, user, true, seen).await;
    }
    Ok(())
}

/// `$disconnect` (best effort in API Gateway; the sweeper covers the misses).
pub async fn disconnect(ctx: &Ctx, connection_id: &str) -> Result<(), ApiError> {
    let db = ctx.db.get().await?;
    let Some(user) = connections::user_of(&db, connection_id).await? else {
        return Ok(());
    };
    drop(db);
    if let Some(seen) = drop_connections(ctx, user, &[connection_id.to_owned()]).await? {
        announce_presence(ctx, user, false, Some(seen)).await;
    }
    Ok(())
}

/// Deletes connections of one user; when none is left, records last-seen and returns it.
pub async fn drop_connections(
    ctx: &Ctx,
    user: UserId,
    connection_ids: &[String],
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    users::lock(&tx, user).await?;
    let mut removed = false;
    for id in connection_ids {
        removed |= connections::delete(&tx, id).await?;
    }
    let left = connections::count_for_user(&tx, user).await?;
    let seen = if removed && left == 0 {
        users::touch_last_seen(&tx, user).await?
    } else {
        None
    };
    tx.commit().await?;
    Ok(seen)
}

/// The user behind a connection (which counts as active); 401 when the connection is unknown.
pub async fn user_of_connection(ctx: &Ctx, connection_id: &str) -> Result<AuthUser, ApiError> {
    let touch = ctx.config.connection_touch.as_secs_f64();
    user_of_connection_in(&ctx.db.get().await?, connection_id, touch).await
}

/// `user_of_connection` on a database connection the caller holds. Activity is written when
/// older than `touch_secs`, not on every frame.
pub async fn user_of_connection_in(
    db: &impl crate::repo::GenericClient,
    connection_id: &str,
    touch_secs: f64,
) -> Result<AuthUser, ApiError> {
    connections::sender(db, connection_id, touch_secs)
        .await?
        .map(|id| AuthUser { id })
        .ok_or_else(|| ApiError::unauthorized("this connection is not signed in"))
}

/// Pushes one event to the connection that sent a frame (a reply). A Gone answer removes its
/// row, as any fan-out does.
pub async fn reply(ctx: &Ctx, connection_id: &str, event: &ServerEvent) {
    match ctx.push.post(connection_id, &event.to_bytes()).await {
        Delivery::Delivered => {}
        Delivery::Gone => {
            let user = match ctx.db.get().await {
                Ok(db) => connections::user_of(&db, connection_id)
                    .await
                    .ok()
                    .flatten(),
                Err(_) => None,
            };
            if let Some(user) = user {
                let gone = vec![Target {
                    connection_id: connection_id.to_owned(),
                    user_id: user,
                }];
                announce_offline(ctx, remove_gone(ctx, gone).await).await;
            }
        }
        Delivery::Failed(reason) => {
            tracing::warn!(%connection_id, %reason, "reply failed");
        }
    }
}

/// `typing` on a connection: relayed to the other members' connections (one statement finds
/// the sender, checks membership and a block, and reads them); nothing is stored. Chats larger than
/// `FANOUT_INLINE_MAX` relay no typing: in a crowd it is noise, and hundreds of pushes per
/// keystroke.
pub async fn typing(
    ctx: &Ctx,
    connection_id: &str,
    chat: ChatId,
    is_typing: bool,
) -> Result<(), ApiError> {
    let found = {
        let db = ctx.db.get().await?;
        let max = i64::try_from(ctx.config.fanout_inline_max).unwrap_or(i64::MAX);
        let touch = ctx.config.connection_touch.as_secs_f64();
        let frame = connections::TypingFrame {
            chat,
            user: None,
            connection: Some(connection_id),
            is_typing,
            touch_secs: touch,
            max_members: max,
            limit: ctx.config.limits.typing_chat,
        };
        connections::typing(&db, frame).await?
    };
    let (sender, targets) = match found {
        connections::Typing::NoSender => {
            return Err(ApiError::unauthorized("this connection is not signed in"));
        }
        connections::Typing::NotMember => return Err(chat_not_found()),
        // A hint: over the limit, or in a direct chat a block quieted, it is dropped unanswered.
        connections::Typing::Limited | connections::Typing::Blocked => return Ok(()),
        connections::Typing::Relay { sender, targets } => (sender, targets),
    };
    let event = ServerEvent::Typing {
        chat_id: chat,
        user_id: sender,
        is_typing,
    };
    fan_out(ctx, targets, &event).await;
    Ok(())
}

/// Pushes to every connection of `user`.
pub async fn to_user(ctx: &Ctx, user: UserId, event: &ServerEvent) -> FanoutReport {
    if !ctx.push.is_enabled() {
        return FanoutReport::default();
    }
    let targets = match ctx.db.get().await {
        Ok(db) => connections::of_user(&db, user).await,
        Err(e) => Err(e.into()),
    };
    match targets {
        Ok(targets) => fan_out(ctx, targets, event).await,
        Err(e) => {
            tracing::warn!(error = %e, "fan-out: could not load connections");
            FanoutReport::default()
        }
    }
}

/// Pushes to every connection of every member of `chat`, except `except_connection`.
pub async fn to_chat(
    ctx: &Ctx,
    chat: ChatId,
    except_connection: Option<&str>,
    event: &ServerEvent,
) -> FanoutReport {
    to_chat_where(ctx, chat, event, |t| {
        Some(t.connection_id.as_str()) != except_connection
    })
    .await
}

/// Pushes to the members of `chat` other than `user` (typing, read markers).
pub async fn to_chat_except_user(
    ctx: &Ctx,
    chat: ChatId,
    user: UserId,
    event: &ServerEvent,
) -> FanoutReport {
    to_chat_where(ctx, chat, event, |t| t.user_id != user).await
}

/// Pushes to `user`'s connections, if `user` is a member of `chat`.
pub async fn to_chat_user(
    ctx: &Ctx,
    chat: ChatId,
    user: UserId,
    event: &ServerEvent,
) -> FanoutReport {
    to_chat_where(ctx, chat, event, |t| t.user_id == user).await
}

async fn to_chat_where(
    ctx: &Ctx,
    chat: ChatId,
    event: &ServerEvent,
    keep: impl Fn(&Target) -> bool,
) -> FanoutReport {
    match member_targets(ctx, chat).await {
        Ok(targets) => {
            fan_out(
                ctx,
                targets.into_iter().filter(|t| keep(t)).collect(),
                event,
            )
            .await
        }
        Err(e) => {
            tracing::warn!(error = %e, "fan-out: could not load connections");
            FanoutReport::default()
        }
    }
}

async fn member_targets(ctx: &Ctx, chat: ChatId) -> Result<Vec<Target>, ApiError> {
    if !ctx.push.is_enabled() {
        return Ok(Vec::new());
    }
    let db = ctx.db.get().await?;
    connections::of_chat_members(&db, chat).await
}

/// The one fan-out: concurrent PostToConnection with a bound and a timeout per call. Gone
/// connections are deleted (and their users announced offline when it was their last one);
/// other failures are logged. Never fails.
pub async fn fan_out(ctx: &Ctx, targets: Vec<Target>, event: &ServerEvent) -> FanoutReport {
    let (report, offline) = post_and_collect_gone(ctx, targets, event).await;
    announce_offline(ctx, offline).await;
    report
}

/// Announces users offline whose last connection was just removed.
pub async fn announce_offline(ctx: &Ctx, offline: Vec<(UserId, DateTime<Utc>)>) {
    for (user, seen) in offline {
        announce_presence(ctx, user, false, Some(seen)).await;
    }
}

/// Posts and removes Gone connections; returns the users left with no connection.
async fn post_and_collect_gone(
    ctx: &Ctx,
    targets: Vec<Target>,
    event: &ServerEvent,
) -> (FanoutReport, Vec<(UserId, DateTime<Utc>)>) {
    let data = event.to_bytes();
    let outcomes = ctx.push.post_all(targets, &data).await;
    let mut report = FanoutReport::default();
    let mut gone: Vec<Target> = Vec::new();
    for (target, delivery) in outcomes {
        match delivery {
            Delivery::Delivered => report.delivered += 1,
            Delivery::Gone => {
                report.gone += 1;
                gone.push(target);
            }
            Delivery::Failed(reason) => {
                report.failed += 1;
                tracing::warn!(connection_id = %target.connection_id, %reason, "push failed");
            }
        }
    }
    let offline = remove_gone(ctx, gone).await;
    (report, offline)
}

/// Deletes connections API Gateway no longer holds, user by user under that user's lock;
/// returns the users left with none (and when they were last seen).
async fn remove_gone(ctx: &Ctx, gone: Vec<Target>) -> Vec<(UserId, DateTime<Utc>)> {
    let mut offline = Vec::new();
    let users: HashSet<UserId> = gone.iter().map(|t| t.user_id).collect();
    for user in users {
        let ids: Vec<String> = gone
            .iter()
            .filter(|t| t.user_id == user)
            .map(|t| t.connection_id.clone())
            .collect();
        match drop_connections(ctx, user, &ids).await {
            Ok(Some(seen)) => offline.push((user, seen)),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not remove gone connections"),
        }
        tracing::info!(user_id = %user, count = ids.len(), "removed stale connections");
    }
    offline
}

/// Tells everyone who shares a chat with `user` that they came online or went offline.
/// Gone connections met on the way are removed without announcing further.
pub async fn announce_presence(
    ctx: &Ctx,
    user: UserId,
    online: bool,
    last_seen_at: Option<DateTime<Utc>>,
) {
    if !ctx.push.is_enabled() {
        return;
    }
    let targets = match ctx.db.get().await {
        Ok(db) => connections::of_peers(&db, user).await,
        Err(e) => Err(e.into()),
    };
    let targets = match targets {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "presence: could not load connections");
            return;
        }
    };
    let event = ServerEvent::Presence {
        user_id: user,
        online,
        last_seen_at,
    };
    let _ = post_and_collect_gone(ctx, targets, &event).await;
}

/// What one sweep removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: usize,
    pub gone: usize,
    pub tickets: u64,
    pub refresh_tokens: u64,
}

/// The scheduled sweeper: connections past API Gateway's 2-hour limit, and idle ones that
/// GetConnection says are gone, are removed and their users announced offline; expired
/// tickets and refresh tokens are deleted.
pub async fn sweep(ctx: &Ctx) -> Result<SweepReport, ApiError> {
    let mut report = SweepReport::default();
    let db = ctx.db.get().await?;
    let expired = connections::older_than(&db, MAX_CONNECTION_AGE).await?;
    report.tickets = ws_tickets::delete_expired(&db).await?;
    report.refresh_tokens = refresh_tokens::delete_expired(&db).await?;
    sessions::delete_finished(&db).await?;
    account_tokens::delete_expired(&db).await?;
    drop(db);
    report.expired = expired.len();
    // Removed like Gone connections: under each user's lock, so "last connection" is decided
    // once even while the same user connects.
    let mut offline = remove_gone(ctx, expired).await;

    let idle = connections::idle_for(&ctx.db.get().await?, IDLE_CHECK_AFTER).await?;
    // GetConnection for each idle row, as many in flight as a fan-out allows.
    let dead: Vec<Target> = stream::iter(idle)
        .map(|t| async move {
            let connected = ctx.push.is_connected(&t.connection_id).await;
            (connected == Some(false)).then_some(t)
        })
        .buffer_unordered(ctx.config.push_concurrency.max(1))
        .filter_map(futures::future::ready)
        .collect()
        .await;
    report.gone = dead.len();
    offline.extend(remove_gone(ctx, dead).await);
    announce_offline(ctx, offline).await;
    if report != SweepReport::default() {
        tracing::info!(?report, "sweep done");
    }
    Ok(report)
}
