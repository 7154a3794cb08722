//! Attachments: presigned uploads straight to S3, completion, the media worker's checks and
//! thumbnails, presigned downloads, attaching them to messages, and removing uploads never
//! completed. Objects live at `attachments/{chat_id}/{attachment_id}` and thumbnails at
//! `thumbnails/{chat_id}/{attachment_id}`, so one chat's files never mix with another's.

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::events::ServerEvent;
use crate::auth::AuthUser;
use crate::aws::Aws;
use crate::ctx::Ctx;
use crate::domain::attachment::{self, ContentType, Filename, MAX_PER_MESSAGE};
use crate::domain::{AttachmentId, AttachmentStatus, ChatId};
use crate::error::ApiError;
use crate::repo::GenericClient;
use crate::repo::attachments::{self as repo, AttachmentRow, NewAttachment, Verdict};
use crate::repo::messages::MessageRow;
use crate::service::chats::require_member;
use crate::service::realtime;

/// How long presigned upload and download URLs work.
pub const URL_TTL: Duration = Duration::from_secs(15 * 60);
/// Uploads not completed within this long are removed.
pub const PENDING_TTL: Duration = Duration::from_secs(24 * 3600);

/// The tag of an upload the media worker has not accepted yet.
const PENDING_TAG: &str = "pending=true";

/// The media queue's job: check this attachment.
#[derive(Debug, Serialize, Deserialize)]
pub struct MediaJob {
    pub attachment_id: AttachmentId,
}

fn not_found() -> ApiError {
    ApiError::not_found("attachment_not_found", "attachment not found")
}

/// 503 `attachments_unavailable`: this deployment has no bucket or media queue.
fn unavailable() -> ApiError {
    ApiError::NotConfigured {
        code: "attachments_unavailable",
        message: "attachments are not available on this server".to_owned(),
    }
}

/// The clients and the bucket, or `unavailable` where none is configured.
fn storage(ctx: &Ctx) -> Result<(&Aws, &str), ApiError> {
    match (&ctx.aws, &ctx.config.attachments_bucket) {
        (Some(aws), Some(bucket)) => Ok((aws, bucket.as_str())),
        _ => Err(unavailable()),
    }
}

fn object_key(chat: ChatId, id: AttachmentId) -> String {
    format!("attachments/{chat}/{id}")
}

fn thumbnail_key(chat: ChatId, id: AttachmentId) -> String {
    format!("thumbnails/{chat}/{id}")
}

/// A presigned upload.
#[derive(Debug)]
pub struct Upload {
    pub attachment: AttachmentRow,
    pub url: String,
    /// Headers the PUT must carry (the signed Content-Type); the browser adds Content-Length.
    pub headers: Vec<(String, String)>,
}

/// Records a pending attachment and presigns its PUT. Content-Type and Content-Length are
/// signed, so the URL uploads nothing of another type or size.
pub async fn presign_upload(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    filename: &str,
    content_type: &str,
    size: i64,
) -> Result<Upload, ApiError> {
    let filename = Filename::parse(filename)?;
    let content_type = ContentType::parse(content_type)?;
    let size = attachment::parse_size(size)?;
    let (aws, bucket) = storage(ctx)?;
    let db = ctx.db.get().await?;
    require_member(&db, chat, me.id).await?;
    let id = AttachmentId::new();
    let key = object_key(chat, id);
    let presigned = aws
        .s3
        .put_object()
        .bucket(bucket)
        .key(&key)
        .content_type(content_type.as_str())
        .content_length(size)
        // Signed, so the upload carries it; the bucket's lifecycle rule expires what the
        // worker never accepted (and the sweeper missed).
        .tagging(PENDING_TAG)
        .presigned(presigning()?)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("presigning the upload: {e}")))?;
    let attachment = repo::insert(
        &db,
        &NewAttachment {
            id,
            chat_id: chat,
            uploader_id: me.id,
            filename: filename.as_str(),
            content_type: content_type.as_str(),
            size,
            object_key: &key,
        },
    )
    .await?;
    let headers = presigned
        .headers()
        // Browsers set these themselves and refuse to let scripts do it.
        .filter(|(name, _)| {
            !matches!(
                name.to_ascii_lowercase().as_str(),
                "content-length" | "host"
            )
        })
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Ok(Upload {
        attachment,
        url: presigned.uri().to_owned(),
        headers,
    })
}

