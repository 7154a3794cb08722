//! Chat requests (`chat_requests`, docs/SECURITY.md "Chat requests"): someone asked into a
//! chat by a person they share no chat with is not a member until they accept.

use super::GenericClient;
use crate::contract::{ChatId, UserId};
use crate::error::ApiError;

/// Those of `others` who share no chat with `me` (both members of it): asking them into a
/// chat is a request.
pub async fn strangers(
    db: &impl GenericClient,
    me: UserId,
    others: &[UserId],
) -> Result<Vec<UserId>, ApiError> {
    let ids: Vec<uuid::Uuid> = others.iter().map(|u| u.0).collect();
    let rows = super::query(
        db,
        "SELECT o FROM unnest($2::uuid[]) AS o \
         WHERE NOT EXISTS (SELECT 1 FROM chat_members mine \
             JOIN chat_members theirs ON theirs.chat_id = mine.chat_id AND theirs.user_id = o \
             WHERE mine.user_id = $1)",
        &[&me.0, &ids],
    )
    .await?;
    rows.iter().map(|r| Ok(UserId(r.try_get(0)?))).collect()
}

/// Asks `users` into `chat` on behalf of `from`; those asked before (pending or declined)
/// are left as they are. Returns the newly asked.
pub async fn insert(
    db: &impl GenericClient,
    chat: ChatId,
    users: &[UserId],
    from: UserId,
) -> Result<Vec<UserId>, ApiError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = users.iter().map(|u| u.0).collect();
    let rows = super::query(
        db,
        "INSERT INTO chat_requests (chat_id, user_id, requested_by) \
         SELECT $1, u, $3 FROM unnest($2::uuid[]) AS u \
         ON CONFLICT (chat_id, user_id) DO NOTHING RETURNING user_id",
        &[&chat.0, &ids, &from.0],
    )
    .await?;
    rows.iter().map(|r| Ok(UserId(r.try_get(0)?))).collect()
}

/// A request of `user` into `chat`.
#[derive(Debug, Clone, Copy)]
pub struct RequestRow {
    pub requested_by: UserId,
    pub declined: bool,
}

pub async fn find(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<Option<RequestRow>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT requested_by, declined_at IS NOT NULL AS declined FROM chat_requests \
         WHERE chat_id = $1 AND user_id = $2",
        &[&chat.0, &user.0],
    )
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(RequestRow {
        requested_by: UserId(r.try_get(0)?),
        declined: r.try_get(1)?,
    }))
}

/// Ends the request (accepted: the caller makes them a member). False when there was none.
pub async fn remove(db: &impl GenericClient, chat: ChatId, user: UserId) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM chat_requests WHERE chat_id = $1 AND user_id = $2",
        &[&chat.0, &user.0],
    )
    .await?
        == 1)
}

/// Declines the pending request; false when there was no pending one.
pub async fn decline(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "UPDATE chat_requests SET declined_at = now() \
         WHERE chat_id = $1 AND user_id = $2 AND declined_at IS NULL",
        &[&chat.0, &user.0],
    )
    .await?
        == 1)
}

/// Declines every pending request `from` made to `user` (a block). Returns their chats.
pub async fn decline_all_from(
    db: &impl GenericClient,
    user: UserId,
    from: UserId,
) -> Result<Vec<ChatId>, ApiError> {
    let rows = super::query(
        db,
        "UPDATE chat_requests SET declined_at = now() \
         WHERE user_id = $1 AND requested_by = $2 AND declined_at IS NULL RETURNING chat_id",
        &[&user.0, &from.0],
    )
    .await?;
    rows.iter().map(|r| Ok(ChatId(r.try_get(0)?))).collect()
}

/// Pending requests into `chat`: each holds a seat (the member cap counts them).
pub async fn pending_count(db: &impl GenericClient, chat: ChatId) -> Result<i64, ApiError> {
    Ok(super::query_one(
        db,
        "SELECT count(*) FROM chat_requests WHERE chat_id = $1 AND declined_at IS NULL",
        &[&chat.0],
    )
    .await?
    .try_get(0)?)
}

/// Forgets every request to or from `user` (their account is deleted).
pub async fn forget_user(db: &impl GenericClient, user: UserId) -> Result<(), ApiError> {
    super::execute(
        db,
        "DELETE FROM chat_requests WHERE user_id = $1 OR requested_by = $1",
        &[&user.0],
    )
    .await?;
    Ok(())
}

/// What the one "X wants to chat" mail of a request needs.
#[derive(Debug, Clone)]
pub struct RequestMail {
    pub email: String,
    pub display_name: String,
    pub from_name: String,
    pub group_title: Option<String>,
}

/// Claims the request's one mail: only while it is pending and unmailed, to an opted-in,
/// verified address of someone with no live connection (one online sees the request in the
/// app), and only if the same person never had a request from this asker declined nor mailed
/// in the last day (a stranger starting many groups mails once). Marks it mailed whether or
/// not a mail follows, so a request mails at most once, ever.
pub async fn claim_mail(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<Option<RequestMail>, ApiError> {
    let row = super::query_opt(
        db,
        "WITH claimed AS ( \
             UPDATE chat_requests r SET mailed_at = now() \
             WHERE r.chat_id = $1 AND r.user_id = $2 AND r.declined_at IS NULL \
               AND r.mailed_at IS NULL \
             RETURNING r.requested_by \
         ) \
         SELECT u.email, u.display_name, f.display_name AS from_name, c.title \
         FROM claimed JOIN users u ON u.id = $2 JOIN users f ON f.id = claimed.requested_by \
         JOIN chats c ON c.id = $1 \
         WHERE u.email_notifications AND u.email_verified_at IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM connections k WHERE k.user_id = $2) \
           AND NOT EXISTS (SELECT 1 FROM chat_requests p \
               WHERE p.user_id = $2 AND p.requested_by = claimed.requested_by \
                 AND p.chat_id <> $1 \
                 AND (p.declined_at IS NOT NULL \
                      OR p.mailed_at > now() - interval '1 day'))",
        &[&chat.0, &user.0],
    )
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(RequestMail {
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        from_name: r.try_get("from_name")?,
        group_title: r.try_get("title")?,
    }))
}
