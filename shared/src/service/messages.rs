//! Messages once stored: history pages, edits and deletions by their sender, read markers.
//! Each write records its announcement in the outbox and announces it after commit.

use crate::auth::AuthUser;
use crate::contract::messages::{MessagePage, ReadMarker};
use crate::contract::{ChatId, ErrorCode, Message, MessageId};
use crate::ctx::Ctx;
use crate::domain::MessageBody;
use crate::error::ApiError;
use crate::repo::messages::{self, MessageRow, PageQuery, with_attachments};
use crate::repo::{GenericClient, reads};
use crate::service::access::{chat_not_found, require_member};
use crate::service::announce::{Change, Known};
use crate::service::{blocks, outbox};

/// History page size bounds.
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;

/// A page size given or `default`, refused (`invalid_limit`) outside 1..=`max`: history and
/// the chat list page alike.
pub fn page_limit(limit: Option<i64>, default: i64, max: i64) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {max}"),
        ));
    }
    Ok(limit)
}

/// Checks and fills in paging parameters.
pub fn page_query(
    before_seq: Option<i64>,
    after_seq: Option<i64>,
    limit: Option<i64>,
) -> Result<PageQuery, ApiError> {
    let limit = page_limit(limit, DEFAULT_PAGE, MAX_PAGE)?;
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
    // A new text reaches the other member as a message would; deleting stays possible.
    blocks::require_reachable_in(&tx, chat, me.id).await?;
    let edited = messages::edit(&tx, id, body.as_str()).await?;
    let edited = Message::from(with_attachments(&tx, edited).await?);
    let change = Change::MessageEdited {
        chat_id: chat,
        message_id: id,
    };
    let outbox_id = outbox::record(ctx, &tx, &change).await?;
    tx.commit().await?;
    drop(db);
    let known = Known {
        message: Some(edited.clone()),
        ..Known::default()
    };
    outbox::announce_recorded(ctx, outbox_id, &change, known).await;
    Ok(edited)
}

/// The sender soft-deletes a message (the seq stays, the text and the files go); deleting it again
/// answers the same, and announces it again.
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
    // Its files go with it: marked here, removed right after the commit (or by the sweeper).
    crate::repo::attachments::discard_of_message(&tx, id).await?;
    let change = Change::MessageDeleted {
        chat_id: chat,
        message_id: id,
    };
    let outbox_id = outbox::record(ctx, &tx, &change).await?;
    tx.commit().await?;
    drop(db);
    crate::service::attachments::cleanup::purge_message(ctx, id).await;
    let known = Known {
        message: Some(deleted.clone()),
        ..Known::default()
    };
    outbox::announce_recorded(ctx, outbox_id, &change, known).await;
    Ok(deleted)
}

/// Who moves a read marker.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// `POST /api/chats/{id}/read`.
    User(AuthUser),
    /// A WebSocket `mark_read` frame on this connection.
    Connection(&'a str),
}

/// Moves the reader's marker forward (never back, never past the last message) and, when it
/// moved, announces it; one statement records both. Returns the marker.
pub async fn mark_read(
    ctx: &Ctx,
    reader: Reader<'_>,
    chat: ChatId,
    seq: i64,
) -> Result<ReadMarker, ApiError> {
    if seq < 0 {
        return Err(ApiError::new(
            ErrorCode::InvalidSeq,
            "seq must not be negative",
        ));
    }
    let (user, connection) = match reader {
        Reader::User(me) => (Some(me.id), None),
        Reader::Connection(c) => (None, Some(c)),
    };
    let lease = ctx.config.outbox_lease.as_secs_f64();
    let touch = ctx.config.connection_touch.as_secs_f64();
    let moved = {
        let db = ctx.db.get().await?;
        reads::mark_read(&db, chat, user, connection, seq, touch, lease).await?
    };
    let moved = match moved {
        reads::ReadOutcome::NoReader => {
            return Err(ApiError::unauthorized("this connection is not signed in"));
        }
        reads::ReadOutcome::NotMember => return Err(chat_not_found()),
        reads::ReadOutcome::Marker {
            reader,
            last_read_seq,
            outbox_id,
        } => (reader, last_read_seq, outbox_id),
    };
    let (reader, last_read_seq, outbox_id) = moved;
    if let Some(id) = outbox_id {
        let change = Change::ReadMoved {
            chat_id: chat,
            user_id: reader,
            seq: last_read_seq,
        };
        outbox::announce_recorded(ctx, id, &change, Known::default()).await;
    }
    Ok(ReadMarker {
        chat_id: chat,
        last_read_seq,
    })
}
