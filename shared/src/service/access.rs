//! Who may see a chat: the member check every chat route (and every attachment, message and
//! typing call) starts with.

use crate::contract::{ChatId, ErrorCode, UserId};
use crate::error::ApiError;
use crate::repo::GenericClient;
use crate::repo::chats::{self, Membership};

pub fn chat_not_found() -> ApiError {
    ApiError::new(ErrorCode::ChatNotFound, "chat not found")
}

/// The caller's membership, or 404 `chat_not_found`: a non-member learns nothing about
/// whether the chat exists.
pub async fn require_member(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<Membership, ApiError> {
    chats::membership(db, chat, user)
        .await?
        .ok_or_else(chat_not_found)
}
