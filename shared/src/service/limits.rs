//! Rate limits, checked before the work they protect (docs/SECURITY.md). The buckets live in
//! PostgreSQL (`repo::limits`), so every function instance sees the same count. The busiest
//! limits (sends, typing) are taken inside the statement that does the work
//! (`repo::send`, `repo::connections::typing`); these are the others.

use std::net::IpAddr;

use crate::auth::opaque;
use crate::clients::push::Delivery;
use crate::config::limits::Rule;
use crate::contract::UserId;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::{GenericClient, connections, limits};

/// What a request is counted against.
#[derive(Debug, Clone, Copy)]
pub enum Limit<'a> {
    /// A sign-in attempt for this e-mail address (as typed; normalised here).
    LoginAccount(&'a str),
    LoginIp(Option<IpAddr>),
    RegisterIp(Option<IpAddr>),
    RefreshIp(Option<IpAddr>),
    PasswordResetIp(Option<IpAddr>),
    Ticket(UserId),
    /// A message sent (the text-only send takes it inside its own statement: `repo::send`).
    Send(UserId),
    /// The current password given to change it or delete the account (counted with the
    /// sign-in limit per account).
    PasswordCheck(UserId),
    Edit(UserId),
    NewChat(UserId),
    /// Members added (the cost is their number).
    MemberAdd(UserId, usize),
}

impl Limit<'_> {
    /// The rule that applies and the bucket's key; `None` when the limit is off or there is
    /// nothing to count by (no source address).
    fn bucket(&self, ctx: &Ctx) -> Option<(Rule, String, u32)> {
        let l = &ctx.config.limits;
        let ip = |rule: Option<Rule>, name: &str, ip: Option<IpAddr>| {
            Some((rule?, format!("{name}:ip:{}", ip?), 1))
        };
        match *self {
            Self::LoginAccount(email) => {
                // The address is not kept in the clear: its digest names the bucket.
                let digest = opaque::digest(&email.trim().to_lowercase());
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                Some((l.login_account?, format!("login:account:{hex}"), 1))
            }
            Self::LoginIp(addr) => ip(l.login_ip, "login", addr),
            Self::RegisterIp(addr) => ip(l.register_ip, "register", addr),
            Self::RefreshIp(addr) => ip(l.refresh_ip, "refresh", addr),
            Self::PasswordResetIp(addr) => ip(l.password_reset_ip, "password_reset", addr),
            Self::Ticket(user) => Some((l.ticket_user?, format!("ticket:{user}"), 1)),
            Self::Send(user) => Some((l.send_user?, format!("send:{user}"), 1)),
            Self::PasswordCheck(user) => {
                Some((l.login_account?, format!("password_check:{user}"), 1))
            }
            Self::Edit(user) => Some((l.edit_user?, format!("edit:{user}"), 1)),
            Self::NewChat(user) => Some((l.new_chat_user?, format!("new_chat:{user}"), 1)),
            Self::MemberAdd(user, n) => Some((
                l.member_add_user?,
                format!("member_add:{user}"),
                u32::try_from(n).unwrap_or(u32::MAX),
            )),
        }
    }
}

/// Counts the request; 429 `rate_limited` (with when to try again) when it is over.
pub async fn take(ctx: &Ctx, limit: Limit<'_>) -> Result<(), ApiError> {
    if limit.bucket(ctx).is_none() {
        return Ok(());
    }
    take_in(ctx, &ctx.db.get().await?, limit).await
}

/// [`take`] inside the caller's transaction: a refusal there rolls back the request's work.
pub async fn take_in(ctx: &Ctx, db: &impl GenericClient, limit: Limit<'_>) -> Result<(), ApiError> {
    let Some((rule, key, cost)) = limit.bucket(ctx) else {
        return Ok(());
    };
    match limits::take(db, &key, rule, cost).await? {
        None => Ok(()),
        Some(wait) => {
            let what = key.split(':').next().unwrap_or_default();
            tracing::info!(
                limit = what,
                retry_after_ms = wait.as_millis() as u64,
                "rate limited"
            );
            Err(ApiError::limited(wait))
        }
    }
}

/// Inside a `$connect`'s transaction: when `user` now has more than `MAX_CONNECTIONS_PER_USER`
/// connections, the oldest rows go (the new one stays). Close them with [`close_evicted`].
pub async fn evict_connections(
    ctx: &Ctx,
    tx: &impl GenericClient,
    user: UserId,
    new_connection: &str,
) -> Result<Vec<String>, ApiError> {
    let keep = i64::try_from(ctx.config.limits.max_connections.max(1)).unwrap_or(i64::MAX);
    connections::evict_oldest(tx, user, new_connection, keep).await
}

/// After commit: closes the evicted connections' sockets (a close frame, then gone).
pub async fn close_evicted(ctx: &Ctx, evicted: Vec<String>) {
    if evicted.is_empty() {
        return;
    }
    tracing::info!(
        count = evicted.len(),
        "closing the oldest connections over the limit"
    );
    for id in evicted {
        if let Delivery::Failed(reason) = ctx.push.close(&id).await {
            tracing::warn!(connection_id = %id, %reason, "closing a connection failed");
        }
    }
}

/// Every limit in order, over one pooled connection; the first that refuses answers.
pub async fn take_all(ctx: &Ctx, all: &[Limit<'_>]) -> Result<(), ApiError> {
    if all.iter().all(|limit| limit.bucket(ctx).is_none()) {
        return Ok(());
    }
    let db = ctx.db.get().await?;
    for limit in all {
        take_in(ctx, &db, *limit).await?;
    }
    Ok(())
}
