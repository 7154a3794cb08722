//! The WebSocket contract: the ticket that opens a connection, the actions clients send
//! (routed on `action`) and the events the server pushes (tagged by `type`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::attachments::Attachment;
use super::chats::ChatMember;
use super::error::ErrorCode;
use super::ids::{ChatId, UserId};
use super::messages::Message;

// The answer of `POST /api/ws/ticket`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketResponse {
    /// Pass as `?ticket=` when opening the WebSocket; works once.
    pub ticket: String,
    /// Seconds until the ticket expires.
    pub expires_in: i64,
}

/// `{"action":"send_message", ...}`: store a message; answered by `message_sent`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageAction {
    /// `send_message`
    pub action: String,
    pub chat_id: ChatId,
    pub client_message_id: Uuid,
    /// May be empty when the message carries attachments.
    #[serde(default)]
    pub body: String,
    /// Up to 10 completed uploads of the sender in this chat.
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

/// `{"action":"typing", ...}`: tell the other members.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TypingAction {
    /// `typing`
    pub action: String,
    pub chat_id: ChatId,
    pub is_typing: bool,
}

/// `{"action":"mark_read", ...}`: move my read marker; the others get `read`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadAction {
    /// `mark_read`
    pub action: String,
    pub chat_id: ChatId,
    pub seq: i64,
}

/// `{"action":"ping"}`: keeps the connection under API Gateway's 10-minute idle limit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PingAction {
    /// `ping`
    pub action: String,
}

/// Every event the server pushes, tagged by `type`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// To the sending connection, once the message is stored.
    MessageSent {
        client_message_id: Uuid,
        message: Message,
    },
    /// To every connection of every member, except the sending connection.
    NewMessage {
        message: Message,
    },
    /// After an edit or a delete.
    MessageUpdated {
        message: Message,
    },
    Typing {
        chat_id: ChatId,
        user_id: UserId,
        is_typing: bool,
    },
    /// When a user's first connection opens or last one closes.
    Presence {
        user_id: UserId,
        online: bool,
        last_seen_at: Option<DateTime<Utc>>,
    },
    /// The media worker finished with an attachment: `ready` (with its size and thumbnail, for
    /// images) or `rejected`. To the chat's members once it is in a message, else to its
    /// uploader.
    AttachmentUpdated {
        attachment: Attachment,
    },
    /// A member's read marker moved.
    Read {
        chat_id: ChatId,
        user_id: UserId,
        seq: i64,
    },
    /// Someone joined a group: to every member, the new one included (for whom the chat is
    /// new: `GET /api/chats/{id}` fetches it).
    MemberAdded {
        chat_id: ChatId,
        member: ChatMember,
    },
    /// Someone left a group (`removed_by` is themself) or was removed by its owner: to the
    /// remaining members and to them. Roles may have changed too (an owner who leaves hands
    /// over): `GET /api/chats/{id}` tells.
    MemberRemoved {
        chat_id: ChatId,
        user_id: UserId,
        removed_by: UserId,
    },
    /// Bad input on this connection; the socket stays open.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_message_id: Option<Uuid>,
        /// With `rate_limited`: seconds until the frame may be sent again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    Pong,
}

impl ServerEvent {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}
