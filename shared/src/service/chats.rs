//! Chats: creation (one direct chat per pair, safe under concurrency), listing, and
//! membership changes, which are announced (`service::announce`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::auth::AuthUser;
use crate::contract::chats::{ChatList, ChatRequest};
use crate::contract::{Chat, ChatId, ChatKind, ChatMember, ErrorCode, MemberRole, Message, UserId};
use crate::ctx::Ctx;
use crate::domain::ChatTitle;
use crate::error::ApiError;
use crate::repo::chats::{self, ChatRow, MemberRow, Membership, Which};
use crate::repo::{GenericClient, blocks, users};
use crate::service::access::{chat_not_found, require_member};
use crate::service::announce::{Change, Known};
use crate::service::audit::{self, Entry};
use crate::service::blocks::{require_not_blocked_by, unavailable};
use crate::service::{outbox, requests};

/// Most members a group chat can have, its owner included.
pub const MAX_GROUP_MEMBERS: usize = 500;

/// A chat as its member sees it, with all its members.
#[derive(Debug, Clone)]
struct ChatDetails {
    pub chat: ChatRow,
    pub members: Vec<MemberRow>,
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
    Err(ApiError::new(
        ErrorCode::UnknownUser,
        format!("no such user: {list}"),
    ))
}

impl ChatDetails {
    /// The chat as `me` sees it: a direct chat is titled with the other member's name.
    fn into_wire(mut self, me: AuthUser) -> Chat {
        // A request shows who asked, and nothing of who else is in the chat.
        let request = self.chat.request.take();
        if let Some((from, _, _)) = &request {
            self.members
                .retain(|m| m.user_id == *from || m.user_id == me.id);
        }
        let title = match (&self.chat.kind, &self.chat.title) {
            (ChatKind::Group, Some(t)) => t.clone(),
            _ => self
                .members
                .iter()
                .find(|m| m.user_id != me.id)
                .map(|m| m.display_name.clone())
                .unwrap_or_default(),
        };
        Chat {
            id: self.chat.id,
            kind: self.chat.kind,
            title,
            members: self.members.into_iter().map(ChatMember::from).collect(),
            member_count: self.chat.member_count,
            last_message: self.chat.last_message.map(Message::from),
            last_seq: self.chat.last_seq,
            unread_count: self.chat.unread_count,
            last_read_seq: self.chat.my_last_read_seq,
            my_role: self.chat.my_role,
            created_at: self.chat.created_at,
            last_activity_at: self.chat.last_activity_at,
            request: request.map(|(from, from_name, created_at)| ChatRequest {
                from,
                from_name,
                created_at,
            }),
        }
    }
}

