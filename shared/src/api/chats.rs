//! `/api/chats`: create, list, get, members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::api::messages::Message;
use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::domain::{ChatId, ChatKind, ChatTitle, MemberRole, UserId};
use crate::error::{ApiError, ErrorBody};
use crate::service::chats::{self, ChatDetails};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ChatMember {
    pub id: UserId,
    pub display_name: String,
    pub role: MemberRole,
    /// How far this member has read (for read receipts).
    pub last_read_seq: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Has a live connection now.
    pub online: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Chat {
    pub id: ChatId,
    pub kind: ChatKind,
    /// The group's title; for a direct chat, the other member's display name.
    pub title: String,
    pub members: Vec<ChatMember>,
    pub last_message: Option<Message>,
    /// The seq of the newest message (0 when there is none).
    pub last_seq: i64,
    /// Messages after my read marker that others sent (deleted ones not counted).
    pub unread_count: i64,
    /// My read marker.
    pub last_read_seq: i64,
    pub my_role: MemberRole,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

impl Chat {
    pub fn from_details(d: ChatDetails, me: AuthUser) -> Self {
        let title = match (&d.chat.kind, &d.chat.title) {
            (ChatKind::Group, Some(t)) => t.clone(),
            _ => d
                .members
                .iter()
                .find(|m| m.user_id != me.id)
                .map(|m| m.display_name.clone())
                .unwrap_or_default(),
        };
        Self {
            id: d.chat.id,
            kind: d.chat.kind,
            title,
            members: d
                .members
                .into_iter()
                .map(|m| ChatMember {
                    id: m.user_id,
                    display_name: m.display_name,
                    role: m.role,
                    last_read_seq: m.last_read_seq,
                    last_seen_at: m.last_seen_at,
                    online: m.online,
                })
                .collect(),
            last_message: d.chat.last_message.map(Message::from),
            last_seq: d.chat.last_seq,
            unread_count: d.chat.unread_count,
            last_read_seq: d.chat.my_last_read_seq,
            my_role: d.chat.my_role,
            created_at: d.chat.created_at,
            last_activity_at: d.chat.last_activity_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChatList {
    pub chats: Vec<Chat>,
}

/// `{"kind":"direct","member_ids":[other]}` or `{"kind":"group","title":"...","member_ids":[...]}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChat {
    pub kind: ChatKind,
    pub title: Option<String>,
    #[serde(default)]
    pub member_ids: Vec<UserId>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub user_id: UserId,
}

/// `POST /api/chats`: a direct chat (201, or 200 with the existing one) or a group (201).
pub async fn create(ctx: &Ctx, me: AuthUser, input: CreateChat) -> Result<(Chat, bool), ApiError> {
    match input.kind {
        ChatKind::Direct => {
            if input.title.is_some() {
                return Err(ApiError::invalid("a direct chat has no title"));
            }
            let [other] = input.member_ids[..] else {
                return Err(ApiError::invalid(
                    "a direct chat needs exactly one other member in member_ids",
                ));
            };
            let (details, created) = chats::open_direct(ctx, me, other).await?;
            Ok((Chat::from_details(details, me), created))
        }
        ChatKind::Group => {
            let title = ChatTitle::parse(input.title.as_deref().unwrap_or(""))?;
            let details = chats::create_group(ctx, me, title, input.member_ids).await?;
            Ok((Chat::from_details(details, me), true))
        }
    }
}

/// `GET /api/chats`: my chats, most recently active first.
pub async fn list(ctx: &Ctx, me: AuthUser) -> Result<ChatList, ApiError> {
    let all = chats::list(ctx, me).await?;
    Ok(ChatList {
        chats: all.into_iter().map(|d| Chat::from_details(d, me)).collect(),
    })
}

/// `GET /api/chats/{id}`.
pub async fn get(ctx: &Ctx, me: AuthUser, chat: ChatId) -> Result<Chat, ApiError> {
    Ok(Chat::from_details(chats::get(ctx, me, chat).await?, me))
}

/// `POST /api/chats/{id}/members`: the group's owner adds someone.
pub async fn add_member(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: AddMember,
) -> Result<(Chat, bool), ApiError> {
    let (details, added) = chats::add_member(ctx, me, chat, input.user_id).await?;
    Ok((Chat::from_details(details, me), added))
}

/// `DELETE /api/chats/{id}/members/{user_id}`: the owner removes anyone; a member leaves.
pub async fn remove_member(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    user: UserId,
) -> Result<(), ApiError> {
    chats::remove_member(ctx, me, chat, user).await
}

fn chat_id(req: &HttpRequest) -> Result<ChatId, ApiError> {
    req.path("id", "chat_not_found")
}

fn created_or_ok(chat: &Chat, created: bool) -> Result<HttpResponse, ApiError> {
    if created {
        HttpResponse::created(chat)
    } else {
        HttpResponse::ok(chat)
    }
}

#[utoipa::path(post, path = "/api/chats", tag = "chats", security(("bearer" = [])),
    request_body = CreateChat,
    responses((status = 201, body = Chat), (status = 200, description = "the existing direct chat", body = Chat),
              (status = 400, description = "`invalid_request`, `invalid_title`, `cannot_chat_with_self`, `unknown_user`, `too_many_members`", body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn create_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let (chat, created) = create(&ctx, me, req.json()?).await?;
    created_or_ok(&chat, created)
}

#[utoipa::path(get, path = "/api/chats", tag = "chats", security(("bearer" = [])),
    responses((status = 200, body = ChatList), (status = 401, body = ErrorBody)))]
pub async fn list_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    HttpResponse::ok(&list(&ctx, me).await?)
}

#[utoipa::path(get, path = "/api/chats/{id}", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Chat), (status = 401, body = ErrorBody),
              (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn get_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    HttpResponse::ok(&get(&ctx, me, chat_id(&req)?).await?)
}

#[utoipa::path(post, path = "/api/chats/{id}/members", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = AddMember,
    responses((status = 201, body = Chat), (status = 200, description = "already a member", body = Chat),
              (status = 400, description = "`unknown_user`", body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_chat_owner`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`", body = ErrorBody),
              (status = 409, description = "`direct_chat_members_fixed`, `chat_full`", body = ErrorBody)))]
pub async fn add_member_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let (chat, added) = add_member(&ctx, me, chat_id(&req)?, req.json()?).await?;
    created_or_ok(&chat, added)
}

#[utoipa::path(delete, path = "/api/chats/{id}/members/{user_id}", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("user_id" = String, Path, format = Uuid)),
    responses((status = 204, description = "removed"), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_chat_owner`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`, `member_not_found`", body = ErrorBody),
              (status = 409, description = "`direct_chat_members_fixed`", body = ErrorBody)))]
pub async fn remove_member_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx)?;
    let chat = chat_id(&req)?;
    let user = req.path("user_id", "member_not_found")?;
    remove_member(&ctx, me, chat, user).await?;
    Ok(HttpResponse::no_content())
}
