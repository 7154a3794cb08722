//! Blocking (docs/SECURITY.md, "Consent before reach, blocking, member cap, pagination"): a
//! user blocks another, who then cannot message them in their direct chat, start one, add
//! them to chats, or see their presence. The refusals say `user_unavailable` and never who
//! blocked whom.

use crate::auth::AuthUser;
use crate::contract::users::{BlockedList, BlockedUser};
use crate::contract::{ChatId, ErrorCode, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::{GenericClient, blocks, users};
use crate::service::audit::{self, Entry};

/// The neutral refusal for a reach a block forbids.
pub fn unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::UserUnavailable,
        "this user cannot be reached by you",
    )
}

/// Refuses when the direct chat `chat` has a block between `user` and its other member.
pub async fn require_reachable_in(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<(), ApiError> {
    match blocks::in_direct_chat(db, chat, user).await? {
        true => Err(unavailable()),
        false => Ok(()),
    }
}

/// Refuses when any of `users` blocked `actor` (adding them to a chat).
pub async fn require_not_blocked_by(
    db: &impl GenericClient,
    actor: UserId,
    users: &[UserId],
) -> Result<(), ApiError> {
    match blocks::who_blocked(db, actor, users).await?.is_empty() {
        true => Ok(()),
        false => Err(unavailable()),
    }
}

/// `me` blocks `other` (again: nothing changes). Recorded in the audit log.
pub async fn block(ctx: &Ctx, me: AuthUser, other: UserId) -> Result<(), ApiError> {
    if other == me.id {
        return Err(ApiError::new(
            ErrorCode::CannotBlockSelf,
            "you cannot block yourself",
        ));
    }
    set(ctx, me, other, true).await
}

/// Ends `me`'s block of `other`; unblocking someone not blocked changes nothing.
pub async fn unblock(ctx: &Ctx, me: AuthUser, other: UserId) -> Result<(), ApiError> {
    set(ctx, me, other, false).await
}

async fn set(ctx: &Ctx, me: AuthUser, other: UserId, on: bool) -> Result<(), ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    if users::find(&tx, other).await?.is_none() {
        return Err(ApiError::new(ErrorCode::UserNotFound, "user not found"));
    }
    if on {
        // Their requests to me are declined (quietly, as a decline is).
        crate::repo::requests::decline_all_from(&tx, me.id, other).await?;
    }
    if blocks::set(&tx, me.id, other, on).await? {
        let event = if on { "user_blocked" } else { "user_unblocked" };
        audit::record_in(&tx, Entry::new(event).actor(me.id).target(other)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The users `me` blocked, most recent first.
pub async fn list(ctx: &Ctx, me: AuthUser) -> Result<BlockedList, ApiError> {
    let rows = blocks::blocked_by(&ctx.db.get().await?, me.id).await?;
    Ok(BlockedList {
        users: rows
            .into_iter()
            .map(|r| BlockedUser {
                id: r.user_id,
                display_name: r.display_name,
                blocked_at: r.blocked_at,
            })
            .collect(),
    })
}
