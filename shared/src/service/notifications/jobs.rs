//! The e-mail queue's jobs, and queueing them when a message is stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::contract::{ChatId, UserId};
use crate::ctx::Ctx;
use crate::repo::notifications as repo;

/// A message gets no job of its own when an earlier job for the same member and chat fires
/// at least this much later (the margin covers clocks that disagree a little).
const PENDING_MARGIN_SECS: f64 = 5.0;

/// One job on the e-mail queue: "look at `user_id`'s unread messages in `chat_id`". `seq`
/// is the message that caused it (for logs); `deferred_until` marks the job a worker queued
/// for the end of a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub user_id: UserId,
    pub chat_id: ChatId,
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<DateTime<Utc>>,
}

/// Runs after every newly stored message: queues a delayed job for each member (not the
/// sender) who has no live connection, has notifications on and has not read it. Never
/// fails the send: problems are logged (ids only) and the message stays stored.
pub async fn message_stored(ctx: &Ctx, chat: ChatId, sender: UserId, seq: i64) {
    if let Err(err) = enqueue(ctx, chat, sender, seq).await {
        tracing::warn!(chat_id = %chat.0, seq, error = %format!("{err:#}"), "e-mail notification jobs were not queued");
    }
}

async fn enqueue(ctx: &Ctx, chat: ChatId, sender: UserId, seq: i64) -> anyhow::Result<()> {
    let Some(queue) = ctx.email_queue.as_ref() else {
        return Ok(());
    };
    let delay = ctx.config.email_delay;
    let pending = (delay.as_secs_f64() - PENDING_MARGIN_SECS).max(0.0);
    let users = {
        let db = ctx.db.get().await?;
        repo::mark_queued(&db, chat, sender, seq, pending).await?
    };
    if users.is_empty() {
        return Ok(());
    }
    let jobs: Vec<Job> = users
        .iter()
        .map(|&user_id| Job {
            user_id,
            chat_id: chat,
            seq,
            deferred_until: None,
        })
        .collect();
    let failed: Vec<UserId> = queue
        .send_all(&jobs, delay)
        .await
        .into_iter()
        .filter_map(|i| jobs.get(i).map(|j| j.user_id))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    let db = ctx.db.get().await?;
    repo::unmark_queued(&db, chat, &failed).await?;
    anyhow::bail!(
        "{} of {} jobs could not be queued",
        failed.len(),
        jobs.len()
    )
}