fn presigning() -> Result<PresigningConfig, ApiError> {
    PresigningConfig::expires_in(URL_TTL)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("presigning config: {e}")))
}

/// The uploader's attachment, or 404 for anyone else (and for non-members).
async fn own(
    db: &impl GenericClient,
    me: AuthUser,
    id: AttachmentId,
) -> Result<AttachmentRow, ApiError> {
    let row = repo::find(db, id, false).await?.ok_or_else(not_found)?;
    if row.uploader_id != me.id {
        return Err(not_found());
    }
    require_member(db, row.chat_id, me.id)
        .await
        .map_err(|_| not_found())?;
    Ok(row)
}

/// The uploader says the PUT is done: the object must exist with the declared size. Queues
/// the media job and marks the attachment `processing`. Calling it again is harmless: a
/// finished attachment is returned as it is, a processing one is queued again (the worker
/// does its work once).
pub async fn complete(
    ctx: &Ctx,
    me: AuthUser,
    id: AttachmentId,
) -> Result<AttachmentRow, ApiError> {
    let (aws, bucket) = storage(ctx)?;
    let queue = ctx
        .config
        .media_queue_url
        .as_deref()
        .ok_or_else(unavailable)?;
    let row = own(&ctx.db.get().await?, me, id).await?;
    if matches!(
        row.status,
        AttachmentStatus::Ready | AttachmentStatus::Rejected
    ) {
        return Ok(row);
    }
    let incomplete = |detail: &str| {
        ApiError::conflict(
            "upload_incomplete",
            format!("the upload is not complete: {detail}"),
        )
    };
    let head = aws
        .s3
        .head_object()
        .bucket(bucket)
        .key(&row.object_key)
        .send()
        .await;
    match head {
        Ok(head) if head.content_length() == Some(row.size) => {}
        Ok(head) => {
            return Err(incomplete(&format!(
                "{} bytes arrived, {} were declared",
                head.content_length().unwrap_or(0),
                row.size
            )));
        }
        Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => {
            return Err(incomplete("no file was uploaded"));
        }
        Err(e) => return Err(ApiError::Unavailable(anyhow::anyhow!("S3 HeadObject: {e}"))),
    }
    // `processing` before the job exists, so the worker never meets a job for a `pending`
    // attachment. Should the enqueue fail, the client's retry of this call enqueues again.
    let row = {
        let db = ctx.db.get().await?;
        match repo::mark_processing(&db, id).await? {
            Some(row) => row,
            // The worker finished in the meantime.
            None => return repo::find(&db, id, false).await?.ok_or_else(not_found),
        }
    };
    let job = serde_json::to_string(&MediaJob { attachment_id: id })
        .map_err(|e| ApiError::Internal(e.into()))?;
    aws.sqs
        .send_message()
        .queue_url(queue)
        .message_body(job)
        .send()
        .await
        .map_err(|e| ApiError::Unavailable(anyhow::anyhow!("SQS SendMessage: {e}")))?;
    Ok(row)
}

/// An attachment with presigned URLs to fetch it.
#[derive(Debug)]
pub struct Download {
    pub attachment: AttachmentRow,
    pub url: String,
    pub thumbnail_url: Option<String>,
}

/// Presigned GETs for a member of the chat. An attachment not yet in a message is visible to
/// its uploader only; one of a deleted message to no one. Images may show inline; any other
/// file is served as a download (Content-Disposition: attachment), never rendered.
pub async fn download(ctx: &Ctx, me: AuthUser, id: AttachmentId) -> Result<Download, ApiError> {
    let (aws, bucket) = storage(ctx)?;
    let db = ctx.db.get().await?;
    let row = repo::find(&db, id, false).await?.ok_or_else(not_found)?;
    require_member(&db, row.chat_id, me.id)
        .await
        .map_err(|_| not_found())?;
    let visible = match row.message_id {
        None => row.uploader_id == me.id,
        Some(message) => !crate::repo::messages::is_deleted(&db, message).await?,
    };
    drop(db);
    if !visible {
        return Err(not_found());
    }
    match row.status {
        AttachmentStatus::Rejected => {
            return Err(ApiError::conflict(
                "attachment_rejected",
                "this file was refused and is no longer available",
            ));
        }
        AttachmentStatus::Pending => {
            return Err(ApiError::conflict(
                "attachment_not_uploaded",
                "this file has not been uploaded yet",
            ));
        }
        AttachmentStatus::Processing | AttachmentStatus::Ready => {}
    }
    let image = attachment::is_image(&row.content_type);
    let disposition =
        content_disposition(if image { "inline" } else { "attachment" }, &row.filename);
    let url = aws
        .s3
        .get_object()
        .bucket(bucket)
        .key(&row.object_key)
        .response_content_disposition(disposition)
        .response_content_type(if row.content_type == "text/plain" {
            "text/plain; charset=utf-8"
        } else {
            row.content_type.as_str()
        })
        .presigned(presigning()?)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("presigning the download: {e}")))?
        .uri()
        .to_owned();
    let thumbnail_url = match &row.thumbnail_key {
        Some(key) => Some(
            aws.s3
                .get_object()
                .bucket(bucket)
                .key(key)
                .presigned(presigning()?)
                .await
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("presigning the thumbnail: {e}")))?
                .uri()
                .to_owned(),
        ),
        None => None,
    };
    Ok(Download {
        attachment: row,
        url,
        thumbnail_url,
    })
}

