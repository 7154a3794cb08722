//! Messages: the stored shape everyone sees, and the requests of `/api/chats/{id}/messages`
//! and `/api/chats/{id}/read`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::attachments::MessageAttachment;
use super::ids::{ChatId, MessageId, UserId};

/// A stored message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub chat_id: ChatId,
    /// Position in the chat: 1, 2, 3, ... the same order for everyone.
    pub seq: i64,
    pub sender_id: UserId,
    pub client_message_id: Uuid,
    /// Empty when deleted.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// In the order they were sent; none for a deleted message.
    pub attachments: Vec<MessageAttachment>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// A UUID the client makes per message; sending it again returns the stored message.
    pub client_message_id: Uuid,
    /// May be empty when the message carries attachments.
    #[serde(default)]
    pub body: String,
    /// Up to 10 completed uploads of the sender in this chat, in the order to show them.
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessage {
    pub body: String,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// Messages older than this seq (the page just before it).
    pub before_seq: Option<i64>,
    /// Messages newer than this seq (catching up after a reconnect).
    pub after_seq: Option<i64>,
    /// 1..=100, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MessagePage {
    /// Ascending by seq.
    pub messages: Vec<Message>,
    /// More messages lie beyond this page in the direction of paging (older, or newer with
    /// `after_seq`).
    pub has_more: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    pub seq: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReadMarker {
    pub chat_id: ChatId,
    pub last_read_seq: i64,
}
