//! Single-use tokens mailed to an account's address: e-mail verification and password reset.
//! Stored as digests; each names the address it was sent to.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::GenericClient;
use crate::contract::UserId;
use crate::error::ApiError;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    PasswordReset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// Whom a freshly stored token goes to.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
}

/// Whose token: an account by id, or the live account with an address (a reset request, which
/// may name no account).
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    User(UserId),
    Email(&'a str),
}

/// Stores a token for the owner's live account, unless one of the same purpose was made less
/// than `interval_secs` ago (mail is never sent faster than that). The same statement runs
/// whether or not the account exists, so a reset request for an unknown address does the same
/// database work. `None` when nothing was stored.
pub async fn issue(
    db: &impl GenericClient,
    purpose: Purpose,
    owner: Owner<'_>,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
    interval_secs: f64,
) -> Result<Option<Addressee>, ApiError> {
    let (user, email) = match owner {
        Owner::User(u) => (Some(u.0), None),
        Owner::Email(e) => (None, Some(e)),
    };
    let row = super::query_opt(
        db,
        "WITH target AS ( \
             SELECT u.id, u.email, u.display_name FROM users u \
             WHERE (u.id = $1 OR u.email = $2) AND u.deleted_at IS NULL \
               AND NOT EXISTS ( \
                   SELECT 1 FROM account_tokens t \
                   WHERE t.user_id = u.id AND t.purpose = $3 \
                     AND t.created_at > now() - make_interval(secs => $6::float8)) \
         ), stored AS ( \
             INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) \
             SELECT $4, id, $3, email, $5 FROM target RETURNING user_id \
         ) \
         SELECT t.id, t.email, t.display_name FROM target t JOIN stored s ON s.user_id = t.id",
        &[
            &user,
            &email,
            &purpose.as_str(),
            &token_hash,
            &expires_at,
            &interval_secs,
        ],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Addressee {
        user_id: UserId(row.try_get::<_, Uuid>("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
    }))
}

/// Uses up a token: returns its account and address when it exists, has this purpose, is
/// unexpired and unused, and its account is not deleted. One UPDATE, so two uses of one token
/// admit one.
pub async fn consume(
    db: &impl GenericClient,
    purpose: Purpose,
    token_hash: &[u8],
) -> Result<Option<(UserId, String)>, ApiError> {
    let row = super::query_opt(
        db,
        "UPDATE account_tokens t SET used_at = now() FROM users u \
         WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL \
           AND t.expires_at > now() AND u.id = t.user_id AND u.deleted_at IS NULL \
         RETURNING t.user_id, t.email",
        &[&token_hash, &purpose.as_str()],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        UserId(row.try_get("user_id")?),
        row.try_get("email")?,
    )))
}

/// Uses up every outstanding token of `purpose` of `user` (after a reset, older reset links
/// must not work).
pub async fn consume_all(
    db: &impl GenericClient,
    purpose: Purpose,
    user: UserId,
) -> Result<u64, ApiError> {
    Ok(super::execute(
        db,
        "UPDATE account_tokens SET used_at = now() \
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        &[&user.0, &purpose.as_str()],
    )
    .await?)
}

/// Removes tokens expired more than a day ago (run by the sweeper).
pub async fn delete_expired(db: &impl GenericClient) -> Result<u64, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM account_tokens WHERE expires_at < now() - interval '1 day'",
        &[],
    )
    .await?)
}
