//! Attachments: rows from presign to the media worker's verdict, and which message carries
//! them.

use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::GenericClient;
use crate::contract::{
    Attachment, AttachmentId, AttachmentStatus, ChatId, MessageAttachment, MessageId, UserId,
};
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub chat_id: ChatId,
    pub uploader_id: UserId,
    pub message_id: Option<MessageId>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub status: AttachmentStatus,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<AttachmentRow> for Attachment {
    fn from(a: AttachmentRow) -> Self {
        Self {
            id: a.id,
            chat_id: a.chat_id,
            message_id: a.message_id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            status: a.status,
            width: a.width,
            height: a.height,
            has_thumbnail: a.thumbnail_key.is_some(),
            created_at: a.created_at,
        }
    }
}

impl From<AttachmentRow> for MessageAttachment {
    fn from(a: AttachmentRow) -> Self {
        Self {
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            status: a.status,
            width: a.width,
            height: a.height,
            has_thumbnail: a.thumbnail_key.is_some(),
        }
    }
}

const COLUMNS: &str = "id, chat_id, uploader_id, message_id, filename, content_type, size, status, \
                       object_key, thumbnail_key, width, height, created_at";

fn from_row(row: &Row) -> Result<AttachmentRow, ApiError> {
    let status: String = row.try_get("status")?;
    Ok(AttachmentRow {
        id: AttachmentId(row.try_get("id")?),
        chat_id: ChatId(row.try_get("chat_id")?),
        uploader_id: UserId(row.try_get("uploader_id")?),
        message_id: row
            .try_get::<_, Option<uuid::Uuid>>("message_id")?
            .map(MessageId),
        filename: row.try_get("filename")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        status: AttachmentStatus::parse(&status)
            .ok_or_else(|| anyhow::anyhow!("unknown attachment status {status}"))?,
        object_key: row.try_get("object_key")?,
        thumbnail_key: row.try_get("thumbnail_key")?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        created_at: row.try_get("created_at")?,
    })
}

pub struct NewAttachment<'a> {
    pub id: AttachmentId,
    pub chat_id: ChatId,
    pub uploader_id: UserId,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub object_key: &'a str,
}

