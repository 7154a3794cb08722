//! Presigned uploads straight to S3, their completion (which queues the media job), and
//! presigned downloads for a chat's members.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::auth::AuthUser;
use crate::clients::queue::Queue;
use crate::clients::storage::{Serve, Storage, StorageError};
use crate::contract::attachments::{AttachmentDownload, AttachmentUpload, CreateAttachment};
use crate::contract::{Attachment, AttachmentId, AttachmentStatus, ChatId, ErrorCode};
use crate::ctx::Ctx;
use crate::domain::attachment::{self, ContentType, Filename};
use crate::error::ApiError;
use crate::repo::GenericClient;
use crate::repo::attachments::{self as repo, AttachmentRow, NewAttachment};
use crate::service::access::require_member;

/// How long presigned upload and download URLs work.
pub const URL_TTL: Duration = Duration::from_secs(15 * 60);

/// The tag of an upload the media worker has not accepted yet.
const PENDING_TAG: &str = "pending=true";

/// The media queue's job: check this attachment.
#[derive(Debug, Serialize, Deserialize)]
pub struct MediaJob {
    pub attachment_id: AttachmentId,
}

pub(super) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::AttachmentNotFound, "attachment not found")
}

/// 503 `attachments_unavailable`: this deployment has no bucket or media queue.
fn unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::AttachmentsUnavailable,
        "attachments are not available on this server",
    )
}

/// The bucket, or `unavailable` where none is configured.
pub(super) fn storage(ctx: &Ctx) -> Result<&Storage, ApiError> {
    ctx.storage.as_ref().ok_or_else(unavailable)
}

fn media_queue(ctx: &Ctx) -> Result<&Queue, ApiError> {
    ctx.media_queue.as_ref().ok_or_else(unavailable)
}

fn object_key(chat: ChatId, id: AttachmentId) -> String {
    format!("attachments/{chat}/{id}")
}

pub(super) fn thumbnail_key(chat: ChatId, id: AttachmentId) -> String {
    format!("thumbnails/{chat}/{id}")
}

/// Where the browser uploads: never served. The media worker writes the bytes it accepted to
/// the served key, so a presigned URL used again afterwards changes nothing anyone downloads.
pub(super) fn staging_key(chat: ChatId, id: AttachmentId) -> String {
    format!("uploads/{chat}/{id}")
}

/// 409 `attachment_not_ready`: the media worker has not accepted the file yet.
pub(super) fn not_ready() -> ApiError {
    ApiError::new(
        ErrorCode::AttachmentNotReady,
        "this file is still being checked; try again in a moment",
    )
}

/// Records a pending attachment and presigns its PUT. Content-Type and Content-Length are
/// signed, so the URL uploads nothing of another type or size.
pub async fn presign_upload(
    ctx: &Ctx,
    me: AuthUser,
    input: CreateAttachment,
) -> Result<AttachmentUpload, ApiError> {
    let filename = Filename::parse(&input.filename)?;
    let content_type = ContentType::parse(&input.content_type)?;
    let size = attachment::parse_size(input.size)?;
    let storage = storage(ctx)?;
    let chat = input.chat_id;
    let db = ctx.db.get().await?;
    require_member(&db, chat, me.id).await?;
    let id = AttachmentId::new();
    let key = object_key(chat, id);
    // The tag is signed, so the upload carries it; the bucket's lifecycle rule expires what
    // is left in staging (and the sweeper missed). Served objects never carry it.
    let presigned = storage
        .presign_put(
            &staging_key(chat, id),
            content_type.as_str(),
            size,
            PENDING_TAG,
            URL_TTL,
        )
        .await?;
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
    let upload_headers = presigned
        .headers
        .into_iter()
        // Browsers set these themselves and refuse to let scripts do it.
        .filter(|(name, _)| {
            !matches!(
                name.to_ascii_lowercase().as_str(),
                "content-length" | "host"
            )
        })
        .collect();
    Ok(AttachmentUpload {
        attachment: attachment.into(),
        upload_url: presigned.url,
        upload_headers,
        expires_in: URL_TTL.as_secs(),
    })
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

/// The uploader says the PUT is done: the staged object must exist with the declared size.
/// Marks the attachment `processing` and queues the media job, on that transition only:
/// calling it again answers the attachment as it is and queues nothing.
pub async fn complete(ctx: &Ctx, me: AuthUser, id: AttachmentId) -> Result<Attachment, ApiError> {
    let storage = storage(ctx)?;
    let queue = media_queue(ctx)?;
    let row = own(&ctx.db.get().await?, me, id).await?;
    if row.status != AttachmentStatus::Pending {
        return Ok(row.into());
    }
    let incomplete = |detail: String| {
        ApiError::new(
            ErrorCode::UploadIncomplete,
            format!("the upload is not complete: {detail}"),
        )
    };
    match storage.size_of(&staging_key(row.chat_id, id)).await {
        Ok(size) if size == row.size => {}
        Ok(size) => {
            return Err(incomplete(format!(
                "{size} bytes arrived, {} were declared",
                row.size
            )));
        }
        Err(StorageError::NotFound) => return Err(incomplete("no file was uploaded".into())),
        Err(e) => return Err(e.into()),
    }
    // `processing` before the job exists, so the worker never meets a job for a `pending`
    // attachment; only the call that made the transition queues it.
    let db = ctx.db.get().await?;
    let Some(row) = repo::mark_processing(&db, id).await? else {
        // Another completion got there first.
        return Ok(repo::find(&db, id, false)
            .await?
            .ok_or_else(not_found)?
            .into());
    };
    if let Err(e) = queue
        .send(&MediaJob { attachment_id: id }, Duration::ZERO)
        .await
    {
        // Back to `pending`, so the client's retry of this call queues it.
        repo::unmark_processing(&db, id).await?;
        return Err(e.into());
    }
    Ok(row.into())
}

/// Presigned GETs for a member of the chat, of `ready` files only. An attachment not yet in a
/// message is visible to its uploader only; one of a deleted message to no one. Images may show inline; any other
/// file is served as a download (Content-Disposition: attachment), never rendered.
pub async fn download(
    ctx: &Ctx,
    me: AuthUser,
    id: AttachmentId,
) -> Result<AttachmentDownload, ApiError> {
    let storage = storage(ctx)?;
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
            return Err(ApiError::new(
                ErrorCode::AttachmentRejected,
                "this file was refused and is no longer available",
            ));
        }
        AttachmentStatus::Pending => {
            return Err(ApiError::new(
                ErrorCode::AttachmentNotUploaded,
                "this file has not been uploaded yet",
            ));
        }
        AttachmentStatus::Processing => return Err(not_ready()),
        AttachmentStatus::Ready => {}
    }
    let image = attachment::is_image(&row.content_type);
    let serve = Serve {
        disposition: Some(content_disposition(
            if image { "inline" } else { "attachment" },
            &row.filename,
        )),
        content_type: Some(if row.content_type == "text/plain" {
            "text/plain; charset=utf-8"
        } else {
            row.content_type.as_str()
        }),
    };
    let download_url = storage.presign_get(&row.object_key, serve, URL_TTL).await?;
    let thumbnail_url = match &row.thumbnail_key {
        Some(key) => Some(storage.presign_get(key, Serve::default(), URL_TTL).await?),
        None => None,
    };
    Ok(AttachmentDownload {
        attachment: row.into(),
        download_url,
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
