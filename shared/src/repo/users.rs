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

const COLUMNS: &str = "id, email, display_name, email_notifications, created_at, last_seen_at";

fn from_row(row: &Row) -> Result<UserRow, tokio_postgres::Error> {
    Ok(UserRow {
        id: UserId(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        email_notifications: row.try_get("email_notifications")?,
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

/// The user and their password hash, for logging in.
pub async fn find_credentials(
    db: &impl GenericClient,
    email: &str,
) -> Result<Option<(UserRow, String)>, ApiError> {
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = $1");
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

/// Users whose display name starts with `query` (case-insensitive) or whose e-mail is exactly
/// `query`, excluding `caller`; at most `limit`, by name.
pub async fn search(
    db: &impl GenericClient,
    caller: UserId,
    query: &str,
    limit: i64,
) -> Result<Vec<UserRow>, ApiError> {
    let pattern = format!("{}%", escape_like(&query.to_lowercase()));
    let sql = format!(
        "SELECT {COLUMNS} FROM users \
         WHERE id <> $1 AND (lower(display_name) LIKE $2 OR email = $3) \
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

/// Ids among `ids` that name no user.
pub async fn unknown_ids(db: &impl GenericClient, ids: &[UserId]) -> Result<Vec<UserId>, ApiError> {
    let raw: Vec<uuid::Uuid> = ids.iter().map(|u| u.0).collect();
    let rows = super::query(
        db,
        "SELECT t.id FROM unnest($1::uuid[]) AS t(id) \
             WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.id)",
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
