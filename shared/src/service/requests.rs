//! Chat requests (docs/SECURITY.md, "Chat requests"): a direct chat or group add from someone
//! one shares no chat with asks first. The one asked sees the chat apart, with who asked and
//! nothing else (no message, preview, unread count, typing or presence), gets at most one
//! "X wants to chat" mail, and accepts (they join, and the direct chat's messages so far show
//! as unread) or declines (the chat leaves their list; the asker is not told).

use crate::auth::AuthUser;
use crate::contract::{ChatId, ChatKind, ErrorCode, MemberRole, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::{GenericClient, chats, requests};
use crate::service::access::chat_not_found;
use crate::service::announce::Change;
use crate::service::audit::{self, Entry};
use crate::service::outbox;

/// Splits `others` into those `me` shares a chat with (they join at once) and strangers (they
/// are asked).
pub async fn sort(
    db: &impl GenericClient,
    me: UserId,
    others: &[UserId],
) -> Result<(Vec<UserId>, Vec<UserId>), ApiError> {
    let strangers = requests::strangers(db, me, others).await?;
    let known = others
        .iter()
        .copied()
        .filter(|u| !strangers.contains(u))
        .collect();
    Ok((known, strangers))
}

/// Asks `users` into `chat` for `from`, inside the caller's transaction, and records the
/// announcement. Returns the outbox row and change to announce after commit (none when
/// everyone was asked before).
pub async fn ask(
    ctx: &Ctx,
    tx: &impl GenericClient,
    chat: ChatId,
    from: UserId,
    users: &[UserId],
) -> Result<Option<(i64, Change)>, ApiError> {
    let asked = requests::insert(tx, chat, users, from).await?;
    if asked.is_empty() {
        return Ok(None);
    }
    for user in &asked {
        let entry = Entry::new("chat_requested").actor(from).target(*user);
        audit::record_in(tx, entry.chat(chat)).await?;
    }
    let change = Change::ChatRequested {
        chat_id: chat,
        user_ids: asked,
    };
    Ok(Some((outbox::record(ctx, tx, &change).await?, change)))
}

/// `me` answers the request in `chat`. Accepting makes them a member (announced to the chat
/// as `member_added`); accepting again changes nothing. True when they are a member now. Declining hides
/// the chat from them (their other tabs hear `member_removed`), tells nobody else, and keeps
/// the request so that asking again changes nothing.
pub async fn answer(ctx: &Ctx, me: AuthUser, chat: ChatId, accept: bool) -> Result<bool, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    // Against a concurrent add or answer of the same chat.
    chats::lock(&tx, chat).await?;
    if chats::membership(&tx, chat, me.id).await?.is_some() {
        tx.commit().await?;
        return match accept {
            true => Ok(true),
            false => Err(ApiError::new(
                ErrorCode::ChatRequestNotFound,
                "you are a member of this chat: there is no request to decline",
            )),
        };
    }
    let request = requests::find(&tx, chat, me.id)
        .await?
        .ok_or_else(chat_not_found)?;
    let entry = |event| {
        Entry::new(event)
            .actor(me.id)
            .target(request.requested_by)
            .chat(chat)
    };
    if !accept {
        let declined = requests::decline(&tx, chat, me.id).await?;
        let recorded = match declined {
            true => {
                audit::record_in(&tx, entry("chat_request_declined")).await?;
                let change = Change::RequestDeclined {
                    chat_id: chat,
                    user_id: me.id,
                };
                Some((outbox::record(ctx, &tx, &change).await?, change))
            }
            false => None,
        };
        tx.commit().await?;
        drop(db);
        if let Some((id, change)) = recorded {
            outbox::announce_recorded(ctx, id, &change, Default::default()).await;
        }
        return Ok(false);
    }
    let change = join(&tx, chat, me.id).await?;
    audit::record_in(&tx, entry("chat_request_accepted")).await?;
    let id = outbox::record(ctx, &tx, &change).await?;
    tx.commit().await?;
    drop(db);
    outbox::announce_recorded(ctx, id, &change, Default::default()).await;
    Ok(true)
}

/// Makes `user`, asked into `chat`, a member (the request ends). In a direct chat they start
/// at its beginning, so what was written while they were asked shows as unread. Returns the
/// change to record.
pub async fn join(tx: &impl GenericClient, chat: ChatId, user: UserId) -> Result<Change, ApiError> {
    requests::remove(tx, chat, user).await?;
    chats::add_members(tx, chat, &[(user, MemberRole::Member)]).await?;
    if chats::kind(tx, chat).await? == Some(ChatKind::Direct) {
        chats::reset_read(tx, chat, user).await?;
    }
    Ok(Change::MemberAdded {
        chat_id: chat,
        user_id: user,
    })
}
