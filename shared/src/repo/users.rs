//! Users.

use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::GenericClient;
use crate::contract::ErrorCode;
use crate::contract::{Me, PublicUser, UserId};
use crate::domain::{DisplayName, Email};
use crate::error::{ApiError, violated_constraint};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub email_notifications: bool,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for Me {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            email_notifications: u.email_notifications,
            email_verified: u.email_verified,
            created_at: u.created_at,
        }
    }
}

impl From<UserRow> for PublicUser {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            display_name: u.display_name,
            last_seen_at: u.last_seen_at,
        }
    }
}

const COLUMNS: &str = "id, email, display_name, email_notifications, \
     email_verified_at IS NOT NULL AS email_verified, created_at, last_seen_at";

fn from_row(row: &Row) -> Result<UserRow, tokio_postgres::Error> {
    Ok(UserRow {
        id: UserId(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        email_notifications: row.try_get("email_notifications")?,
        email_verified: row.try_get("email_verified")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    })
}

pub async fn insert(
    db: &impl GenericClient,
    id: UserId,
    email: &Email,
    password_hash: &str,
    display_name: &DisplayName,
) -> Result<UserRow, ApiError> {
    let sql = format!(
        "INSERT INTO users (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4) \
         RETURNING {COLUMNS}"
    );
    match super::query_one(
        db,
        &sql,
        &[
            &id.0,
            &email.as_str(),
            &password_hash,
            &display_name.as_str(),
        ],
    )
    .await
    {
        Ok(row) => Ok(from_row(&row)?),
        Err(e) if violated_constraint(&e) == Some("users_email_key") => Err(ApiError::new(
            ErrorCode::EmailTaken,
            "an account with this e-mail already exists",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn find(db: &impl GenericClient, id: UserId) -> Result<Option<UserRow>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = super::query_opt(db, &sql, &[&id.0]).await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// The live account with this e-mail and its password hash, for logging in.
pub async fn find_credentials(
    db: &impl GenericClient,
    email: &str,
) -> Result<Option<(UserRow, String)>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS}, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL"
    );
    let row = super::query_opt(db, &sql, &[&email]).await?;
    match row {
        None => Ok(None),
        Some(row) => Ok(Some((from_row(&row)?, row.try_get("password_hash")?))),
    }
}

pub async fn update_profile(
    db: &impl GenericClient,
    id: UserId,
    display_name: Option<&DisplayName>,
    email_notifications: Option<bool>,
) -> Result<Option<UserRow>, ApiError> {
    let sql = format!(
        "UPDATE users SET display_name = COALESCE($2, display_name), \
         email_notifications = COALESCE($3, email_notifications) \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    let row = super::query_opt(
        db,
        &sql,
        &[
            &id.0,
            &display_name.map(DisplayName::as_str),
            &email_notifications,
        ],
    )
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Users whose display name starts with `query` (case-insensitive) or whose verified e-mail
/// is exactly `query`, excluding `caller` and deleted accounts; at most `limit`, by name. An
/// unverified address finds nobody: anyone could have typed it at registration.
pub async fn search(
    db: &impl GenericClient,
    caller: UserId,
    query: &str,
    limit: i64,
) -> Result<Vec<UserRow>, ApiError> {
    let pattern = format!("{}%", escape_like(&query.to_lowercase()));
    let sql = format!(
        "SELECT {COLUMNS} FROM users \
         WHERE id <> $1 AND deleted_at IS NULL \
           AND (lower(display_name) LIKE $2 OR (email = $3 AND email_verified_at IS NOT NULL)) \
         ORDER BY lower(display_name), id LIMIT $4"
    );
    let rows = super::query(
        db,
        &sql,
        &[&caller.0, &pattern, &query.to_lowercase(), &limit],
    )
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Ids among `ids` that name no live user (a deleted account cannot join chats).
pub async fn unknown_ids(db: &impl GenericClient, ids: &[UserId]) -> Result<Vec<UserId>, ApiError> {
    let raw: Vec<uuid::Uuid> = ids.iter().map(|u| u.0).collect();
    let rows = super::query(
        db,
        "SELECT t.id FROM unnest($1::uuid[]) AS t(id) \
             WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.id AND u.deleted_at IS NULL)",
        &[&raw],
    )
    .await?;
    rows.iter().map(|r| Ok(UserId(r.try_get(0)?))).collect()
}

/// Locks a user's row until the transaction ends: connects and disconnects of one user are
/// serialised, so "first connection" and "last connection" are decided exactly once.
pub async fn lock(db: &impl GenericClient, id: UserId) -> Result<bool, ApiError> {
    Ok(
        super::query_opt(db, "SELECT 1 FROM users WHERE id = $1 FOR UPDATE", &[&id.0])
            .await?
            .is_some(),
    )
}

/// Records that the user was seen now; returns the time written.
pub async fn touch_last_seen(
    db: &impl GenericClient,
    id: UserId,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let row = super::query_opt(
        db,
        "UPDATE users SET last_seen_at = now() WHERE id = $1 RETURNING last_seen_at",
        &[&id.0],
    )
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The password hash of a live account (to confirm a password change or a deletion).
pub async fn password_hash(
    db: &impl GenericClient,
    id: UserId,
) -> Result<Option<String>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL",
        &[&id.0],
    )
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Sets a new password hash; with `verified`, the address counts as proven too (a reset link
/// reached it).
pub async fn set_password(
    db: &impl GenericClient,
    id: UserId,
    password_hash: &str,
    verified: bool,
) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "UPDATE users SET password_hash = $2, \
             email_verified_at = CASE WHEN $3 THEN coalesce(email_verified_at, now()) \
                                      ELSE email_verified_at END \
         WHERE id = $1 AND deleted_at IS NULL",
        &[&id.0, &password_hash, &verified],
    )
    .await?
        == 1)
}

/// Marks `email` verified for `id`, if it is still the account's address. Returns whether it
/// is (now) verified.
pub async fn mark_verified(
    db: &impl GenericClient,
    id: UserId,
    email: &str,
) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) \
         WHERE id = $1 AND email = $2 AND deleted_at IS NULL",
        &[&id.0, &email],
    )
    .await?
        == 1)
}

/// The name a deleted account shows under its messages.
pub const DELETED_NAME: &str = "Deleted account";

/// Turns an account into a tombstone: the row stays (its messages keep their sender and show
/// "Deleted account"), everything personal goes: address (freed for a new registration),
/// password, name, settings.
pub async fn tombstone(db: &impl GenericClient, id: UserId) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "UPDATE users SET email = 'deleted-' || id::text || '@deleted.invalid', \
             password_hash = '', display_name = $2, email_notifications = false, \
             email_verified_at = NULL, deleted_at = now() \
         WHERE id = $1 AND deleted_at IS NULL",
        &[&id.0, &DELETED_NAME],
    )
    .await?
        == 1)
}

/// Escapes LIKE's wildcards so a search for `50%` matches only that text.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::escape_like(r"50%_a\b"), r"50\%\_a\\b");
    }
}
