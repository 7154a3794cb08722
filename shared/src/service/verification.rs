//! E-mail verification: registration mails a single-use link (24 hours) to the address; the
//! SPA's landing page hands its token to `POST /api/auth/verify-email`. Until the address is
//! verified the account works, but nobody finds it by e-mail and it is sent no notification
//! mail (anyone can type anyone's address at registration).

use chrono::{Duration, Utc};

use crate::auth::{AuthUser, opaque};
use crate::contract::{ErrorCode, Me, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::account_tokens::{self, Addressee, Owner, Purpose};
use crate::repo::{GenericClient, users};
use crate::service::account_mail::{self, Kind};

/// How long a verification link works.
pub const VERIFY_TTL_HOURS: i64 = 24;

/// A verification token stored and waiting to be mailed (after commit).
#[derive(Debug)]
pub struct Pending {
    to: Addressee,
    token: String,
}

/// Stores a verification token for `user`'s current address, unless one was made within the
/// resend interval. Mail it with [`mail`] after commit.
pub async fn issue(
    ctx: &Ctx,
    db: &impl GenericClient,
    user: UserId,
) -> Result<Option<Pending>, ApiError> {
    let token = opaque::generate();
    let to = account_tokens::issue(
        db,
        Purpose::VerifyEmail,
        Owner::User(user),
        &opaque::digest(&token),
        Utc::now() + Duration::hours(VERIFY_TTL_HOURS),
        ctx.config.account_mail_interval.as_secs_f64(),
    )
    .await?;
    Ok(to.map(|to| Pending { to, token }))
}

/// Sends the mail of a stored token (never fails: the person can ask again).
pub async fn mail(ctx: &Ctx, pending: Option<Pending>) {
    if let Some(p) = pending {
        account_mail::send(ctx, Kind::VerifyEmail, &p.to.email, &p.token).await;
    }
}

fn invalid_token() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidVerificationToken,
        "this verification link is invalid, used or expired",
    )
}

/// Follows a verification link: the token's address becomes verified, if it is still the
/// account's. Signed in or not (the link may be opened on another device).
pub async fn verify(ctx: &Ctx, token: &str) -> Result<(), ApiError> {
    let db = ctx.db.get().await?;
    let (user, email) = account_tokens::consume(&db, Purpose::VerifyEmail, &opaque::digest(token))
        .await?
        .ok_or_else(invalid_token)?;
    if !users::mark_verified(&db, user, &email).await? {
        // The account's address changed since the mail went out: it proves nothing now.
        return Err(invalid_token());
    }
    tracing::info!(user_id = %user, "e-mail verified");
    Ok(())
}

/// Sends the caller another verification mail. 409 when the address is verified already,
/// 429 when the last mail went out within the interval.
pub async fn resend(ctx: &Ctx, caller: AuthUser) -> Result<(), ApiError> {
    let db = ctx.db.get().await?;
    let me: Me = users::find(&db, caller.id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?
        .into();
    if me.email_verified {
        return Err(ApiError::new(
            ErrorCode::EmailAlreadyVerified,
            "this e-mail address is verified already",
        ));
    }
    let pending = issue(ctx, &db, caller.id).await?;
    drop(db);
    if pending.is_none() {
        // A mail went out less than the interval ago: the inbox has it.
        return Err(ApiError::limited(ctx.config.account_mail_interval));
    }
    mail(ctx, pending).await;
    Ok(())
}
