//! Sending a message, for the REST route and the WebSocket `send_message` function alike:
//! store it (one statement for text, a transaction with attachments), answer the sending
//! connection with `message_sent`, announce it (`service::announce`, through the outbox).

use uuid::Uuid;

use crate::auth::AuthUser;
use crate::contract::messages::SendMessage;
use crate::contract::{ChatId, ErrorCode, Message, MessageId, ServerEvent};
use crate::ctx::Ctx;
use crate::domain::MessageBody;
use crate::error::ApiError;
use crate::repo::chats;
use crate::repo::messages::{self, InsertError, MessageRow, with_attachments};
use crate::repo::notifications as notification_state;
use crate::repo::send::{self, Sent, TextSend};
use crate::service::access::{chat_not_found, not_member, require_member};
use crate::service::announce::{Change, Known};
use crate::service::attachments::sending::check_for_send;
use crate::service::limits::{self, Limit};
use crate::service::{blocks, notifications, outbox, realtime};

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
    /// `POST /api/chats/{id}/messages` by this user: the HTTP response answers.
    Rest(AuthUser),
    /// A WebSocket `send_message` frame on this connection: `message_sent` goes to it.
    Connection(&'a str),
}

impl Origin<'_> {
    fn connection(&self) -> Option<&str> {
        match self {
            Origin::Connection(c) => Some(c),
            Origin::Rest(_) => None,
        }
    }
}

/// What a send did.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    pub message: Message,
    /// False when the `client_message_id` was already used: `message` is the original and
    /// nothing new was stored (so nothing is announced again).
    pub created: bool,
}

fn reused_elsewhere() -> ApiError {
    ApiError::new(
        ErrorCode::ClientMessageIdReused,
        "this client_message_id was already used for a message in another chat",
    )
}

fn not_signed_in() -> ApiError {
    ApiError::unauthorized("this connection is not signed in")
}

/// Stores a message, answers the sender and announces it. The seq is taken under the chat's
/// row lock in the same transaction as the insert, so it is consecutive per chat and the
/// message is stored before anyone is told. A repeated `client_message_id` answers the
/// original message and announces nothing. A text message takes one statement
/// (`repo::send::text`); one with attachments a transaction that checks and locks them.
pub async fn send(
    ctx: &Ctx,
    origin: Origin<'_>,
    chat: ChatId,
    new: NewMessage,
) -> Result<SendOutcome, ApiError> {
    let stored = if new.attachment_ids.is_empty() {
        store_text(ctx, origin, chat, &new).await?
    } else {
        store_with_attachments(ctx, origin, chat, &new).await?
    };
    let (message, announcement) = match stored {
        Stored::Original(row) => {
            if row.chat_id != chat {
                return Err(reused_elsewhere());
            }
            let db = ctx.db.get().await?;
            (Message::from(with_attachments(&db, row).await?), None)
        }
        Stored::New(r) => {
            let Recorded {
                message,
                outbox_id,
                change,
                known,
            } = *r;
            (message, Some((outbox_id, change, known)))
        }
    };
    if let Some(connection_id) = origin.connection() {
        let ack = ServerEvent::MessageSent {
            client_message_id: message.client_message_id,
            message: message.clone(),
        };
        realtime::reply(ctx, connection_id, &ack).await;
    }
    let created = announcement.is_some();
    if let Some((id, change, mut known)) = announcement {
        known.message = Some(message.clone());
        outbox::announce_recorded(ctx, id, &change, known).await;
    }
    Ok(SendOutcome { message, created })
}

/// What storing a send came to.
enum Stored {
    /// The `client_message_id` was used before: the original.
    Original(MessageRow),
    /// Stored now, with its outbox row.
    New(Box<Recorded>),
}

/// A message stored now, with its outbox row and what the write already knows.
struct Recorded {
    message: Message,
    outbox_id: i64,
    change: Change,
    known: Known,
}

