//! `/api/chats`: create, list, get, members.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::contract::chats::{
    AddMember, AnswerRequest, ChatList, ChatListParams, CreateChat, MemberListParams, MemberPage,
};
use crate::contract::{Chat, ChatId, ChatKind, ErrorBody, ErrorCode, UserId};
use crate::ctx::Ctx;
use crate::domain::ChatTitle;
use crate::error::ApiError;
use crate::service::chats;
use crate::service::limits::{self, Limit};

/// `POST /api/chats`: a direct chat (201, or 200 with the existing one) or a group (201).
pub async fn create(ctx: &Ctx, me: AuthUser, input: CreateChat) -> Result<(Chat, bool), ApiError> {
    let mut checks = vec![Limit::NewChat(me.id)];
    if input.kind == ChatKind::Group {
        checks.push(Limit::MemberAdd(me.id, input.member_ids.len()));
    }
    limits::take_all(ctx, &checks).await?;
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
            chats::open_direct(ctx, me, other).await
        }
        ChatKind::Group => {
            let title = ChatTitle::parse(input.title.as_deref().unwrap_or(""))?;
            Ok((
                chats::create_group(ctx, me, title, input.member_ids).await?,
                true,
            ))
        }
    }
}

/// `GET /api/chats?limit=&cursor=`: a page of my chats, most recently active first, each
/// with at most its first 20 members.
pub async fn list(ctx: &Ctx, me: AuthUser, params: ChatListParams) -> Result<ChatList, ApiError> {
    chats::list(ctx, me, params.limit, params.cursor.as_deref()).await
}

/// `GET /api/chats/{id}`.
pub async fn get(ctx: &Ctx, me: AuthUser, chat: ChatId) -> Result<Chat, ApiError> {
    chats::get(ctx, me, chat).await
}

/// `GET /api/chats/{id}/members?limit=&cursor=`: a page of the chat's members.
pub async fn members(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    params: MemberListParams,
) -> Result<MemberPage, ApiError> {
    crate::service::members::page(ctx, me, chat, params.limit, params.cursor.as_deref()).await
}

/// `POST /api/chats/{id}/members`: the group's owner adds someone.
pub async fn add_member(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: AddMember,
) -> Result<(Chat, bool), ApiError> {
    limits::take(ctx, Limit::MemberAdd(me.id, 1)).await?;
    chats::add_member(ctx, me, chat, input.user_id).await
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

/// `POST /api/chats/{id}/request`: I accept (the chat, 200) or decline (204) a chat request.
pub async fn answer_request(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    input: AnswerRequest,
) -> Result<Option<Chat>, ApiError> {
    match crate::service::requests::answer(ctx, me, chat, input.accept).await? {
        true => Ok(Some(chats::get(ctx, me, chat).await?)),
        false => Ok(None),
    }
}

fn chat_id(req: &HttpRequest) -> Result<ChatId, ApiError> {
    req.path("id", ErrorCode::ChatNotFound)
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
    let me = req.auth(&ctx).await?;
    let (chat, created) = create(&ctx, me, req.json()?).await?;
    created_or_ok(&chat, created)
}

#[utoipa::path(get, path = "/api/chats", tag = "chats", security(("bearer" = [])),
    params(ChatListParams),
    responses((status = 200, body = ChatList),
              (status = 400, description = "`invalid_limit`, `invalid_cursor`, `invalid_request`", body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn list_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&list(&ctx, me, req.query()?).await?)
}

#[utoipa::path(get, path = "/api/chats/{id}", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Chat), (status = 401, body = ErrorBody),
              (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn get_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&get(&ctx, me, chat_id(&req)?).await?)
}

#[utoipa::path(get, path = "/api/chats/{id}/members", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), MemberListParams),
    responses((status = 200, body = MemberPage),
              (status = 400, description = "`invalid_limit`, `invalid_cursor`, `invalid_request`", body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 403, description = "`chat_request_pending`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`", body = ErrorBody)))]
pub async fn members_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&members(&ctx, me, chat_id(&req)?, req.query()?).await?)
}

#[utoipa::path(post, path = "/api/chats/{id}/members", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = AddMember,
    responses((status = 201, body = Chat), (status = 200, description = "already a member", body = Chat),
              (status = 400, description = "`unknown_user`", body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_chat_owner`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`", body = ErrorBody),
              (status = 409, description = "`direct_chat_members_fixed`, `chat_full`", body = ErrorBody)))]
pub async fn add_member_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    let (chat, added) = add_member(&ctx, me, chat_id(&req)?, req.json()?).await?;
    created_or_ok(&chat, added)
}

#[utoipa::path(post, path = "/api/chats/{id}/request", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = AnswerRequest,
    responses((status = 200, description = "accepted: I am a member", body = Chat),
              (status = 204, description = "declined"),
              (status = 400, description = "`invalid_request`", body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, description = "`chat_not_found`; `chat_request_not_found` (declining a chat I am a member of)", body = ErrorBody)))]
pub async fn answer_request_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    match answer_request(&ctx, me, chat_id(&req)?, req.json()?).await? {
        Some(chat) => HttpResponse::ok(&chat),
        None => Ok(HttpResponse::no_content()),
    }
}

#[utoipa::path(delete, path = "/api/chats/{id}/members/{user_id}", tag = "chats", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("user_id" = String, Path, format = Uuid)),
    responses((status = 204, description = "removed"), (status = 401, body = ErrorBody),
              (status = 403, description = "`not_chat_owner`", body = ErrorBody),
              (status = 404, description = "`chat_not_found`, `member_not_found`", body = ErrorBody),
              (status = 409, description = "`direct_chat_members_fixed`", body = ErrorBody)))]
pub async fn remove_member_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    let chat = chat_id(&req)?;
    let user = req.path("user_id", ErrorCode::MemberNotFound)?;
    remove_member(&ctx, me, chat, user).await?;
    Ok(HttpResponse::no_content())
}
