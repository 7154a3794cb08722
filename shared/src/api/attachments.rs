//! `/api/attachments`: presigned uploads, completion and presigned downloads; and the media
//! worker's SQS handler.

use std::collections::BTreeMap;

use aws_lambda_events::sqs::SqsMessage;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::adapter::sqs::SqsFuture;
use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::domain::{AttachmentId, AttachmentStatus, ChatId, MessageId};
use crate::error::{ApiError, ErrorBody};
use crate::repo::attachments::AttachmentRow;
use crate::service::attachments::{self, MediaJob};

/// An attachment as its chat's members see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub chat_id: ChatId,
    /// The message carrying it; null until it is sent.
    pub message_id: Option<MessageId>,
    pub filename: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub status: AttachmentStatus,
    /// Pixels, for images the worker has checked.
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub has_thumbnail: bool,
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

/// An attachment inside a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MessageAttachment {
    pub id: AttachmentId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub status: AttachmentStatus,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub has_thumbnail: bool,
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

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAttachment {
    pub chat_id: ChatId,
    /// Path parts and control characters are removed; at most 200 characters.
    pub filename: String,
    /// One of the allowed types: image/jpeg, image/png, image/gif, image/webp,
    /// application/pdf, text/plain, application/zip, and Word, Excel and PowerPoint documents.
    pub content_type: String,
    /// Bytes, 1..=26214400 (25 MB).
    pub size: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentUpload {
    pub attachment: Attachment,
    /// PUT the file's bytes here, with `upload_headers`.
    pub upload_url: String,
    pub upload_headers: BTreeMap<String, String>,
    /// Seconds the URL works.
    pub expires_in: u64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentDownload {
    pub attachment: Attachment,
    /// A presigned GET of the file (15 minutes); non-images download as files.
    pub download_url: String,
    /// A presigned GET of the thumbnail (at most 320 pixels a side), for images.
    pub thumbnail_url: Option<String>,
}

fn attachment_id(req: &HttpRequest) -> Result<AttachmentId, ApiError> {
    req.path("id", "attachment_not_found")
}

/// `POST /api/attachments`: a pending attachment and a presigned PUT for its bytes.
pub async fn create(
    ctx: &Ctx,
    me: AuthUser,
    input: CreateAttachment,
) -> Result<AttachmentUpload, ApiError> {
    let upload = attachments::presign_upload(
        ctx,
        me,
        input.chat_id,
        &input.filename,
        &input.content_type,
        input.size,
    )
    .await?;
    Ok(AttachmentUpload {
        attachment: upload.attachment.into(),
        upload_url: upload.url,
        upload_headers: upload.headers.into_iter().collect(),
        expires_in: attachments::URL_TTL.as_secs(),
    })
}

#[utoipa::path(post, path = "/api/attachments", operation_id = "create_attachment", tag = "attachments", security(("bearer" = [])),
    request_body = CreateAttachment,
    responses((status = 201, body = AttachmentUpload),
              (status = 400, description = "`attachment_too_large`, `content_type_not_allowed`, `invalid_filename`, `invalid_request`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody),
              (status = 503, description = "`attachments_unavailable`", body = ErrorBody)))]
pub async fn create_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    HttpResponse::created(&create(&ctx, me, req.json()?).await?)
}

#[utoipa::path(post, path = "/api/attachments/{id}/complete", operation_id = "complete_attachment", tag = "attachments", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 202, description = "checked by the media worker next (`processing`), or already finished", body = Attachment),
              (status = 401, body = ErrorBody),
              (status = 404, description = "`attachment_not_found` (also for anyone but the uploader)", body = ErrorBody),
              (status = 409, description = "`upload_incomplete`: no file, or not the declared size", body = ErrorBody),
              (status = 503, description = "`attachments_unavailable`", body = ErrorBody)))]
pub async fn complete_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let row = attachments::complete(&ctx, me, attachment_id(&req)?).await?;
    HttpResponse::json(http::StatusCode::ACCEPTED, &Attachment::from(row))
}

#[utoipa::path(get, path = "/api/attachments/{id}", operation_id = "get_attachment", tag = "attachments", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = AttachmentDownload),
              (status = 401, body = ErrorBody),
              (status = 404, description = "`attachment_not_found` (non-members; others' unsent ones; deleted messages')", body = ErrorBody),
              (status = 409, description = "`attachment_rejected`, `attachment_not_uploaded`", body = ErrorBody),
              (status = 503, description = "`attachments_unavailable`", body = ErrorBody)))]
pub async fn get_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let d = attachments::download(&ctx, me, attachment_id(&req)?).await?;
    HttpResponse::ok(&AttachmentDownload {
        attachment: d.attachment.into(),
        download_url: d.url,
        thumbnail_url: d.thumbnail_url,
    })
}

/// The media worker: one SQS record is one `MediaJob`. A record that is not a job is logged
/// and dropped (retrying cannot fix it); anything else that fails is retried.
pub fn media_worker(ctx: Ctx, record: SqsMessage) -> SqsFuture {
    Box::pin(async move {
        let body = record.body.as_deref().unwrap_or("");
        let job: MediaJob = match serde_json::from_str(body) {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(message_id = ?record.message_id, error = %e, "not a media job; dropped");
                return Ok(());
            }
        };
        attachments::process(&ctx, job.attachment_id).await
    })
}

/// The scheduled sweep: uploads never completed are removed after 24 hours.
pub async fn sweep(ctx: Ctx) -> Result<serde_json::Value, ApiError> {
    let removed = attachments::sweep_pending(&ctx).await?;
    Ok(serde_json::json!({ "removed": removed }))
}
