//! The outbox (migrations/V6__outbox.sql): what a write must announce is recorded with it;
//! the writer announces it right after commit and marks it done; the drainer announces what
//! writers left (they died, timed out or lost the database in between).
//!
//! Marking done is batched: a process notes the ids it finished and deletes them together,
//! with the next flush (every few milliseconds in the local gateway, after each event in a
//! Lambda), so a send costs one statement and one commit, not two. A row whose mark is lost
//! with its process is announced once more by the drainer: harmless, since announcements are
//! at least once and clients de-duplicate.

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::{GenericClient, outbox};
use crate::service::announce::{self, Change, Known, Outcome};

/// Records `change` in the writer's transaction; returns the row's id.
pub async fn record(ctx: &Ctx, tx: &impl GenericClient, change: &Change) -> Result<i64, ApiError> {
    outbox::insert(tx, &change.to_json(), ctx.config.outbox_lease.as_secs_f64()).await
}

/// Announces a committed change and marks its outbox row done, unless something that must
/// not be lost failed (then the drainer tries again after the lease).
pub async fn announce_recorded(ctx: &Ctx, id: i64, change: &Change, known: Known) {
    match announce::announce(ctx, change, known).await {
        Outcome::Done => ctx.outbox.push(id),
        Outcome::Retry(reason) => {
            tracing::warn!(outbox_id = id, %reason, "announcement unfinished; the drainer will retry");
        }
    }
}

/// Deletes the rows this process finished. Called on a short timer by the local gateway and
/// after every event by the Lambda runners. Errors leave the ids to the drainer.
pub async fn flush(ctx: &Ctx) {
    let ids = ctx.outbox.take();
    if ids.is_empty() {
        return;
    }
    let result = match ctx.db.get().await {
        Ok(db) => outbox::delete(&db, &ids).await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e.detail(), count = ids.len(), "could not mark announcements done; the drainer will repeat them");
    }
}

/// Rows taken per drain round.
const DRAIN_BATCH: i64 = 200;

/// What one drain did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DrainReport {
    pub announced: usize,
    pub retried: usize,
    pub dropped: usize,
}

/// The scheduled drainer: announces every due row (oldest first) and deletes it once done.
/// A row that fails keeps its turn later; one that does not parse is dropped (logged).
pub async fn drain(ctx: &Ctx) -> Result<DrainReport, ApiError> {
    let mut report = DrainReport::default();
    let retry_secs = ctx.config.outbox_lease.as_secs_f64();
    loop {
        let due = outbox::take_due(&ctx.db.get().await?, retry_secs, DRAIN_BATCH).await?;
        if due.is_empty() {
            break;
        }
        let mut done = Vec::new();
        for row in &due {
            let change: Change = match serde_json::from_value(row.change.clone()) {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(outbox_id = row.id, error = %e, "not a change; dropped");
                    report.dropped += 1;
                    done.push(row.id);
                    continue;
                }
            };
            match announce::announce(ctx, &change, Known::default()).await {
                Outcome::Done => {
                    report.announced += 1;
                    done.push(row.id);
                }
                Outcome::Retry(reason) => {
                    report.retried += 1;
                    tracing::warn!(outbox_id = row.id, attempts = row.attempts, %reason, "announcement failed again");
                }
            }
        }
        outbox::delete(&ctx.db.get().await?, &done).await?;
        if (due.len() as i64) < DRAIN_BATCH {
            break;
        }
    }
    if report != DrainReport::default() {
        tracing::info!(?report, "outbox drained");
    }
    Ok(report)
}
