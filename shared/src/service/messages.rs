//! Messages: the send service (shared by the REST route and the WebSocket `send_message`
//! function), history, edit, delete and read markers. Each write commits, then answers the
//! sending connection (a WebSocket send's `message_sent`) and announces the change
//! (`service::announce`).

use uuid::Uuid;

use crate::auth::AuthUser;
use crate::contract::messages::{MessagePage, ReadMarker, SendMessage};
use crate::contract::{ChatId, ErrorCode, Message, MessageId, ServerEvent};
use crate::ctx::Ctx;
use crate::domain::MessageBody;
use crate::error::ApiError;
use crate::repo::messages::{self, InsertError, MessageRow, PageQuery, with_attachments};
use crate::repo::{GenericClient, chats};
use crate::service::access::{chat_not_found, require_member};
use crate::service::announce::{Change, announce};
use crate::service::attachments::sending::check_for_send;
use crate::service::realtime;

/// A validated send request.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub client_message_id: Uuid,
    pub body: MessageBody,
    pub attachment_ids: Vec<Uuid>,
}

impl NewMessage {
    /// Validates a send request (REST or WebSocket). The body may be empty only when
    /// attachments come with it.
    pub fn parse(input: SendMessage) -> Result<Self, ApiError> {
        let body = if input.attachment_ids.is_empty() {
            MessageBody::parse(&input.body)?
        } else {
            MessageBody::parse_or_empty(&input.body)?
        };
        Ok(Self {
            client_message_id: input.client_message_id,
            body,
            attachment_ids: input.attachment_ids,
        })
    }
}

/// Where a send came from: its answer goes back the same way.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// `POST /api/chats/{id}/messages`: the HTTP response answers.
    Rest,
    /// A WebSocket `send_message` frame: `message_sent` goes to this connection.
    Connection(&'a str),
}

/// What a send did.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    pub message: Message,
    /// False when the `client_message_id` was already used: `message` is the original and
    /// nothing new was stored (so nothing is announced again).
    pub created: bool,
}

/// History page size bounds.
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;

fn reused_elsewhere() -> ApiError {
    ApiError::new(
        ErrorCode::ClientMessageIdReused,
        "this client_message_id was already used for a message in another chat",
    )
}

/// Stores a message with its attachments, answers the sender and announces it. The seq is
/// taken under the chat's row lock inside the same transaction as the insert, so it is
/// consecutive per chat and the message is stored before anyone is told. A repeated
/// `client_message_id` answers the original message and announces nothing.
pub async fn send(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    new: NewMessage,
    origin: Origin<'_>,
) -> Result<SendOutcome, ApiError> {
    let (row, created) = store(ctx, me, chat, new).await?;
    let message = Message::from(row);
    if let Origin::Connection(connection_id) = origin {
        let ack = ServerEvent::MessageSent {
            client_message_id: message.client_message_id,
            message: message.clone(),
        };
        realtime::reply(ctx, connection_id, &ack).await;
    }
    if created {
        let except_connection = match origin {
            Origin::Connection(id) => Some(id.to_owned()),
            Origin::Rest => None,
        };
        let change = Change::MessageStored {
            message: message.clone(),
            except_connection,
        };
        announce(ctx, &change).await;
    }
    Ok(SendOutcome { message, created })
}

/// The transaction of a send: the stored message, and whether this call stored it.
async fn store(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    new: NewMessage,
) -> Result<(MessageRow, bool), ApiError> {
    let client_message_id = new.client_message_id;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    require_member(&tx, chat, me.id).await?;
    if let Some(existing) = messages::find_by_client_id(&tx, me.id, client_message_id).await? {
        return if existing.chat_id == chat {
            Ok((with_attachments(&tx, existing).await?, false))
        } else {
            Err(reused_elsewhere())
        };
    }
    check_for_send(&tx, me, chat, &new.attachment_ids).await?;
    let seq = chats::next_seq(&tx, chat).await?;
    match messages::insert(&tx, chat, seq, me.id, client_message_id, new.body.as_str()).await {
        Ok(message) => {
            crate::repo::attachments::attach_to_message(&tx, message.id, &new.attachment_ids)
                .await?;
            let message = with_attachments(&tx, message).await?;
            tx.commit().await?;
            Ok((message, true))
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
            Ok((with_attachments(&db, existing).await?, false))
        }
        Err(InsertError::Other(e)) => Err(e),
    }
}

