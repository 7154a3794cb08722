//! `/api/attachments`: presigned uploads, completion and presigned downloads; and the media
//! worker's SQS handler and the sweep of what must not stay in the bucket.

use aws_lambda_events::sqs::SqsMessage;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::adapter::sqs::SqsFuture;
use crate::contract::attachments::{
    Attachment, AttachmentDownload, AttachmentUpload, CreateAttachment,
};
use crate::contract::{AttachmentId, ErrorBody, ErrorCode};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::attachments::uploads::{self, MediaJob};
use crate::service::attachments::{cleanup, worker};

fn attachment_id(req: &HttpRequest) -> Result<AttachmentId, ApiError> {
    req.path("id", ErrorCode::AttachmentNotFound)
}

#[utoipa::path(post, path = "/api/attachments", operation_id = "create_attachment", tag = "attachments", security(("bearer" = [])),
    request_body = CreateAttachment,
    responses((status = 201, body = AttachmentUpload),
              (status = 400, description = "`attachment_too_large`, `content_type_not_allowed`, `invalid_filename`, `invalid_request`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody),
              (status = 503, description = "`attachments_unavailable`", body = ErrorBody)))]
pub async fn create_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::created(&uploads::presign_upload(&ctx, me, req.json()?).await?)
}

#[utoipa::path(post, path = "/api/attachments/{id}/complete", operation_id = "complete_attachment", tag = "attachments", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 202, description = "checked by the media worker next (`processing`), or already finished", body = Attachment),
              (status = 401, body = ErrorBody),
              (status = 404, description = "`attachment_not_found` (also for anyone but the uploader)", body = ErrorBody),
              (status = 409, description = "`upload_incomplete`: no file, or not the declared size", body = ErrorBody),
              (status = 503, description = "`attachments_unavailable`", body = ErrorBody)))]
pub async fn complete_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    let attachment = uploads::complete(&ctx, me, attachment_id(&req)?).await?;
    HttpResponse::json(http::StatusCode::ACCEPTED, &attachment)
}

#[utoipa::path(get, path = "/api/attachments/{id}", operation_id = "get_attachment", tag = "attachments", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = AttachmentDownload),
              (status = 401, body = ErrorBody),
              (status = 404, description = "`attachment_not_found` (non-members; others' unsent ones; deleted messages')", body = ErrorBody),
              (status = 409, description = "`attachment_rejected`, `attachment_not_uploaded`", body = ErrorBody),
              (status = 503, description = "`attachments_unavailable`", body = ErrorBody)))]
pub async fn get_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&uploads::download(&ctx, me, attachment_id(&req)?).await?)
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
        worker::process(&ctx, job.attachment_id).await
    })
}

/// The scheduled sweep: uploads no message carries are removed after 24 hours, the files of
/// deleted messages that are left are removed, lost media jobs are queued again.
pub async fn sweep(ctx: Ctx) -> Result<serde_json::Value, ApiError> {
    let swept = cleanup::sweep(&ctx).await?;
    Ok(serde_json::to_value(swept).map_err(anyhow::Error::from)?)
}
