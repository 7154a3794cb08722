//! The attachments a send names: checked and locked inside the send's transaction.

use uuid::Uuid;

use crate::auth::AuthUser;
use crate::contract::{AttachmentStatus, ChatId, ErrorCode};
use crate::domain::attachment::MAX_PER_MESSAGE;
use crate::error::ApiError;
use crate::repo::GenericClient;
use crate::repo::attachments as repo;

/// Checks the attachments a send names: at most 10, no repeats, each the sender's own in this
/// chat, accepted by the media worker (`ready`), not already in a message. Locks them until the send commits.
pub async fn check_for_send(
    tx: &impl GenericClient,
    me: AuthUser,
    chat: ChatId,
    ids: &[Uuid],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_PER_MESSAGE {
        return Err(ApiError::new(
            ErrorCode::TooManyAttachments,
            format!("a message carries at most {MAX_PER_MESSAGE} attachments"),
        ));
    }
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != ids.len() {
        return Err(ApiError::invalid("attachment_ids must not repeat an id"));
    }
    let rows = repo::find_many_for_update(tx, ids).await?;
    let unknown = || {
        ApiError::new(
            ErrorCode::UnknownAttachment,
            "attachment_ids name no attachment of yours in this chat",
        )
    };
    if rows.len() != ids.len() {
        return Err(unknown());
    }
    for row in &rows {
        if row.uploader_id != me.id || row.chat_id != chat {
            return Err(unknown());
        }
        if row.message_id.is_some() {
            return Err(ApiError::new(
                ErrorCode::AttachmentAlreadySent,
                "an attachment belongs to another message already",
            ));
        }
        match row.status {
            AttachmentStatus::Pending => {
                return Err(ApiError::new(
                    ErrorCode::AttachmentNotUploaded,
                    "complete the upload of every attachment before sending",
                ));
            }
            AttachmentStatus::Rejected => {
                return Err(ApiError::new(
                    ErrorCode::AttachmentRejected,
                    "a refused attachment cannot be sent",
                ));
            }
            AttachmentStatus::Processing => return Err(super::uploads::not_ready()),
            AttachmentStatus::Ready => {}
        }
    }
    Ok(())
}
