//! Messages. `seq` is per chat, assigned by the send service under the chat's row lock.

use chrono::{DateTime, Utc};
use tokio_postgres::Row;
use uuid::Uuid;

use super::GenericClient;
use super::attachments::{self, AttachmentRow};
use crate::contract::{ChatId, Message, MessageId, UserId};
use crate::error::{ApiError, violated_constraint};

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub id: MessageId,
    pub chat_id: ChatId,
    pub seq: i64,
    pub sender_id: UserId,
    pub client_message_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Filled in by [`fill_attachments`]; empty straight from a query.
    pub attachments: Vec<AttachmentRow>,
}

impl From<MessageRow> for Message {
    fn from(m: MessageRow) -> Self {
        Self {
            id: m.id,
            chat_id: m.chat_id,
            seq: m.seq,
            sender_id: m.sender_id,
            client_message_id: m.client_message_id,
            body: m.body,
            created_at: m.created_at,
            edited_at: m.edited_at,
            deleted: m.deleted_at.is_some(),
            attachments: m.attachments.into_iter().map(Into::into).collect(),
        }
    }
}

/// Fills in the attachments of these messages (one query for all of them). Deleted messages
/// show none.
pub async fn fill_attachments(
    db: &impl GenericClient,
    messages: &mut [MessageRow],
) -> Result<(), ApiError> {
    let ids: Vec<Uuid> = messages
        .iter()
        .filter(|m| m.deleted_at.is_none())
        .map(|m| m.id.0)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut rows = attachments::of_messages(db, &ids).await?;
    for message in messages.iter_mut() {
        let (mine, rest): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|a| a.message_id == Some(message.id));
        message.attachments = mine;
        rows = rest;
    }
    Ok(())
}

/// One message with its attachments.
pub async fn with_attachments(
    db: &impl GenericClient,
    message: MessageRow,
) -> Result<MessageRow, ApiError> {
    let mut one = [message];
    fill_attachments(db, &mut one).await?;
    let [message] = one;
    Ok(message)
}

pub const COLUMNS: &str =
    "id, chat_id, seq, sender_id, client_message_id, body, created_at, edited_at, deleted_at";

pub fn from_row(row: &Row) -> Result<MessageRow, tokio_postgres::Error> {
    from_prefixed(row, "")
}

/// Reads a message from columns named with `prefix` (for joins).
pub fn from_prefixed(row: &Row, prefix: &str) -> Result<MessageRow, tokio_postgres::Error> {
    let col = |name: &str| format!("{prefix}{name}");
    Ok(MessageRow {
        id: MessageId(row.try_get(col("id").as_str())?),
        chat_id: ChatId(row.try_get(col("chat_id").as_str())?),
        seq: row.try_get(col("seq").as_str())?,
        sender_id: UserId(row.try_get(col("sender_id").as_str())?),
        client_message_id: row.try_get(col("client_message_id").as_str())?,
        body: row.try_get(col("body").as_str())?,
        created_at: row.try_get(col("created_at").as_str())?,
        edited_at: row.try_get(col("edited_at").as_str())?,
        deleted_at: row.try_get(col("deleted_at").as_str())?,
        attachments: Vec::new(),
    })
}

/// Whether the message is deleted (or gone).
pub async fn is_deleted(db: &impl GenericClient, id: MessageId) -> Result<bool, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT deleted_at IS NOT NULL FROM messages WHERE id = $1",
        &[&id.0],
    )
    .await?;
    Ok(row
        .map(|r| r.try_get::<_, bool>(0))
        .transpose()?
        .unwrap_or(true))
}

/// Why an insert did not happen.
#[derive(Debug)]
pub enum InsertError {
    /// The sender already used this `client_message_id` (a concurrent retry won the race).
    DuplicateClientId,
    Other(ApiError),
}

