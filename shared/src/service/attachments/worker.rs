//! The media worker: checks a completed upload's bytes against its declared type, makes a
//! thumbnail of an image, records the verdict once and announces it; and the sweep of uploads
//! never completed.

use std::time::Duration;

use chrono::Utc;

use super::thumbnail::{self, Thumbnail};
use super::uploads::{storage, thumbnail_key};
use crate::clients::storage::{Storage, StorageError};
use crate::contract::{AttachmentId, AttachmentStatus};
use crate::ctx::Ctx;
use crate::domain::attachment;
use crate::error::ApiError;
use crate::repo::attachments::{self as repo, AttachmentRow, Verdict};
use crate::service::announce::{Change, Known};
use crate::service::outbox;

/// Uploads not completed within this long are removed.
pub const PENDING_TTL: Duration = Duration::from_secs(24 * 3600);

/// The media worker's job: read the object, check its bytes against the declared type, make
/// a thumbnail of an image, record the verdict once and announce it. A refused object is
/// deleted. Errors are transient (S3, the database): the job is retried.
pub async fn process(ctx: &Ctx, id: AttachmentId) -> anyhow::Result<()> {
    let storage = storage(ctx).map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(row) = repo::find(&ctx.db.get().await?, id, false).await? else {
        tracing::info!(attachment_id = %id, "media job for an attachment that no longer exists");
        return Ok(());
    };
    if row.status != AttachmentStatus::Processing {
        // Done already (a redelivered job), or never completed.
        return Ok(());
    }
    let bytes = match storage.get(&row.object_key).await {
        Ok(bytes) => bytes,
        Err(StorageError::NotFound) => {
            let gone = Verdict::Rejected {
                reason: "the file is gone".to_owned(),
            };
            return record(ctx, storage, &row, gone).await;
        }
        Err(e) => return Err(e.into()),
    };
    let verdict = match inspect(&row, &bytes) {
        Err(reason) => Verdict::Rejected { reason },
        Ok(None) => {
            // Accepted: the object loses its `pending` tag, so the lifecycle rule keeps it.
            storage.untag(&row.object_key).await?;
            Verdict::Ready {
                thumbnail_key: None,
                width: None,
                height: None,
            }
        }
        Ok(Some(thumb)) => {
            storage.untag(&row.object_key).await?;
            let key = thumbnail_key(row.chat_id, row.id);
            // The same key every time: a redelivered job overwrites, never adds, a thumbnail.
            storage.put(&key, thumb.content_type, thumb.bytes).await?;
            Verdict::Ready {
                thumbnail_key: Some(key),
                width: i32::try_from(thumb.width).ok(),
                height: i32::try_from(thumb.height).ok(),
            }
        }
    };
    record(ctx, storage, &row, verdict).await
}

/// Checks the bytes; for an image returns its thumbnail.
fn inspect(row: &AttachmentRow, bytes: &[u8]) -> Result<Option<Thumbnail>, String> {
    if i64::try_from(bytes.len()).ok() != Some(row.size) {
        return Err(format!(
            "{} bytes stored, {} declared",
            bytes.len(),
            row.size
        ));
    }
    attachment::bytes_match_type(&row.content_type, bytes)?;
    if attachment::is_image(&row.content_type) {
        thumbnail::thumbnail(bytes).map(Some)
    } else {
        Ok(None)
    }
}

async fn record(
    ctx: &Ctx,
    storage: &Storage,
    row: &AttachmentRow,
    verdict: Verdict,
) -> anyhow::Result<()> {
    let rejected = matches!(verdict, Verdict::Rejected { .. });
    if let Verdict::Rejected { reason } = &verdict {
        tracing::info!(attachment_id = %row.id, %reason, "attachment rejected");
    }
    // The verdict and its announcement are recorded together.
    let change = Change::AttachmentFinished {
        attachment_id: row.id,
    };
    let (updated, recorded) = {
        let mut db = ctx.db.get().await?;
        let tx = db.transaction().await?;
        let updated = repo::finish(&tx, row.id, &verdict).await?;
        let recorded = match updated {
            Some(_) => Some(outbox::record(ctx, &tx, &change).await?),
            None => None,
        };
        tx.commit().await?;
        (updated, recorded)
    };
    if rejected {
        // Deleting twice is harmless, so a redelivered job may do it again.
        storage.delete(&row.object_key).await?;
    }
    if let (Some(updated), Some(id)) = (updated, recorded) {
        let known = Known {
            attachment: Some((updated.clone().into(), updated.uploader_id)),
            ..Known::default()
        };
        outbox::announce_recorded(ctx, id, &change, known).await;
    }
    Ok(())
}

/// Removes uploads never completed within 24 hours: rows and objects (a PUT may have
/// happened without the completion). Returns how many.
pub async fn sweep_pending(ctx: &Ctx) -> Result<usize, ApiError> {
    let Some(storage) = ctx.storage.as_ref() else {
        return Ok(0);
    };
    let cutoff = Utc::now() - chrono::Duration::from_std(PENDING_TTL).unwrap_or_default();
    let mut removed = 0;
    loop {
        let rows = repo::delete_stale_pending(&ctx.db.get().await?, cutoff, 500).await?;
        if rows.is_empty() {
            break;
        }
        removed += rows.len();
        for row in &rows {
            if let Err(e) = storage.delete(&row.object_key).await {
                // The bucket's lifecycle rule removes what is left behind.
                tracing::warn!(attachment_id = %row.id, error = %e, "could not delete a stale upload");
            }
        }
    }
    Ok(removed)
}
