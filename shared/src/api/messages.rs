//! `/api/chats/{id}/messages` and `/api/chats/{id}/read`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::api::attachments::MessageAttachment;
use crate::api::events::ServerEvent;
use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::domain::{ChatId, MessageBody, MessageId, UserId};
use crate::error::{ApiError, ErrorBody};
use crate::repo::messages::MessageRow;
use crate::service::messages::{self, NewMessage, SendOutcome};
use crate::service::realtime;

/// A stored message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub chat_id: ChatId,
    /// Position in the chat: 1, 2, 3, ... the same order for everyone.
    pub seq: i64,
    pub sender_id: UserId,
    pub client_message_id: Uuid,
    /// Empty when deleted.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// In the order they were sent; none for a deleted message.
    pub attachments: Vec<MessageAttachment>,
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

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// A UUID the client makes per message; sending it again returns the stored message.
    pub client_message_id: Uuid,
    /// May be empty when the message carries attachments.
    #[serde(default)]
    pub body: String,
    /// Up to 10 completed uploads of the sender in this chat, in the order to show them.
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessage {
    pub body: String,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// Messages older than this seq (the page just before it).
    pub before_seq: Option<i64>,
    /// Messages newer than this seq (catching up after a reconnect).
    pub after_seq: Option<i64>,
    /// 1..=100, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MessagePage {
    /// Ascending by seq.
    pub messages: Vec<Message>,
    /// More messages lie beyond this page in the direction of paging (older, or newer with
    /// `after_seq`).
    pub has_more: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    pub seq: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReadMarker {
    pub chat_id: ChatId,
    pub last_read_seq: i64,
}

/// Validates a send request; shared with the WebSocket `send_message`. The body may be empty
/// only when attachments come with it.
pub fn parse_send(input: SendMessage) -> Result<NewMessage, ApiError> {
    let body = if input.attachment_ids.is_empty() {
        MessageBody::parse(&input.body)?
    } else {
        MessageBody::parse_or_empty(&input.body)?
    };
    Ok(NewMessage {
        client_message_id: input.client_message_id,
        body,
        attachment_ids: input.attachment_ids,
    })
}

/// `POST /api/chats/{id}/messages`: stores a message (201), or returns the original when the
/// `client_message_id` was already used (200).
pub async fn send(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: SendMessage,
) -> Result<SendOutcome, ApiError> {
    let outcome = messages::send(ctx, me, chat, parse_send(input)?).await?;
    if outcome.created {
        announce_new(ctx, &outcome.message.clone().into(), None).await;
    }
    Ok(outcome)
}

/// Everything that follows a newly stored message, for REST and WebSocket sends alike:
/// `new_message` to every member's connections (but `except`, the sending one, which gets
/// `message_sent` instead), then e-mail jobs for the members who are away.
pub async fn announce_new(ctx: &Ctx, message: &Message, except: Option<&str>) {
    let event = ServerEvent::NewMessage {
        message: message.clone(),
    };
    realtime::to_chat(ctx, message.chat_id, except, &event).await;
    crate::service::notifications::message_stored(
        ctx,
        message.chat_id,
        message.sender_id,
        message.seq,
    )
    .await;
}

/// `GET /api/chats/{id}/messages`: a page of history.
pub async fn history(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    params: HistoryParams,
) -> Result<MessagePage, ApiError> {
    let q = messages::page_query(params.before_seq, params.after_seq, params.limit)?;
    let (rows, has_more) = messages::history(ctx, me, chat, q).await?;
    Ok(MessagePage {
        messages: rows.into_iter().map(Message::from).collect(),
        has_more,
    })
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
    let message = Message::from(messages::edit(ctx, me, chat, id, body).await?);
    notify_updated(ctx, &message).await;
    Ok(message)
}

async fn notify_updated(ctx: &Ctx, message: &Message) {
    let event = ServerEvent::MessageUpdated {
        message: message.clone(),
    };
    realtime::to_chat(ctx, message.chat_id, None, &event).await;
}

/// `DELETE /api/chats/{id}/messages/{message_id}`: the sender deletes; the seq stays.
pub async fn delete(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
) -> Result<Message, ApiError> {
    let message = Message::from(messages::delete(ctx, me, chat, id).await?);
    notify_updated(ctx, &message).await;
    Ok(message)
}

/// `POST /api/chats/{id}/read`: moves my read marker forward.
pub async fn mark_read(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: MarkRead,
) -> Result<ReadMarker, ApiError> {
    let last_read_seq = messages::mark_read_and_notify(ctx, me, chat, input.seq).await?;
    Ok(ReadMarker {
        chat_id: chat,
        last_read_seq,
    })
}

fn chat_id(req: &HttpRequest) -> Result<ChatId, ApiError> {
    req.path("id", "chat_not_found")
}

fn message_id(req: &HttpRequest) -> Result<MessageId, ApiError> {
    req.path("message_id", "message_not_found")
}

#[utoipa::path(get, path = "/api/chats/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), HistoryParams),
    responses((status = 200, body = MessagePage),
              (status = 400, description = "`invalid_limit`, `invalid_cursor`, `invalid_request`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn history_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    HttpResponse::ok(&history(&ctx, me, chat_id(&req)?, req.query()?).await?)
}

#[utoipa::path(post, path = "/api/chats/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = SendMessage,
    responses((status = 201, body = Message), (status = 200, description = "a retry: the original message", body = Message),
              (status = 400, description = "`invalid_body`, `invalid_request`, `too_many_attachments`, `unknown_attachment`, `attachment_not_uploaded`, `attachment_rejected`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody),
              (status = 409, description = "`client_message_id_reused`, `attachment_already_sent`", body = ErrorBody)))]
pub async fn send_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let outcome = send(&ctx, me, chat_id(&req)?, req.json()?).await?;
    let message = Message::from(outcome.message);
    if outcome.created {
        HttpResponse::created(&message)
    } else {
        HttpResponse::ok(&message)
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
    let me = req.auth(&ctx)?;
    let (chat, id) = (chat_id(&req)?, message_id(&req)?);
    HttpResponse::ok(&edit(&ctx, me, chat, id, req.json()?).await?)
}

#[utoipa::path(delete, path = "/api/chats/{id}/messages/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("message_id" = String, Path, format = Uuid)),
    responses((status = 200, description = "the deleted message", body = Message), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_message_sender`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`, `message_not_found`", body = ErrorBody)))]
pub async fn delete_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let (chat, id) = (chat_id(&req)?, message_id(&req)?);
    HttpResponse::ok(&delete(&ctx, me, chat, id).await?)
}

#[utoipa::path(post, path = "/api/chats/{id}/read", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = MarkRead,
    responses((status = 200, body = ReadMarker), (status = 400, description = "`invalid_seq`", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn mark_read_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    HttpResponse::ok(&mark_read(&ctx, me, chat_id(&req)?, req.json()?).await?)
}
