//! Profiles: one's own (and its settings, also when changed by an e-mail's unsubscribe link),
//! other people's public profiles, and finding people to chat with.

use crate::auth::{AuthUser, unsubscribe};
use crate::contract::users::UserList;
use crate::contract::{ErrorCode, Me, PublicUser, UserId};
use crate::ctx::Ctx;
use crate::domain::DisplayName;
use crate::error::ApiError;
use crate::repo::blocks;
use crate::repo::users::{self, UserRow};

/// Most results a search returns.
pub const SEARCH_LIMIT: i64 = 20;

fn account_gone() -> ApiError {
    // A valid token for a deleted account is no longer a valid session.
    ApiError::unauthorized("the account no longer exists")
}

async fn load_me(ctx: &Ctx, user: AuthUser) -> Result<UserRow, ApiError> {
    let db = ctx.db.get().await?;
    users::find(&db, user.id).await?.ok_or_else(account_gone)
}

/// The caller's profile.
pub async fn me(ctx: &Ctx, user: AuthUser) -> Result<Me, ApiError> {
    Ok(load_me(ctx, user).await?.into())
}

/// Changes the display name and/or the e-mail notification setting; `None` keeps it.
pub async fn update_me(
    ctx: &Ctx,
    user: AuthUser,
    name: Option<DisplayName>,
    email_notifications: Option<bool>,
) -> Result<Me, ApiError> {
    let db = ctx.db.get().await?;
    users::update_profile(&db, user.id, name.as_ref(), email_notifications)
        .await?
        .map(Me::from)
        .ok_or_else(account_gone)
}

/// Someone's public profile.
/// Someone who blocked the caller shows no last-seen time.
pub async fn get_user(ctx: &Ctx, caller: AuthUser, id: UserId) -> Result<PublicUser, ApiError> {
    let db = ctx.db.get().await?;
    let mut user = users::find(&db, id)
        .await?
        .map(PublicUser::from)
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, "user not found"))?;
    if !blocks::who_blocked(&db, caller.id, &[id]).await?.is_empty() {
        user.last_seen_at = None;
    }
    Ok(user)
}

/// People to start a chat with, by display-name prefix or exact e-mail; at most 20, never
/// the caller.
pub async fn search(ctx: &Ctx, caller: AuthUser, query: &str) -> Result<UserList, ApiError> {
    let query = query.trim();
    // A control character (NUL above all: PostgreSQL text refuses it) matches no name.
    if query.is_empty() || query.chars().count() > 254 || query.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "query must be 1 to 254 characters after trimming, without control characters",
        ));
    }
    // Names are stored NFKC-normalised (domain::text): a query in another form must match.
    let query: String = unicode_normalization::UnicodeNormalization::nfkc(query).collect();
    let db = ctx.db.get().await?;
    let found = users::search(&db, caller.id, &query, SEARCH_LIMIT).await?;
    Ok(UserList {
        users: found.into_iter().map(PublicUser::from).collect(),
    })
}

/// Turns e-mail notifications off for the user an unsubscribe token names. An account deleted
/// since is fine: it gets no mail either.
pub async fn unsubscribe(ctx: &Ctx, token: &str) -> Result<UserId, ApiError> {
    let user = unsubscribe::verify(&ctx.config, token)?;
    let db = ctx.db.get().await?;
    users::update_profile(&db, user, None, Some(false)).await?;
    Ok(user)
}