pub async fn insert(
    db: &impl GenericClient,
    new: &NewAttachment<'_>,
) -> Result<AttachmentRow, ApiError> {
    let sql = format!(
        "INSERT INTO attachments (id, chat_id, uploader_id, filename, content_type, size, object_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    );
    let row = super::query_one(
        db,
        &sql,
        &[
            &new.id.0,
            &new.chat_id.0,
            &new.uploader_id.0,
            &new.filename,
            &new.content_type,
            &new.size,
            &new.object_key,
        ],
    )
    .await?;
    from_row(&row)
}

/// An attachment, locked for update when `for_update`.
pub async fn find(
    db: &impl GenericClient,
    id: AttachmentId,
    for_update: bool,
) -> Result<Option<AttachmentRow>, ApiError> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {COLUMNS} FROM attachments WHERE id = $1{lock}");
    super::query_opt(db, &sql, &[&id.0])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Several attachments by id, locked (a send attaching them), in no particular order.
pub async fn find_many_for_update(
    db: &impl GenericClient,
    ids: &[uuid::Uuid],
) -> Result<Vec<AttachmentRow>, ApiError> {
    let sql =
        format!("SELECT {COLUMNS} FROM attachments WHERE id = ANY($1) ORDER BY id FOR UPDATE");
    super::query(db, &sql, &[&ids])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The attachments of these messages, in each message's order.
pub async fn of_messages(
    db: &impl GenericClient,
    messages: &[uuid::Uuid],
) -> Result<Vec<AttachmentRow>, ApiError> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE message_id = ANY($1) ORDER BY message_id, position"
    );
    super::query(db, &sql, &[&messages])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Hands the attachments to a message, in the given order.
pub async fn attach_to_message(
    db: &impl GenericClient,
    message: MessageId,
    ids: &[uuid::Uuid],
) -> Result<(), ApiError> {
    let positions: Vec<i16> = (0..ids.len())
        .map(|i| i16::try_from(i).unwrap_or(i16::MAX))
        .collect();
    super::execute(
        db,
        "UPDATE attachments a SET message_id = $1, position = p.position \
         FROM unnest($2::uuid[], $3::smallint[]) AS p(id, position) WHERE a.id = p.id",
        &[&message.0, &ids, &positions],
    )
    .await?;
    Ok(())
}

/// `pending` -> `processing` once the upload is completed. Only the transition answers the
/// row, so exactly one of any number of completions queues the media job.
pub async fn mark_processing(
    db: &impl GenericClient,
    id: AttachmentId,
) -> Result<Option<AttachmentRow>, ApiError> {
    let sql = format!(
        "UPDATE attachments SET status = 'processing', completed_at = now() \
         WHERE id = $1 AND status = 'pending' RETURNING {COLUMNS}"
    );
    super::query_opt(db, &sql, &[&id.0])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Back to `pending` when the job could not be queued, so the client's retry queues it.
pub async fn unmark_processing(db: &impl GenericClient, id: AttachmentId) -> Result<(), ApiError> {
    super::execute(
        db,
        "UPDATE attachments SET status = 'pending', completed_at = NULL \
         WHERE id = $1 AND status = 'processing'",
        &[&id.0],
    )
    .await?;
    Ok(())
}

/// Attachments completed before `cutoff` and still `processing` (their job was lost), with
/// their completion moved to now so the next sweep does not queue them again at once.
pub async fn touch_stuck_processing(
    db: &impl GenericClient,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<AttachmentId>, ApiError> {
    let rows = super::query(
        db,
        "UPDATE attachments SET completed_at = now() WHERE id IN (\
             SELECT id FROM attachments WHERE status = 'processing' AND completed_at < $1 \
             ORDER BY completed_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
         RETURNING id",
        &[&cutoff, &limit],
    )
    .await?;
    rows.iter()
        .map(|r| Ok(AttachmentId(r.try_get("id")?)))
        .collect()
}

/// Marks a deleted message's attachments discarded (inside the delete's transaction), so
/// their objects and rows go even if the removal right after the commit fails.
pub async fn discard_of_message(
    db: &impl GenericClient,
    message: MessageId,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "UPDATE attachments SET discarded_at = coalesce(discarded_at, now()) WHERE message_id = $1",
        &[&message.0],
    )
    .await?;
    Ok(())
}

/// Discarded attachments (all, or those of one message), at most `limit`.
pub async fn discarded(
    db: &impl GenericClient,
    message: Option<MessageId>,
    limit: i64,
) -> Result<Vec<AttachmentRow>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE discarded_at IS NOT NULL \
         AND ($1::uuid IS NULL OR message_id = $1) ORDER BY discarded_at LIMIT $2"
    );
    super::query(db, &sql, &[&message.map(|m| m.0), &limit])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Removes rows whose objects are gone.
pub async fn delete_many(db: &impl GenericClient, ids: &[uuid::Uuid]) -> Result<(), ApiError> {
    super::execute(db, "DELETE FROM attachments WHERE id = ANY($1)", &[&ids]).await?;
    Ok(())
}

/// The worker's verdict, recorded once: only a `processing` attachment changes, so a
/// redelivered job finds nothing to do. Returns the updated row when this call changed it.
pub async fn finish(
    db: &impl GenericClient,
    id: AttachmentId,
    verdict: &Verdict,
) -> Result<Option<AttachmentRow>, ApiError> {
    let sql = format!(
        "UPDATE attachments SET status = $2, thumbnail_key = $3, width = $4, height = $5, \
         reject_reason = $6, processed_at = now() \
         WHERE id = $1 AND status = 'processing' RETURNING {COLUMNS}"
    );
    let (status, thumb, width, height, reason) = match verdict {
        Verdict::Ready {
            thumbnail_key,
            width,
            height,
        } => ("ready", thumbnail_key.as_deref(), *width, *height, None),
        Verdict::Rejected { reason } => ("rejected", None, None, None, Some(reason.as_str())),
    };
    super::query_opt(
        db,
        &sql,
        &[&id.0, &status, &thumb, &width, &height, &reason],
    )
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// What the media worker decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Ready {
        thumbnail_key: Option<String>,
        width: Option<i32>,
        height: Option<i32>,
    },
    Rejected {
        reason: String,
    },
}

/// Uploads presigned before `cutoff` that no message carries (never completed, or completed
/// and never sent), removed (and returned, so their objects can be deleted too). At most
/// `limit` per call. A send attaching one locks it first, so the two never both win.
pub async fn delete_stale_unsent(
    db: &impl GenericClient,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<AttachmentRow>, ApiError> {
    let sql = format!(
        "DELETE FROM attachments WHERE id IN (\
             SELECT id FROM attachments WHERE message_id IS NULL AND created_at < $1 \
             ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
         AND message_id IS NULL RETURNING {COLUMNS}"
    );
    super::query(db, &sql, &[&cutoff, &limit])
        .await?
        .iter()
        .map(from_row)
        .collect()
}
