//! `/api/chats/{id}/messages` and `/api/chats/{id}/read`.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::contract::messages::{
    EditMessage, HistoryParams, MarkRead, MessagePage, ReadMarker, SendMessage,
};
use crate::contract::{ChatId, ErrorBody, ErrorCode, Message, MessageId};
use crate::ctx::Ctx;
use crate::domain::MessageBody;
use crate::error::ApiError;
use crate::service::limits::{self, Limit};
use crate::service::messages::{self, Reader};
use crate::service::sending::{self, NewMessage, Origin, SendOutcome};

/// `POST /api/chats/{id}/messages`: stores a message (201), or returns the original when the
/// `client_message_id` was already used (200).
pub async fn send(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: SendMessage,
) -> Result<SendOutcome, ApiError> {
    sending::send(ctx, Origin::Rest(me), chat, NewMessage::parse(input)?).await
}

/// `GET /api/chats/{id}/messages`: a page of history.
pub async fn history(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    params: HistoryParams,
) -> Result<MessagePage, ApiError> {
    let q = messages::page_query(params.before_seq, params.after_seq, params.limit)?;
    messages::history(ctx, me, chat, q).await
}

/// `PATCH /api/chats/{id}/messages/{message_id}`: the sender edits; the seq stays.
pub async fn edit(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
    input: EditMessage,
) -> Result<Message, ApiError> {
    let body = MessageBody::parse(&input.body)?;
    limits::take(ctx, Limit::Edit(me.id)).await?;
    messages::edit(ctx, me, chat, id, body).await
}

/// `DELETE /api/chats/{id}/messages/{message_id}`: the sender deletes; the seq stays.
pub async fn delete(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
) -> Result<Message, ApiError> {
    limits::take(ctx, Limit::Edit(me.id)).await?;
    messages::delete(ctx, me, chat, id).await
}

/// `POST /api/chats/{id}/read`: moves my read marker forward.
pub async fn mark_read(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: MarkRead,
) -> Result<ReadMarker, ApiError> {
    messages::mark_read(ctx, Reader::User(me), chat, input.seq).await
}

fn chat_id(req: &HttpRequest) -> Result<ChatId, ApiError> {
    req.path("id", ErrorCode::ChatNotFound)
}

fn message_id(req: &HttpRequest) -> Result<MessageId, ApiError> {
    req.path("message_id", ErrorCode::MessageNotFound)
}

#[utoipa::path(get, path = "/api/chats/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), HistoryParams),
    responses((status = 200, body = MessagePage),
              (status = 400, description = "`invalid_limit`, `invalid_cursor`, `invalid_request`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn history_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&history(&ctx, me, chat_id(&req)?, req.query()?).await?)
}

#[utoipa::path(post, path = "/api/chats/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = SendMessage,
    responses((status = 201, body = Message), (status = 200, description = "a retry: the original message", body = Message),
              (status = 400, description = "`invalid_body`, `invalid_request`, `too_many_attachments`, `unknown_attachment`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody),
              (status = 409, description = "`client_message_id_reused`, `attachment_already_sent`, `attachment_not_uploaded`, `attachment_rejected`", body = ErrorBody)))]
pub async fn send_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    let outcome = send(&ctx, me, chat_id(&req)?, req.json()?).await?;
    if outcome.created {
        HttpResponse::created(&outcome.message)
    } else {
        HttpResponse::ok(&outcome.message)
    }
}

#[utoipa::path(patch, path = "/api/chats/{id}/messages/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("message_id" = String, Path, format = Uuid)),
    request_body = EditMessage,
    responses((status = 200, body = Message), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_message_sender`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`, `message_not_found`", body = ErrorBody),
              (status = 409, description = "`message_deleted`", body = ErrorBody)))]
pub async fn edit_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    let (chat, id) = (chat_id(&req)?, message_id(&req)?);
    HttpResponse::ok(&edit(&ctx, me, chat, id, req.json()?).await?)
}

#[utoipa::path(delete, path = "/api/chats/{id}/messages/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("message_id" = String, Path, format = Uuid)),
    responses((status = 200, description = "the deleted message", body = Message), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_message_sender`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`, `message_not_found`", body = ErrorBody)))]
pub async fn delete_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    let (chat, id) = (chat_id(&req)?, message_id(&req)?);
    HttpResponse::ok(&delete(&ctx, me, chat, id).await?)
}

#[utoipa::path(post, path = "/api/chats/{id}/read", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = MarkRead,
    responses((status = 200, body = ReadMarker), (status = 400, description = "`invalid_seq`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn mark_read_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&mark_read(&ctx, me, chat_id(&req)?, req.json()?).await?)
}