async fn store_text(
    ctx: &Ctx,
    origin: Origin<'_>,
    chat: ChatId,
    new: &NewMessage,
) -> Result<Stored, ApiError> {
    let text = TextSend {
        chat,
        sender: match origin {
            Origin::Rest(me) => Some(me.id),
            Origin::Connection(_) => None,
        },
        connection: origin.connection(),
        client_message_id: new.client_message_id,
        body: new.body.as_str(),
        touch_after_secs: ctx.config.connection_touch.as_secs_f64(),
        email: ctx.email_queue.is_some(),
        email_pending_secs: notifications::jobs::pending_secs(ctx),
        lease_secs: ctx.config.outbox_lease.as_secs_f64(),
        limit: ctx.config.limits.send_user,
    };
    let id = MessageId::new();
    let sent = send::text(&ctx.db.get().await?, id, &text).await?;
    match sent {
        Sent::NoSender => Err(not_signed_in()),
        Sent::NotMember => match origin {
            Origin::Rest(me) => Err(not_member(&ctx.db.get().await?, chat, me.id).await),
            Origin::Connection(_) => Err(chat_not_found()),
        },
        Sent::Blocked => Err(blocks::unavailable()),
        Sent::Limited(wait) => Err(ApiError::limited(wait)),
        Sent::Existing(row) => Ok(Stored::Original(row)),
        Sent::Stored(s) => Ok(Stored::New(Box::new(Recorded {
            change: Change::MessageStored {
                chat_id: chat,
                message_id: s.message.id,
                except_connection: origin.connection().map(str::to_owned),
                email_users: s.email_users,
            },
            message: Message::from(s.message),
            outbox_id: s.outbox_id,
            known: Known {
                targets: Some(s.targets),
                member_count: Some(s.member_count),
                ..Known::default()
            },
        }))),
    }
}

/// A message with attachments: a transaction that checks and locks them, then stores the
/// message, marks who is due an e-mail and records the announcement.
async fn store_with_attachments(
    ctx: &Ctx,
    origin: Origin<'_>,
    chat: ChatId,
    new: &NewMessage,
) -> Result<Stored, ApiError> {
    let mut db = ctx.db.get().await?;
    let me = match origin {
        Origin::Rest(me) => me,
        Origin::Connection(c) => {
            let touch = ctx.config.connection_touch.as_secs_f64();
            realtime::user_of_connection_in(&db, c, touch).await?
        }
    };
    let tx = db.transaction().await?;
    require_member(&tx, chat, me.id).await?;
    blocks::require_reachable_in(&tx, chat, me.id).await?;
    if let Some(existing) = messages::find_by_client_id(&tx, me.id, new.client_message_id).await? {
        return Ok(Stored::Original(existing));
    }
    check_for_send(&tx, me, chat, &new.attachment_ids).await?;
    limits::take_in(ctx, &tx, Limit::Send(me.id)).await?;
    let seq = chats::next_seq(&tx, chat).await?;
    let inserted = messages::insert(
        &tx,
        chat,
        seq,
        me.id,
        new.client_message_id,
        new.body.as_str(),
    )
    .await;
    let message = match inserted {
        Ok(m) => m,
        Err(InsertError::DuplicateClientId) => {
            // A concurrent retry of the same send committed first; ours gives its seq back.
            tx.rollback().await?;
            return messages::find_by_client_id(&db, me.id, new.client_message_id)
                .await?
                .map(Stored::Original)
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("duplicate vanished")));
        }
        Err(InsertError::Other(e)) => return Err(e),
    };
    crate::repo::attachments::attach_to_message(&tx, message.id, &new.attachment_ids).await?;
    let message = with_attachments(&tx, message).await?;
    let email_users = if ctx.email_queue.is_some() {
        let pending = notifications::jobs::pending_secs(ctx);
        notification_state::mark_queued(&tx, chat, me.id, seq, pending).await?
    } else {
        Vec::new()
    };
    let change = Change::MessageStored {
        chat_id: chat,
        message_id: message.id,
        except_connection: origin.connection().map(str::to_owned),
        email_users,
    };
    let outbox_id = outbox::record(ctx, &tx, &change).await?;
    tx.commit().await?;
    Ok(Stored::New(Box::new(Recorded {
        message: Message::from(message),
        outbox_id,
        change,
        known: Known::default(),
    })))
}
