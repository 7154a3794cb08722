//! What must not stay in the bucket: the files of deleted messages, uploads no message
//! carries after 24 hours (completed or not), and jobs lost between completion and the
//! worker. The attachments sweeper runs [`sweep`] hourly; a message's delete calls
//! [`purge_message`] right after its commit.

use std::time::Duration;

use chrono::Utc;

use super::uploads::{MediaJob, staging_key, thumbnail_key};
use crate::clients::storage::Storage;
use crate::contract::MessageId;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::attachments::{self as repo, AttachmentRow};

/// Uploads no message carries are removed after this long.
pub const UNSENT_TTL: Duration = Duration::from_secs(24 * 3600);
/// A `processing` attachment whose verdict has not come within this long is queued again.
pub const STUCK_AFTER: Duration = Duration::from_secs(15 * 60);

const BATCH: i64 = 500;

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    /// Uploads never sent, removed.
    pub removed: usize,
    /// Attachments of deleted messages, removed.
    pub purged: usize,
    /// Lost media jobs, queued again.
    pub requeued: usize,
}

fn ago(d: Duration) -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(d).unwrap_or_default()
}

/// Deletes every object an attachment may have: staged upload, served file, thumbnail.
async fn delete_objects(storage: &Storage, row: &AttachmentRow) -> Result<(), ApiError> {
    storage.delete(&staging_key(row.chat_id, row.id)).await?;
    storage.delete(&row.object_key).await?;
    storage.delete(&thumbnail_key(row.chat_id, row.id)).await?;
    Ok(())
}

/// Removes the objects, then the rows, of discarded attachments (those of one message, or
/// any). A row whose objects could not be deleted stays for the next sweep.
async fn purge(ctx: &Ctx, message: Option<MessageId>) -> Result<usize, ApiError> {
    let Some(storage) = ctx.storage.as_ref() else {
        return Ok(0);
    };
    let mut purged = 0;
    loop {
        let rows = repo::discarded(&ctx.db.get().await?, message, BATCH).await?;
        let mut gone = Vec::with_capacity(rows.len());
        for row in &rows {
            match delete_objects(storage, row).await {
                Ok(()) => gone.push(row.id.0),
                Err(e) => {
                    tracing::warn!(attachment_id = %row.id, error = %e, "could not delete a deleted message's file");
                }
            }
        }
        repo::delete_many(&ctx.db.get().await?, &gone).await?;
        purged += gone.len();
        if gone.len() < rows.len() || i64::try_from(rows.len()).unwrap_or(0) < BATCH {
            return Ok(purged);
        }
    }
}

/// Right after a message's delete commits: its files (original and thumbnail) go. Best
/// effort; what fails is left to the sweep.
pub async fn purge_message(ctx: &Ctx, message: MessageId) {
    if let Err(e) = purge(ctx, Some(message)).await {
        tracing::warn!(message_id = %message, error = %e, "files of a deleted message left to the sweeper");
    }
}

/// The attachments sweeper's run.
pub async fn sweep(ctx: &Ctx) -> Result<Swept, ApiError> {
    let Some(storage) = ctx.storage.as_ref() else {
        return Ok(Swept::default());
    };
    let mut swept = Swept::default();
    loop {
        let rows = repo::delete_stale_unsent(&ctx.db.get().await?, ago(UNSENT_TTL), BATCH).await?;
        if rows.is_empty() {
            break;
        }
        swept.removed += rows.len();
        for row in &rows {
            if let Err(e) = delete_objects(storage, row).await {
                // The bucket's lifecycle rule removes a staged upload left behind.
                tracing::warn!(attachment_id = %row.id, error = %e, "could not delete an unsent upload");
            }
        }
    }
    swept.purged = purge(ctx, None).await?;
    if let Some(queue) = ctx.media_queue.as_ref() {
        let stuck =
            repo::touch_stuck_processing(&ctx.db.get().await?, ago(STUCK_AFTER), BATCH).await?;
        let jobs: Vec<MediaJob> = stuck
            .into_iter()
            .map(|attachment_id| MediaJob { attachment_id })
            .collect();
        let failed = queue.send_all(&jobs, Duration::ZERO).await;
        swept.requeued = jobs.len() - failed.len();
    }
    Ok(swept)
}
