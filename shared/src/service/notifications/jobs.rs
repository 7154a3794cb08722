//! The e-mail queue's jobs, and queueing them when a message is stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::contract::{ChatId, UserId};
use crate::ctx::Ctx;

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

/// Queues a delayed job for each of `users` (the members a stored message marked as due
/// one: offline, opted in, not the sender). An error means some were not queued: the caller
/// keeps the announcement (the outbox) and tries again; a job queued twice sends nothing twice.
pub async fn queue_jobs(ctx: &Ctx, chat: ChatId, seq: i64, users: &[UserId]) -> anyhow::Result<()> {
    let Some(queue) = ctx.email_queue.as_ref() else {
        return Ok(());
    };
    let jobs: Vec<Job> = users
        .iter()
        .map(|&user_id| Job {
            user_id,
            chat_id: chat,
            seq,
            deferred_until: None,
        })
        .collect();
    let failed = queue.send_all(&jobs, ctx.config.email_delay).await;
    if failed.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "{} of {} e-mail jobs could not be queued",
        failed.len(),
        jobs.len()
    )
}

/// A member whose job was queued this recently gets no new one: that job, still waiting out
/// its delay, will mail about the new message too. The margin covers clocks that disagree a
/// little.
pub fn pending_secs(ctx: &Ctx) -> f64 {
    (ctx.config.email_delay.as_secs_f64() - PENDING_MARGIN_SECS).max(0.0)
}