/// The direct chat between the caller and `other`, created if it does not exist yet.
/// Returns whether it was created.
pub async fn open_direct(ctx: &Ctx, me: AuthUser, other: UserId) -> Result<(Chat, bool), ApiError> {
    if other == me.id {
        return Err(ApiError::new(
            ErrorCode::CannotChatWithSelf,
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
    if blocks::between(&tx, me.id, other).await? {
        // A block (either way) refuses a new direct chat; one that exists stays readable.
        let existing = chats::find_direct(&tx, &key)
            .await?
            .ok_or_else(unavailable)?;
        tx.commit().await?;
        return Ok((details(&db, me, existing).await?.into_wire(me), false));
    }
    let id = ChatId::new();
    // ON CONFLICT DO NOTHING on the unique key: a concurrent creator waits for the first
    // transaction and then finds its chat.
    let created = chats::insert_direct(&tx, id, me.id, &key).await?;
    let mut announce = None;
    let chat_id = if created {
        let (known, _) = requests::sort(&tx, me.id, &[other]).await?;
        match known.is_empty() {
            // A stranger is asked: only the one who asks is a member yet.
            true => {
                chats::add_members(&tx, id, &[(me.id, MemberRole::Member)]).await?;
                announce = requests::ask(ctx, &tx, id, me.id, &[other]).await?;
            }
            false => {
                let both = [(me.id, MemberRole::Member), (other, MemberRole::Member)];
                chats::add_members(&tx, id, &both).await?;
            }
        }
        id
    } else {
        let existing = chats::find_direct(&tx, &key)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("direct chat vanished")))?;
        // The chat's row first, as answering a request takes it (`requests::answer`): an open
        // and an accept of the same request otherwise took the request's row and the chat's
        // in opposite orders (the member's insert checks its chat) and deadlocked.
        chats::lock(&tx, existing).await?;
        // The other asked me (I may have declined): opening the chat myself accepts.
        if chats::membership(&tx, existing, me.id).await?.is_none() {
            let change = requests::join(&tx, existing, me.id).await?;
            announce = Some((outbox::record(ctx, &tx, &change).await?, change));
        }
        existing
    };
    tx.commit().await?;
    drop(db);
    if let Some((id, change)) = announce {
        outbox::announce_recorded(ctx, id, &change, Known::default()).await;
    }
    Ok((get(ctx, me, chat_id).await?, created))
}

pub async fn create_group(
    ctx: &Ctx,
    me: AuthUser,
    title: ChatTitle,
    member_ids: Vec<UserId>,
) -> Result<Chat, ApiError> {
    let others: BTreeSet<UserId> = member_ids.into_iter().filter(|u| *u != me.id).collect();
    if others.len() + 1 > MAX_GROUP_MEMBERS {
        return Err(ApiError::new(
            ErrorCode::TooManyMembers,
            format!("a group has at most {MAX_GROUP_MEMBERS} members"),
        ));
    }
    let others: Vec<UserId> = others.into_iter().collect();
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    require_known(&tx, &others).await?;
    require_not_blocked_by(&tx, me.id, &others).await?;
    let id = ChatId::new();
    chats::insert_group(&tx, id, me.id, title.as_str()).await?;
    // Those I share no chat with are asked; the others are in at once.
    let (known, strangers) = requests::sort(&tx, me.id, &others).await?;
    let mut members = vec![(me.id, MemberRole::Owner)];
    members.extend(known.iter().map(|u| (*u, MemberRole::Member)));
    chats::add_members(&tx, id, &members).await?;
    let asked = requests::ask(ctx, &tx, id, me.id, &strangers).await?;
    tx.commit().await?;
    drop(db);
    if let Some((outbox_id, change)) = asked {
        outbox::announce_recorded(ctx, outbox_id, &change, Known::default()).await;
    }
    get(ctx, me, id).await
}

/// Chats per page of `GET /api/chats` unless asked otherwise, and the most.
pub const DEFAULT_CHAT_PAGE: i64 = 50;
pub const MAX_CHAT_PAGE: i64 = 100;
/// Members of a group that `GET /api/chats` embeds (a 500-member group embedded whole costs
/// ~72 KB per chat, and a Lambda answer is at most 6 MB): the rest come with the chat itself.
pub const LISTED_MEMBERS: i64 = 20;

/// A page of the caller's chats with their first members, most recently active first: three
/// queries, however many chats.
pub async fn list(
    ctx: &Ctx,
    me: AuthUser,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<ChatList, ApiError> {
    let limit = crate::service::messages::page_limit(limit, DEFAULT_CHAT_PAGE, MAX_CHAT_PAGE)?;
    let after = cursor.map(parse_cursor).transpose()?;
    let db = ctx.db.get().await?;
    // One more than asked tells whether another page follows.
    let which = Which::Page {
        after,
        limit: limit + 1,
    };
    let mut rows = chats::for_member(&db, me.id, which).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = match more {
        true => rows.last().map(|c| cursor_of(c.last_activity_at, c.id)),
        false => None,
    };
    let all = attach_members(&db, me, rows, Some(LISTED_MEMBERS)).await?;
    Ok(ChatList {
        chats: all.into_iter().map(|d| d.into_wire(me)).collect(),
        next_cursor,
    })
}

/// A list cursor: the last chat's activity time and id.
fn cursor_of(at: DateTime<Utc>, id: ChatId) -> String {
    crate::service::cursor::encode(at, id.0)
}

fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, ChatId), ApiError> {
    let (at, id) = crate::service::cursor::decode(cursor)?;
    Ok((at, ChatId(id)))
}

pub async fn get(ctx: &Ctx, me: AuthUser, chat: ChatId) -> Result<Chat, ApiError> {
    let db = ctx.db.get().await?;
    Ok(details(&db, me, chat).await?.into_wire(me))
}

async fn details(
    db: &impl GenericClient,
    me: AuthUser,
    chat: ChatId,
) -> Result<ChatDetails, ApiError> {
    let rows = chats::for_member(db, me.id, Which::One(chat)).await?;
    attach_members(db, me, rows, None)
        .await?
        .pop()
        .ok_or_else(chat_not_found)
}

async fn attach_members(
    db: &impl GenericClient,
    me: AuthUser,
    mut rows: Vec<ChatRow>,
    per_chat: Option<i64>,
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
    crate::repo::messages::fill_attachments(db, &mut last).await?;
    for (i, message) in slots.into_iter().zip(last) {
        rows[i].last_message = Some(message);
    }
    let ids: Vec<ChatId> = rows.iter().map(|c| c.id).collect();
    let mut by_chat: std::collections::HashMap<ChatId, Vec<MemberRow>> =
        std::collections::HashMap::new();
    for m in chats::members_of(db, &ids, Some(me.id), per_chat, None).await? {
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
        return Err(ApiError::new(
            ErrorCode::DirectChatMembersFixed,
            "the members of a direct chat cannot change",
        ));
    }
    Ok(())
}

/// Adds `user` to a group chat (owner only) and announces it. Returns the chat and whether
/// they were added (false when already a member).
pub async fn add_member(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    user: UserId,
) -> Result<(Chat, bool), ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let mine = require_member(&tx, chat, me.id).await?;
    require_group(&mine)?;
    if mine.role != MemberRole::Owner {
        return Err(ApiError::new(
            ErrorCode::NotChatOwner,
            "only the chat's owner can add members",
        ));
    }
    require_known(&tx, &[user]).await?;
    require_not_blocked_by(&tx, me.id, &[user]).await?;
    // Under the chat's row lock the count below stays true until commit.
    chats::lock(&tx, chat).await?;
    if chats::membership(&tx, chat, user).await?.is_some() {
        tx.commit().await?;
        drop(db);
        return Ok((get(ctx, me, chat).await?, false));
    }
    // A pending request holds a seat.
    let seats = chats::member_count(&tx, chat).await?
        + crate::repo::requests::pending_count(&tx, chat).await?;
    if seats >= MAX_GROUP_MEMBERS as i64
        && crate::repo::requests::find(&tx, chat, user)
            .await?
            .is_none()
    {
        return Err(ApiError::new(
            ErrorCode::ChatFull,
            format!("a group has at most {MAX_GROUP_MEMBERS} members"),
        ));
    }
    let (known, _) = requests::sort(&tx, me.id, &[user]).await?;
    if known.is_empty() {
        // A stranger is asked; asked before (or declined), nothing changes.
        let asked = requests::ask(ctx, &tx, chat, me.id, &[user]).await?;
        tx.commit().await?;
        drop(db);
        let newly = asked.is_some();
        if let Some((id, change)) = asked {
            outbox::announce_recorded(ctx, id, &change, Known::default()).await;
        }
        return Ok((get(ctx, me, chat).await?, newly));
    }
    // Someone I share a chat with joins at once (any old request of theirs ends).
    crate::repo::requests::remove(&tx, chat, user).await?;
    chats::add_members(&tx, chat, &[(user, MemberRole::Member)]).await?;
    let change = Change::MemberAdded {
        chat_id: chat,
        user_id: user,
    };
    let entry = Entry::new("member_added").actor(me.id).target(user);
    audit::record_in(&tx, entry.chat(chat)).await?;
    let id = outbox::record(ctx, &tx, &change).await?;
    tx.commit().await?;
    let details = details(&db, me, chat).await?;
    drop(db);
    let known = Known {
        member: details
            .members
            .iter()
            .find(|m| m.user_id == user)
            .cloned()
            .map(Into::into),
        member_count: Some(details.chat.member_count),
        ..Known::default()
    };
    outbox::announce_recorded(ctx, id, &change, known).await;
    Ok((details.into_wire(me), true))
}

/// Removes `user` from a group chat: the owner removes anyone, a member removes only
/// themself (leaving). When the owner leaves, the longest-standing member becomes owner.
/// Announced to the remaining members and to the one removed.
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
        return Err(ApiError::new(
            ErrorCode::NotChatOwner,
            "only the chat's owner can remove other members",
        ));
    }
    if !chats::remove_member(&tx, chat, user).await? {
        return Err(ApiError::new(
            ErrorCode::MemberNotFound,
            "that user is not a member of this chat",
        ));
    }
    chats::ensure_owner(&tx, chat).await?;
    let entry = Entry::new("member_removed").actor(me.id).target(user);
    audit::record_in(&tx, entry.chat(chat)).await?;
    let change = Change::MemberRemoved {
        chat_id: chat,
        user_id: user,
        removed_by: me.id,
    };
    let id = outbox::record(ctx, &tx, &change).await?;
    tx.commit().await?;
    drop(db);
    outbox::announce_recorded(ctx, id, &change, Known::default()).await;
    Ok(())
}
