//! Chats as their members see them, and the requests of `/api/chats`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ids::{ChatId, UserId};
use super::messages::Message;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    Direct,
    Group,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
        }
    }

    pub fn from_db(s: &str) -> Self {
        if s == "direct" {
            Self::Direct
        } else {
            Self::Group
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Owner,
    Member,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Member => "member",
        }
    }

    pub fn from_db(s: &str) -> Self {
        if s == "owner" {
            Self::Owner
        } else {
            Self::Member
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ChatMember {
    pub id: UserId,
    pub display_name: String,
    pub role: MemberRole,
    /// How far this member has read (for read receipts).
    pub last_read_seq: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Has a live connection now.
    pub online: bool,
    /// Asked to join (a chat request, docs/SECURITY.md) and not a member yet: sees nothing
    /// of the chat, shows no presence and reads nothing until they accept.
    #[serde(default)]
    pub pending: bool,
}

/// A chat request to me: someone I share no chat with started a direct chat with me or added
/// me to a group. Until I accept, the chat shows no messages, no preview and no unread count.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ChatRequest {
    /// Who asked.
    pub from: UserId,
    pub from_name: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/chats/{id}/request`: accept (join the chat) or decline (it leaves my list;
/// the one who asked is not told).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    pub accept: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Chat {
    pub id: ChatId,
    pub kind: ChatKind,
    /// The group's title; for a direct chat, the other member's display name.
    pub title: String,
    /// In joining order. `GET /api/chats` embeds at most the first 20 of a group's members;
    /// `GET /api/chats/{id}` and the other routes answering a chat embed all of them.
    pub members: Vec<ChatMember>,
    /// How many members the chat has (more than `members` holds when the list cut them).
    pub member_count: i64,
    pub last_message: Option<Message>,
    /// The seq of the newest message (0 when there is none).
    pub last_seq: i64,
    /// Messages after my read marker that others sent (deleted ones not counted).
    pub unread_count: i64,
    /// My read marker.
    pub last_read_seq: i64,
    pub my_role: MemberRole,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    /// Set when this chat is a request to me that I have not answered; I am then not a
    /// member yet (`members` holds only the one who asked, and me).
    #[serde(default)]
    pub request: Option<ChatRequest>,
}

/// One page of my chats, most recently active first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChatList {
    pub chats: Vec<Chat>,
    /// Pass as `cursor` for the next (less recently active) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// `GET /api/chats?limit=&cursor=`.
#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChatListParams {
    /// 1..=100, default 50.
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before; none for the first page.
    pub cursor: Option<String>,
}

/// One page of a chat's members: members in joining order, then those asked in by a request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberPage {
    pub members: Vec<ChatMember>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// `GET /api/chats/{id}/members?limit=&cursor=`.
#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MemberListParams {
    /// 1..=200, default 100.
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before; none for the first page.
    pub cursor: Option<String>,
}

/// `{"kind":"direct","member_ids":[other]}` or `{"kind":"group","title":"...","member_ids":[...]}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChat {
    pub kind: ChatKind,
    pub title: Option<String>,
    #[serde(default)]
    pub member_ids: Vec<UserId>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub user_id: UserId,
}
