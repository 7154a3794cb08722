//! Who may see a chat: the member check every chat route (and every attachment, message and
//! typing call) starts with.

use crate::contract::{ChatId, ErrorCode, UserId};
use crate::error::ApiError;
use crate::repo::GenericClient;
use crate::repo::chats::{self, Membership};
use crate::repo::requests;

pub fn chat_not_found() -> ApiError {
    ApiError::new(ErrorCode::ChatNotFound, "chat not found")
}

/// The caller's membership, or 404 `chat_not_found`: a non-member learns nothing about
/// whether the chat exists. Someone asked into the chat who has not accepted gets 403
/// `chat_request_pending` (they know of the chat from the request).
pub async fn require_member(
    db: &impl GenericClient,
    chat: ChatId,
    user: UserId,
) -> Result<Membership, ApiError> {
    match chats::membership(db, chat, user).await? {
        Some(m) => Ok(m),
        None => Err(not_member(db, chat, user).await),
    }
}

/// Why `user` may not use `chat`, once found not a member: a pending request, or no chat.
pub async fn not_member(db: &impl GenericClient, chat: ChatId, user: UserId) -> ApiError {
    match requests::find(db, chat, user).await {
        Ok(Some(r)) if !r.declined => request_pending(),
        Ok(_) => chat_not_found(),
        Err(e) => e,
    }
}

pub fn request_pending() -> ApiError {
    ApiError::new(
        ErrorCode::ChatRequestPending,
        "accept the chat request first",
    )
}