/// `inline` or `attachment` with the filename, ASCII fallback plus RFC 5987 UTF-8 form.
fn content_disposition(kind: &str, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Checks the attachments a send names: at most 10, no repeats, each the sender's own in this
/// chat, uploaded, not refused, not already in a message. Locks them until the send commits.
pub async fn check_for_send(
    tx: &impl GenericClient,
    me: AuthUser,
    chat: ChatId,
    ids: &[Uuid],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_PER_MESSAGE {
        return Err(ApiError::bad_request(
            "too_many_attachments",
            format!("a message carries at most {MAX_PER_MESSAGE} attachments"),
        ));
    }
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != ids.len() {
        return Err(ApiError::invalid("attachment_ids must not repeat an id"));
    }
    let rows = repo::find_many_for_update(tx, ids).await?;
    let unknown = || {
        ApiError::bad_request(
            "unknown_attachment",
            "attachment_ids name no attachment of yours in this chat",
        )
    };
    if rows.len() != ids.len() {
        return Err(unknown());
    }
    for row in &rows {
        if row.uploader_id != me.id || row.chat_id != chat {
            return Err(unknown());
        }
        if row.message_id.is_some() {
            return Err(ApiError::conflict(
                "attachment_already_sent",
                "an attachment belongs to another message already",
            ));
        }
        match row.status {
            AttachmentStatus::Pending => {
                return Err(ApiError::bad_request(
                    "attachment_not_uploaded",
                    "complete the upload of every attachment before sending",
                ));
            }
            AttachmentStatus::Rejected => {
                return Err(ApiError::bad_request(
                    "attachment_rejected",
                    "a refused attachment cannot be sent",
                ));
            }
            AttachmentStatus::Processing | AttachmentStatus::Ready => {}
        }
    }
    Ok(())
}

/// Fills in the attachments of these messages (one query for all of them). Deleted messages
/// show none.
pub async fn fill(db: &impl GenericClient, messages: &mut [MessageRow]) -> Result<(), ApiError> {
    let ids: Vec<Uuid> = messages
        .iter()
        .filter(|m| m.deleted_at.is_none())
        .map(|m| m.id.0)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut rows = repo::of_messages(db, &ids).await?;
    for message in messages.iter_mut() {
        let (mine, rest): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|a| a.message_id == Some(message.id));
        message.attachments = mine;
        rows = rest;
    }
    Ok(())
}

