//! What follows a write. Every change that others must hear about is announced here, and only
//! here: this is the one place that decides, per change, who is told and how (WebSocket pushes
//! to whose connections, e-mail jobs for whom). The services call [`announce`] after their
//! transaction commits, so nobody hears of anything that is not stored.
//!
//! Announcing is best effort and never fails the caller: a push that does not arrive loses
//! nothing, because clients order and de-duplicate by seq and catch up after reconnecting.

use serde::{Deserialize, Serialize};

use crate::contract::{Attachment, ChatId, ChatMember, Message, ServerEvent, UserId};
use crate::ctx::Ctx;
use crate::service::{notifications, realtime};

/// A stored change that others must hear about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A new message: `new_message` to every connection of every member except the one it
    /// was sent from (which gets `message_sent` as the send's answer), then e-mail jobs for
    /// the members who are away.
    MessageStored {
        message: Message,
        except_connection: Option<String>,
    },
    /// An edit: `message_updated` to every member's connections.
    MessageEdited { message: Message },
    /// A deletion: `message_updated` (deleted, without text) to every member's connections.
    MessageDeleted { message: Message },
    /// A read marker moved forward: `read` to every member's connections, the reader's own
    /// included, so their other tabs and devices lower their unread counts too.
    ReadMoved {
        chat_id: ChatId,
        user_id: UserId,
        seq: i64,
    },
    /// Someone joined a group: `member_added` to every member, the new one included.
    MemberAdded { chat_id: ChatId, member: ChatMember },
    /// Someone left a group or was removed: `member_removed` to the remaining members and to
    /// the one who is gone.
    MemberRemoved { chat_id: ChatId, user_id: UserId },
    /// The media worker's verdict: `attachment_updated` to the chat's members once the file
    /// is in a message, else to its uploader only (nobody else knows of it yet).
    AttachmentFinished {
        attachment: Attachment,
        uploader: UserId,
    },
}

/// Tells everyone who must hear of `change`. Never fails; problems are logged.
pub async fn announce(ctx: &Ctx, change: &Change) {
    match change {
        Change::MessageStored {
            message,
            except_connection,
        } => {
            let event = ServerEvent::NewMessage {
                message: message.clone(),
            };
            realtime::to_chat(ctx, message.chat_id, except_connection.as_deref(), &event).await;
            notifications::message_stored(ctx, message.chat_id, message.sender_id, message.seq)
                .await;
        }
        Change::MessageEdited { message } | Change::MessageDeleted { message } => {
            let event = ServerEvent::MessageUpdated {
                message: message.clone(),
            };
            realtime::to_chat(ctx, message.chat_id, None, &event).await;
        }
        Change::ReadMoved {
            chat_id,
            user_id,
            seq,
        } => {
            let event = ServerEvent::Read {
                chat_id: *chat_id,
                user_id: *user_id,
                seq: *seq,
            };
            realtime::to_chat(ctx, *chat_id, None, &event).await;
        }
        Change::MemberAdded { chat_id, member } => {
            let event = ServerEvent::MemberAdded {
                chat_id: *chat_id,
                member: member.clone(),
            };
            realtime::to_chat(ctx, *chat_id, None, &event).await;
        }
        Change::MemberRemoved { chat_id, user_id } => {
            let event = ServerEvent::MemberRemoved {
                chat_id: *chat_id,
                user_id: *user_id,
            };
            realtime::to_chat(ctx, *chat_id, None, &event).await;
            // No longer a member, so not reached through the chat.
            realtime::to_user(ctx, *user_id, &event).await;
        }
        Change::AttachmentFinished {
            attachment,
            uploader,
        } => {
            let event = ServerEvent::AttachmentUpdated {
                attachment: attachment.clone(),
            };
            match attachment.message_id {
                Some(_) => {
                    realtime::to_chat(ctx, attachment.chat_id, None, &event).await;
                }
                None => {
                    realtime::to_chat_user(ctx, attachment.chat_id, *uploader, &event).await;
                }
            }
        }
    }
}