pub async fn insert(
    db: &impl GenericClient,
    chat_id: ChatId,
    seq: i64,
    sender_id: UserId,
    client_message_id: Uuid,
    body: &str,
) -> Result<MessageRow, InsertError> {
    let sql = format!(
        "INSERT INTO messages (id, chat_id, seq, sender_id, client_message_id, body) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    );
    let result = super::query_one(
        db,
        &sql,
        &[
            &MessageId::new().0,
            &chat_id.0,
            &seq,
            &sender_id.0,
            &client_message_id,
            &body,
        ],
    )
    .await;
    match result {
        Ok(row) => from_row(&row).map_err(|e| InsertError::Other(e.into())),
        Err(e) if violated_constraint(&e) == Some("messages_sender_client_id_key") => {
            Err(InsertError::DuplicateClientId)
        }
        Err(e) => Err(InsertError::Other(e.into())),
    }
}

pub async fn find_by_client_id(
    db: &impl GenericClient,
    sender_id: UserId,
    client_message_id: Uuid,
) -> Result<Option<MessageRow>, ApiError> {
    let sql =
        format!("SELECT {COLUMNS} FROM messages WHERE sender_id = $1 AND client_message_id = $2");
    let row = super::query_opt(db, &sql, &[&sender_id.0, &client_message_id]).await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// A message of `chat_id`, locked for update when `for_update`.
pub async fn find(
    db: &impl GenericClient,
    chat_id: ChatId,
    id: MessageId,
    for_update: bool,
) -> Result<Option<MessageRow>, ApiError> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE chat_id = $1 AND id = $2{lock}");
    let row = super::query_opt(db, &sql, &[&chat_id.0, &id.0]).await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Which slice of a chat's history to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageQuery {
    pub before_seq: Option<i64>,
    pub after_seq: Option<i64>,
    pub limit: i64,
}

/// One page of history, ascending by seq, and whether more lies beyond it in the direction
/// of paging (older for `before_seq` or no cursor, newer for `after_seq`). Keyset queries on
/// `(chat_id, seq)` (no `$n IS NULL OR ...`: the statements' generic plans use the index
/// range); one extra row tells whether there is more.
pub async fn page(
    db: &impl GenericClient,
    chat_id: ChatId,
    q: PageQuery,
) -> Result<(Vec<MessageRow>, bool), ApiError> {
    let fetch = q.limit + 1;
    let rows = match (q.after_seq, q.before_seq) {
        (Some(after), before) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM messages WHERE chat_id = $1 AND seq > $2 \
                 AND seq < $3 ORDER BY seq ASC LIMIT $4"
            );
            let before = before.unwrap_or(i64::MAX);
            super::query(db, &sql, &[&chat_id.0, &after, &before, &fetch]).await?
        }
        (None, before) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM messages WHERE chat_id = $1 \
                 AND seq < $2 ORDER BY seq DESC LIMIT $3"
            );
            let before = before.unwrap_or(i64::MAX);
            super::query(db, &sql, &[&chat_id.0, &before, &fetch]).await?
        }
    };
    let mut messages = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let has_more = messages.len() as i64 > q.limit;
    messages.truncate(usize::try_from(q.limit).unwrap_or(0));
    if q.after_seq.is_none() {
        messages.reverse();
    }
    Ok((messages, has_more))
}

pub async fn edit(
    db: &impl GenericClient,
    id: MessageId,
    body: &str,
) -> Result<MessageRow, ApiError> {
    let sql = format!(
        "UPDATE messages SET body = $2, edited_at = now() WHERE id = $1 RETURNING {COLUMNS}"
    );
    Ok(from_row(
        &super::query_one(db, &sql, &[&id.0, &body]).await?,
    )?)
}

/// Soft delete: the row and its seq stay, the text goes.
pub async fn soft_delete(db: &impl GenericClient, id: MessageId) -> Result<MessageRow, ApiError> {
    let sql = format!(
        "UPDATE messages SET body = '', deleted_at = COALESCE(deleted_at, now()) \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    Ok(from_row(&super::query_one(db, &sql, &[&id.0]).await?)?)
}
