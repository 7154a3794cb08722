//! The media worker: checks a completed upload's bytes against its declared type, makes a
//! thumbnail of an image, writes the accepted bytes to the served key, records the verdict
//! once and announces it. The sweeps of what must not stay live in [`super::cleanup`].

use tokio::sync::Semaphore;

use super::thumbnail::{self, Thumbnail};
use super::uploads::{staging_key, storage, thumbnail_key};
use crate::clients::storage::{Storage, StorageError};
use crate::contract::{AttachmentId, AttachmentStatus};
use crate::ctx::Ctx;
use crate::domain::attachment;
use crate::repo::attachments::{self as repo, AttachmentRow, Verdict};
use crate::service::announce::{Change, Known};
use crate::service::outbox;

/// How many jobs one instance works on at once, whatever the batch size or the SQS adapter's
/// concurrency. A job holds the file (25 MB at most), its decoded pixels (40 megapixels, 160 MB
/// as RGBA), one oriented copy and the thumbnail: about 400 MB, so two fit the function's
/// 1,024 MB (docs/SECURITY.md, "Files").
pub const MAX_JOBS: usize = 2;
static JOBS: Semaphore = Semaphore::const_new(MAX_JOBS);

/// The media worker's job: read the staged upload, check its bytes against the declared type,
/// make a thumbnail of an image, write the very bytes checked to the served key, record the
/// verdict once and announce it. The staged object is deleted either way. Errors are
/// transient (S3, the database): the job is retried.
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
    let _permit = JOBS.acquire().await?;
    let staged = staging_key(row.chat_id, row.id);
    let bytes = match storage.get(&staged).await {
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
        Ok(thumb) => {
            // The bytes checked, not whatever the staging key holds now: a presigned URL used
            // again between the read and this write cannot slip other bytes in.
            storage
                .put(&row.object_key, &row.content_type, bytes)
                .await?;
            let mut verdict = Verdict::Ready {
                thumbnail_key: None,
                width: None,
                height: None,
            };
            if let Some(thumb) = thumb {
                let key = thumbnail_key(row.chat_id, row.id);
                // The same key every time: a redelivered job overwrites, never adds, a thumbnail.
                storage.put(&key, thumb.content_type, thumb.bytes).await?;
                verdict = Verdict::Ready {
                    thumbnail_key: Some(key),
                    width: i32::try_from(thumb.width).ok(),
                    height: i32::try_from(thumb.height).ok(),
                };
            }
            verdict
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
    // Deleting twice is harmless, so a redelivered job may do it again.
    storage.delete(&staging_key(row.chat_id, row.id)).await?;
    if rejected && updated.is_some() {
        // Nothing should be there; a job that accepted the file and died before its verdict
        // may have left the bytes it checked.
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
