//! Passwords: reset by mail (the way back into an account, and the way a mailbox's owner takes
//! back an address someone else registered) and change. Both end sessions.

use std::time::Instant;

use chrono::{Duration, Utc};

use crate::auth::{Signed, opaque, password};
use crate::contract::ErrorCode;
use crate::ctx::Ctx;
use crate::domain::{Email, Password};
use crate::error::ApiError;
use crate::repo::account_tokens::{self, Owner, Purpose};
use crate::repo::sessions::Which;
use crate::repo::users;
use crate::service::account_mail::{self, Kind};
use crate::service::audit::{self, Entry};
use crate::service::limits::{self, Limit};
use crate::service::sessions;

/// How long a reset link works.
pub const RESET_TTL_HOURS: i64 = 1;

/// Asks for a reset mail. The answer is the same whether or not the address has an account,
/// after the same database work (one statement that stores a token only if it does), and no
/// sooner than `PASSWORD_RESET_FLOOR_MS` after the request came in, so that sending the mail
/// does not show in the timing either.
pub async fn request_reset(ctx: &Ctx, email: &Email) -> Result<(), ApiError> {
    let started = Instant::now();
    let token = opaque::generate();
    let addressee = {
        let db = ctx.db.get().await?;
        account_tokens::issue(
            &db,
            Purpose::PasswordReset,
            Owner::Email(email.as_str()),
            &opaque::digest(&token),
            Utc::now() + Duration::hours(RESET_TTL_HOURS),
            ctx.config.account_mail_interval.as_secs_f64(),
        )
        .await?
    };
    if let Some(to) = addressee {
        tracing::info!(user_id = %to.user_id, "password reset requested");
        account_mail::send(ctx, Kind::PasswordReset, &to.email, &token).await;
    }
    let floor = ctx.config.password_reset_floor;
    if let Some(rest) = floor.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    Ok(())
}

/// Follows a reset link: sets the password, counts the address as verified (the link reached
/// it), uses up every other reset link, ends every session and closes every socket. The
/// account keeps its chats and messages: whoever registered the address before its owner
/// loses access to it here.
pub async fn confirm_reset(ctx: &Ctx, token: &str, new_password: Password) -> Result<(), ApiError> {
    let hash = password::hash(&new_password).await?;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let (user, _) = account_tokens::consume(&tx, Purpose::PasswordReset, &opaque::digest(token))
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidResetToken,
                "this password reset link is invalid, used or expired",
            )
        })?;
    users::set_password(&tx, user, &hash, true).await?;
    account_tokens::consume_all(&tx, Purpose::PasswordReset, user).await?;
    let revoked = sessions::end(&tx, Which::AllOf(user)).await?;
    sessions::record_ended(&tx, "password_reset", user, &revoked).await?;
    tx.commit().await?;
    drop(db);
    tracing::info!(user_id = %user, "password reset");
    sessions::close(ctx, revoked).await;
    Ok(())
}

/// Checks `password` against the caller's; `wrong_password` (403) when it does not match.
pub async fn check_current(ctx: &Ctx, caller: Signed, password: &str) -> Result<(), ApiError> {
    let stored = {
        let db = ctx.db.get().await?;
        users::password_hash(&db, caller.user.id).await?
    };
    let Some(stored) = stored else {
        return Err(ApiError::unauthorized("the account no longer exists"));
    };
    // A stolen access token must not become a way to guess the password.
    limits::take(ctx, Limit::PasswordCheck(caller.user.id)).await?;
    if password::verify(password, Some(stored)).await? {
        Ok(())
    } else {
        audit::record(
            ctx,
            Entry::new("password_check_failed").actor(caller.user.id),
        )
        .await;
        Err(ApiError::new(
            ErrorCode::WrongPassword,
            "the current password is not correct",
        ))
    }
}

/// Changes the caller's password (the current one proves it is them), and ends every other
/// session: whoever else knew the old password is signed out; this device stays signed in.
pub async fn change(
    ctx: &Ctx,
    caller: Signed,
    current: &str,
    new_password: Password,
) -> Result<(), ApiError> {
    check_current(ctx, caller, current).await?;
    let hash = password::hash(&new_password).await?;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    users::set_password(&tx, caller.user.id, &hash, false).await?;
    let revoked = sessions::end(&tx, Which::AllBut(caller.user.id, caller.session)).await?;
    sessions::record_ended(&tx, "password_changed", caller.user.id, &revoked).await?;
    tx.commit().await?;
    drop(db);
    tracing::info!(user_id = %caller.user.id, "password changed");
    sessions::close(ctx, revoked).await;
    Ok(())
}