/// The media worker's job: read the object, check its bytes against the declared type, make
/// a thumbnail of an image, record the verdict once and tell the chat. A refused object is
/// deleted. Errors are transient (S3, the database): the job is retried.
pub async fn process(ctx: &Ctx, id: AttachmentId) -> anyhow::Result<()> {
    let (aws, bucket) = storage(ctx).map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(row) = repo::find(&ctx.db.get().await?, id, false).await? else {
        tracing::info!(attachment_id = %id, "media job for an attachment that no longer exists");
        return Ok(());
    };
    if row.status != AttachmentStatus::Processing {
        // Done already (a redelivered job), or never completed.
        return Ok(());
    }
    let object = aws
        .s3
        .get_object()
        .bucket(bucket)
        .key(&row.object_key)
        .send()
        .await;
    let bytes = match object {
        Ok(o) => o.body.collect().await?.into_bytes(),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
            return record(
                ctx,
                &row,
                Verdict::Rejected {
                    reason: "the file is gone".to_owned(),
                },
            )
            .await;
        }
        Err(e) => return Err(anyhow::anyhow!("S3 GetObject: {e}")),
    };
    let verdict = match inspect(&row, &bytes) {
        Err(reason) => Verdict::Rejected { reason },
        Ok(None) => {
            untag(aws, bucket, &row.object_key).await?;
            Verdict::Ready {
                thumbnail_key: None,
                width: None,
                height: None,
            }
        }
        Ok(Some(thumb)) => {
            untag(aws, bucket, &row.object_key).await?;
            let key = thumbnail_key(row.chat_id, row.id);
            // The same key every time: a redelivered job overwrites, never adds, a thumbnail.
            aws.s3
                .put_object()
                .bucket(bucket)
                .key(&key)
                .content_type(thumb.content_type)
                .body(ByteStream::from(thumb.bytes))
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("S3 PutObject (thumbnail): {e}"))?;
            Verdict::Ready {
                thumbnail_key: Some(key),
                width: i32::try_from(thumb.width).ok(),
                height: i32::try_from(thumb.height).ok(),
            }
        }
    };
    record(ctx, &row, verdict).await
}

/// Accepted: the object loses its `pending` tag, so the lifecycle rule keeps it.
async fn untag(aws: &Aws, bucket: &str, key: &str) -> anyhow::Result<()> {
    aws.s3
        .delete_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("S3 DeleteObjectTagging: {e}"))?;
    Ok(())
}

/// Checks the bytes; for an image returns its thumbnail.
fn inspect(row: &AttachmentRow, bytes: &[u8]) -> Result<Option<crate::media::Thumbnail>, String> {
    if i64::try_from(bytes.len()).ok() != Some(row.size) {
        return Err(format!(
            "{} bytes stored, {} declared",
            bytes.len(),
            row.size
        ));
    }
    attachment::bytes_match_type(&row.content_type, bytes)?;
    if attachment::is_image(&row.content_type) {
        crate::media::thumbnail(bytes).map(Some)
    } else {
        Ok(None)
    }
}

async fn record(ctx: &Ctx, row: &AttachmentRow, verdict: Verdict) -> anyhow::Result<()> {
    let (aws, bucket) = storage(ctx).map_err(|e| anyhow::anyhow!("{e}"))?;
    let rejected = matches!(verdict, Verdict::Rejected { .. });
    if let Verdict::Rejected { reason } = &verdict {
        tracing::info!(attachment_id = %row.id, %reason, "attachment rejected");
    }
    let updated = repo::finish(&ctx.db.get().await?, row.id, &verdict).await?;
    if rejected {
        // Deleting twice is harmless, so a redelivered job may do it again.
        aws.s3
            .delete_object()
            .bucket(bucket)
            .key(&row.object_key)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("S3 DeleteObject: {e}"))?;
    }
    if let Some(updated) = updated {
        let event = ServerEvent::AttachmentUpdated {
            attachment: updated.clone().into(),
        };
        match updated.message_id {
            Some(_) => {
                realtime::to_chat(ctx, updated.chat_id, None, &event).await;
            }
            // Not in a message yet: only the uploader knows of it.
            None => {
                realtime::to_chat_user(ctx, updated.chat_id, updated.uploader_id, &event).await;
            }
        }
    }
    Ok(())
}

/// Removes uploads never completed within 24 hours: rows and objects (a PUT may have
/// happened without the completion). Returns how many.
pub async fn sweep_pending(ctx: &Ctx) -> Result<usize, ApiError> {
    let Ok((aws, bucket)) = storage(ctx) else {
        return Ok(0);
    };
    let cutoff = Utc::now() - chrono::Duration::from_std(PENDING_TTL).unwrap_or_default();
    let mut removed = 0;
    loop {
        let rows = repo::delete_stale_pending(&ctx.db.get().await?, cutoff, 500).await?;
        if rows.is_empty() {
            break;
        }
        removed += rows.len();
        for row in &rows {
            if let Err(e) = aws
                .s3
                .delete_object()
                .bucket(bucket)
                .key(&row.object_key)
                .send()
                .await
            {
                // The bucket's lifecycle rule removes what is left behind.
                tracing::warn!(attachment_id = %row.id, error = %e, "could not delete a stale upload");
            }
        }
    }
    Ok(removed)
}