/// Checks and fills in paging parameters.
pub fn page_query(
    before_seq: Option<i64>,
    after_seq: Option<i64>,
    limit: Option<i64>,
) -> Result<PageQuery, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    if before_seq.is_some_and(|s| s < 0) || after_seq.is_some_and(|s| s < 0) {
        return Err(ApiError::new(
            ErrorCode::InvalidCursor,
            "before_seq and after_seq must not be negative",
        ));
    }
    Ok(PageQuery {
        before_seq,
        after_seq,
        limit,
    })
}

/// A page of a chat's history, for a member.
pub async fn history(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    q: PageQuery,
) -> Result<MessagePage, ApiError> {
    let db = ctx.db.get().await?;
    require_member(&db, chat, me.id).await?;
    let (mut rows, has_more) = messages::page(&db, chat, q).await?;
    messages::fill_attachments(&db, &mut rows).await?;
    Ok(MessagePage {
        messages: rows.into_iter().map(Message::from).collect(),
        has_more,
    })
}

/// Loads a message of the chat for change by its sender, locked until the transaction ends.
async fn own_message(
    tx: &impl GenericClient,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
) -> Result<MessageRow, ApiError> {
    require_member(tx, chat, me.id).await?;
    let msg = messages::find(tx, chat, id, true)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::MessageNotFound, "message not found"))?;
    if msg.sender_id != me.id {
        return Err(ApiError::new(
            ErrorCode::NotMessageSender,
            "only the sender can change a message",
        ));
    }
    Ok(msg)
}

/// The sender edits a message; the seq stays.
pub async fn edit(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
    body: MessageBody,
) -> Result<Message, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let msg = own_message(&tx, me, chat, id).await?;
    if msg.deleted_at.is_some() {
        return Err(ApiError::new(
            ErrorCode::MessageDeleted,
            "a deleted message cannot be edited",
        ));
    }
    let edited = messages::edit(&tx, id, body.as_str()).await?;
    let edited = Message::from(with_attachments(&tx, edited).await?);
    tx.commit().await?;
    drop(db);
    let change = Change::MessageEdited {
        message: edited.clone(),
    };
    announce(ctx, &change).await;
    Ok(edited)
}

/// The sender soft-deletes a message (the seq stays, the text goes); deleting it again
/// answers the same.
pub async fn delete(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    id: MessageId,
) -> Result<Message, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    own_message(&tx, me, chat, id).await?;
    let deleted = Message::from(messages::soft_delete(&tx, id).await?);
    tx.commit().await?;
    drop(db);
    let change = Change::MessageDeleted {
        message: deleted.clone(),
    };
    announce(ctx, &change).await;
    Ok(deleted)
}

/// Moves the caller's read marker forward (never back, never past the last message) and,
/// when it moved, announces it. Returns the marker.
pub async fn mark_read(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    seq: i64,
) -> Result<ReadMarker, ApiError> {
    if seq < 0 {
        return Err(ApiError::new(
            ErrorCode::InvalidSeq,
            "seq must not be negative",
        ));
    }
    let db = ctx.db.get().await?;
    let before = require_member(&db, chat, me.id).await?.last_read_seq;
    let after = chats::mark_read(&db, chat, me.id, seq)
        .await?
        .ok_or_else(chat_not_found)?;
    drop(db);
    if after > before {
        let change = Change::ReadMoved {
            chat_id: chat,
            user_id: me.id,
            seq: after,
        };
        announce(ctx, &change).await;
    }
    Ok(ReadMarker {
        chat_id: chat,
        last_read_seq: after,
    })
}
