//! Messages: the send service (shared by the REST route and the WebSocket `send_message`
//! function), history, edit, delete and read markers.

use uuid::Uuid;

use crate::api::events::ServerEvent;
use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::domain::{ChatId, MessageBody, MessageId};
use crate::error::ApiError;
use crate::repo::attachments as attachments_repo;
use crate::repo::chats;
use crate::repo::messages::{self, InsertError, MessageRow, PageQuery};
use crate::service::attachments;
use crate::service::chats::require_member;
use crate::service::realtime;

/// A validated send request.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub client_message_id: Uuid,
    pub body: MessageBody,
    pub attachment_ids: Vec<Uuid>,
}

/// What a send did.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    pub message: MessageRow,
    /// False when the `client_message_id` was already used: `message` is the original and
    /// nothing new was stored (so nothing must be broadcast again).
    pub created: bool,
}

/// History page size bounds.
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;

fn reused_elsewhere() -> ApiError {
    ApiError::conflict(
        "client_message_id_reused",
        "this client_message_id was already used for a message in another chat",
    )
}

/// Stores a message with its attachments. The seq is taken under the chat's row lock inside
/// the same transaction as the insert, so it is consecutive per chat and the message is
/// stored before anyone is told. A repeated `client_message_id` returns the original message.
pub async fn send(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    new: NewMessage,
) -> Result<SendOutcome, ApiError> {
    let client_message_id = new.client_message_id;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    require_member(&tx, chat, me.id).await?;
    if let Some(existing) = messages::find_by_client_id(&tx, me.id, client_message_id).await? {
        return if existing.chat_id == chat {
            Ok(SendOutcome {
                message: with_attachments(&tx, existing).await?,
                created: false,
            })
        } else {
            Err(reused_elsewhere())
        };
    }
    attachments::check_for_send(&tx, me, chat, &new.attachment_ids).await?;
    let seq = chats::next_seq(&tx, chat).await?;
    match messages::insert(&tx, chat, seq, me.id, client_message_id, new.body.as_str()).await {
        Ok(message) => {
            attachments_repo::attach_to_message(&tx, message.id, &new.attachment_ids).await?;
            let message = with_attachments(&tx, message).await?;
            tx.commit().await?;
            Ok(SendOutcome {
                message,
                created: true,
            })
        }
        Err(InsertError::DuplicateClientId) => {
            // A concurrent retry of the same send committed first; ours gives its seq back.
            tx.rollback().await?;
            let existing = messages::find_by_client_id(&db, me.id, client_message_id)
                .await?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("duplicate vanished")))?;
            if existing.chat_id != chat {
                return Err(reused_elsewhere());
            }
            Ok(SendOutcome {
                message: with_attachments(&db, existing).await?,
                created: false,
            })
        }
        Err(InsertError::Other(e)) => Err(e),
    }
}

async fn with_attachments(
    db: &impl crate::repo::GenericClient,
    message: MessageRow,
) -> Result<MessageRow, ApiError> {
    let mut one = [message];
    attachments::fill(db, &mut one).await?;
    let [message] = one;
    Ok(message)
}

/// Checks and fills in paging parameters.
pub fn page_query(
    before_seq: Option<i64>,
    after_seq: Option<i64>,
    limit: Option<i64>,
) -> Result<PageQuery, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    if before_seq.is_some_and(|s| s < 0) || after_seq.is_some_and(|s| s < 0) {
        return Err(ApiError::bad_request(
            "invalid_cursor",
            "before_seq and after_seq must not be negative",
        ));
    }
    Ok(PageQuery {
        before_seq,
        after_seq,
        limit,
    })
}

pub async fn history(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    q: PageQuery,
) -> Result<(Vec<MessageRow>, bool), ApiError> {
    let db = ctx.db.get().await?;
    require_member(&db, chat, me.id).await?;
    let (mut rows, has_more) = messages::page(&db, chat, q).await?;
    attachments::fill(&db, &mut rows).await?;
    Ok((rows, has_more))
}

/// Loads a message of the chat for change by its sender, locked until the transaction ends.
async fn own_message(
    tx: &impl crate::repo::GenericClient,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
) -> Result<MessageRow, ApiError> {
    require_member(tx, chat, me.id).await?;
    let msg = messages::find(tx, chat, id, true)
        .await?
        .ok_or_else(|| ApiError::not_found("message_not_found", "message not found"))?;
    if msg.sender_id != me.id {
        return Err(ApiError::forbidden(
            "not_message_sender",
            "only the sender can change a message",
        ));
    }
    Ok(msg)
}

pub async fn edit(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
    body: MessageBody,
) -> Result<MessageRow, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let msg = own_message(&tx, me, chat, id).await?;
    if msg.deleted_at.is_some() {
        return Err(ApiError::conflict(
            "message_deleted",
            "a deleted message cannot be edited",
        ));
    }
    let edited = messages::edit(&tx, id, body.as_str()).await?;
    let edited = with_attachments(&tx, edited).await?;
    tx.commit().await?;
    Ok(edited)
}

/// Soft-deletes a message; deleting it again answers the same.
pub async fn delete(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
) -> Result<MessageRow, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    own_message(&tx, me, chat, id).await?;
    let deleted = messages::soft_delete(&tx, id).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// Moves the caller's read marker forward (never back, never past the last message) and,
/// when it moved, tells the other members' connections (`read`). Returns the marker.
pub async fn mark_read_and_notify(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    seq: i64,
) -> Result<i64, ApiError> {
    if seq < 0 {
        return Err(ApiError::bad_request(
            "invalid_seq",
            "seq must not be negative",
        ));
    }
    let db = ctx.db.get().await?;
    let before = require_member(&db, chat, me.id).await?.last_read_seq;
    let after = chats::mark_read(&db, chat, me.id, seq)
        .await?
        .ok_or_else(crate::service::chats::chat_not_found)?;
    drop(db);
    if after > before {
        let event = ServerEvent::Read {
            chat_id: chat,
            user_id: me.id,
            seq: after,
        };
        realtime::to_chat_except_user(ctx, chat, me.id, &event).await;
    }
    Ok(after)
}
