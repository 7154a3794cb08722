//! Chats: creation (one direct chat per pair, safe under concurrency), membership rules,
//! and the member check every chat route starts with.

use std::collections::BTreeSet;

use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::domain::{ChatId, ChatKind, ChatTitle, MemberRole, UserId};
use crate::error::ApiError;
use crate::repo::chats::{self, ChatRow, MemberRow, Membership};
use crate::repo::{GenericClient, users};

/// Most members a group chat can have, its owner included.
pub const MAX_GROUP_MEMBERS: usize = 500;

/// A chat as its member sees it, with all its members.
#[derive(Debug, Clone)]
pub struct ChatDetails {
    pub chat: ChatRow,
    pub members: Vec<MemberRow>,
}

pub fn chat_not_found() -> ApiError {
    ApiError::not_found("chat_not_found", "chat not found")
}

/// The caller's membership, or 404 `chat_not_found`: a non-member learns nothing about
/// whether the chat exists.
pub async fn require_member(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<Membership, ApiError> {
    chats::membership(db, chat, user)
        .await?
        .ok_or_else(chat_not_found)
}

async fn require_known(db: &impl GenericClient, ids: &[UserId]) -> Result<(), ApiError> {
    let unknown = users::unknown_ids(db, ids).await?;
    if unknown.is_empty() {
        return Ok(());
    }
    let list = unknown
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Err(ApiError::bad_request(
        "unknown_user",
        format!("no such user: {list}"),
    ))
}

/// The direct chat between the caller and `other`, created if it does not exist yet.
/// Returns whether it was created.
pub async fn open_direct(
    ctx: &Ctx,
    me: AuthUser,
    other: UserId,
) -> Result<(ChatDetails, bool), ApiError> {
    if other == me.id {
        return Err(ApiError::bad_request(
            "cannot_chat_with_self",
            "a direct chat needs another user",
        ));
    }
    let (a, b) = if me.id < other {
        (me.id, other)
    } else {
        (other, me.id)
    };
    let key = format!("{a}:{b}");
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    require_known(&tx, &[other]).await?;
    let id = ChatId::new();
    // ON CONFLICT DO NOTHING on the unique key: a concurrent creator waits for the first
    // transaction and then finds its chat.
    let created = chats::insert_direct(&tx, id, me.id, &key).await?;
    let chat_id = if created {
        chats::add_members(
            &tx,
            id,
            &[(me.id, MemberRole::Member), (other, MemberRole::Member)],
        )
        .await?;
        id
    } else {
        chats::find_direct(&tx, &key)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("direct chat vanished")))?
    };
    tx.commit().await?;
    Ok((details(&db, me, chat_id).await?, created))
}

pub async fn create_group(
    ctx: &Ctx,
    me: AuthUser,
    title: ChatTitle,
    member_ids: Vec<UserId>,
) -> Result<ChatDetails, ApiError> {
    let others: BTreeSet<UserId> = member_ids.into_iter().filter(|u| *u != me.id).collect();
    if others.len() + 1 > MAX_GROUP_MEMBERS {
        return Err(ApiError::bad_request(
            "too_many_members",
            format!("a group has at most {MAX_GROUP_MEMBERS} members"),
        ));
    }
    let others: Vec<UserId> = others.into_iter().collect();
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    require_known(&tx, &others).await?;
    let id = ChatId::new();
    chats::insert_group(&tx, id, me.id, title.as_str()).await?;
    let mut members = vec![(me.id, MemberRole::Owner)];
    members.extend(others.iter().map(|u| (*u, MemberRole::Member)));
    chats::add_members(&tx, id, &members).await?;
    tx.commit().await?;
    details(&db, me, id).await
}

/// Every chat of the caller with members: two queries, however many chats.
pub async fn list(ctx: &Ctx, me: AuthUser) -> Result<Vec<ChatDetails>, ApiError> {
    let db = ctx.db.get().await?;
    let rows = chats::for_member(&db, me.id, None).await?;
    attach_members(&db, rows).await
}

pub async fn get(ctx: &Ctx, me: AuthUser, chat: ChatId) -> Result<ChatDetails, ApiError> {
    let db = ctx.db.get().await?;
    details(&db, me, chat).await
}

async fn details(
    db: &impl GenericClient,
    me: AuthUser,
    chat: ChatId,
) -> Result<ChatDetails, ApiError> {
    let rows = chats::for_member(db, me.id, Some(chat)).await?;
    attach_members(db, rows)
        .await?
        .pop()
        .ok_or_else(chat_not_found)
}

async fn attach_members(
    db: &impl GenericClient,
    mut rows: Vec<ChatRow>,
) -> Result<Vec<ChatDetails>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // The last messages' attachments, one query for all chats (a preview of a message of
    // attachments only names them).
    let (slots, mut last): (Vec<usize>, Vec<_>) = rows
        .iter_mut()
        .enumerate()
        .filter_map(|(i, c)| c.last_message.take().map(|m| (i, m)))
        .unzip();
    crate::service::attachments::fill(db, &mut last).await?;
    for (i, message) in slots.into_iter().zip(last) {
        rows[i].last_message = Some(message);
    }
    let ids: Vec<ChatId> = rows.iter().map(|c| c.id).collect();
    let mut by_chat: std::collections::HashMap<ChatId, Vec<MemberRow>> =
        std::collections::HashMap::new();
    for m in chats::members_of(db, &ids).await? {
        by_chat.entry(m.chat_id).or_default().push(m);
    }
    Ok(rows
        .into_iter()
        .map(|chat| ChatDetails {
            members: by_chat.remove(&chat.id).unwrap_or_default(),
            chat,
        })
        .collect())
}

fn require_group(m: &Membership) -> Result<(), ApiError> {
    if m.kind == ChatKind::Direct {
        return Err(ApiError::conflict(
            "direct_chat_members_fixed",
            "the members of a direct chat cannot change",
        ));
    }
    Ok(())
}

/// Adds `user` to a group chat (owner only). Returns whether they were added (false when
/// already a member).
pub async fn add_member(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    user: UserId,
) -> Result<(ChatDetails, bool), ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let mine = require_member(&tx, chat, me.id).await?;
    require_group(&mine)?;
    if mine.role != MemberRole::Owner {
        return Err(ApiError::forbidden(
            "not_chat_owner",
            "only the chat's owner can add members",
        ));
    }
    require_known(&tx, &[user]).await?;
    if chats::membership(&tx, chat, user).await?.is_none()
        && chats::member_count(&tx, chat).await? >= MAX_GROUP_MEMBERS as i64
    {
        return Err(ApiError::conflict(
            "chat_full",
            format!("a group has at most {MAX_GROUP_MEMBERS} members"),
        ));
    }
    let added = chats::add_members(&tx, chat, &[(user, MemberRole::Member)]).await? == 1;
    tx.commit().await?;
    Ok((details(&db, me, chat).await?, added))
}

/// Removes `user` from a group chat: the owner removes anyone, a member removes only
/// themself (leaving). When the owner leaves, the longest-standing member becomes owner.
pub async fn remove_member(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    user: UserId,
) -> Result<(), ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let mine = require_member(&tx, chat, me.id).await?;
    require_group(&mine)?;
    if user != me.id && mine.role != MemberRole::Owner {
        return Err(ApiError::forbidden(
            "not_chat_owner",
            "only the chat's owner can remove other members",
        ));
    }
    if !chats::remove_member(&tx, chat, user).await? {
        return Err(ApiError::not_found(
            "member_not_found",
            "that user is not a member of this chat",
        ));
    }
    chats::ensure_owner(&tx, chat).await?;
    tx.commit().await?;
    Ok(())
}
