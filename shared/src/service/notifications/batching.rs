//! The e-mail worker's handling of one job: re-check at send time (still a member, opted in,
//! offline, something unread), at most one mail per user and chat per window (later jobs are
//! deferred to the window's end), a claim so that duplicated or redelivered jobs send once,
//! then render, send through SESv2 and record.

use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::jobs::Job;
use super::render;
use crate::auth::unsubscribe;
use crate::clients::mailer::MailError;
use crate::clients::queue::MAX_DELAY;
use crate::ctx::Ctx;
use crate::repo::notifications::{self as repo, Outcome, Recipient};

/// How many messages a mail quotes.
pub const PREVIEWS: i64 = 3;
/// A claim older than this lost its worker (the worker's Lambda timeout is 30 s) and is sent
/// again under the same key (docs/EMAIL.md). Shorter than the e-mail queue's visibility
/// timeout times its receive count (180 s x 5), so the crashed job's own redelivery gets to it.
pub const CLAIM_LEASE: Duration = Duration::from_secs(300);

/// What a job came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// SES accepted a mail.
    Sent,
    /// SES refused the mail for good; recorded, not retried.
    Rejected,
    /// A mail went out within the window: a job for its end is queued (or already was).
    Deferred,
    /// Nothing to send, and why.
    Skipped(&'static str),
}

/// Delivers one job. `Err` means "try again later" (SQS redelivers it, and after the queue's
/// `maxReceiveCount` moves it to the dead-letter queue).
pub async fn deliver(ctx: &Ctx, job: &Job) -> anyhow::Result<Delivery> {
    let (user, chat) = (job.user_id, job.chat_id);
    let db = ctx.db.get().await?;
    // At least once: a claim whose worker died is sent again, under its own key.
    let retry_of = repo::release_stale_claim(&db, user, chat, CLAIM_LEASE.as_secs_f64()).await?;
    if let Some(key) = retry_of {
        tracing::warn!(user_id = %user.0, chat_id = %chat.0, notification_id = %key, "a notification claim outlived its lease; sending it again");
    }
    let Some(r) = repo::recipient(&db, user, chat).await? else {
        return Ok(Delivery::Skipped("not_a_member"));
    };
    if !r.opted_in {
        return Ok(Delivery::Skipped("opted_out"));
    }
    if r.online {
        return Ok(Delivery::Skipped("online"));
    }
    if r.last_read_seq.max(r.notified_seq) >= r.last_seq {
        return Ok(Delivery::Skipped("nothing_new"));
    }
    if r.sending {
        anyhow::bail!("another job is sending this notification");
    }
    let window = chrono::Duration::from_std(ctx.config.email_window)?;
    if let Some(ends) = r.last_sent_at.map(|t| t + window).filter(|&e| e > r.now) {
        return defer(ctx, &db, job, &r, ends).await;
    }
    let mailer = ctx.mailer.as_ref().context("EMAIL_FROM is not set")?;
    // The claim's id is the notification's idempotency key: SES carries it as a message tag.
    let claim_id = retry_of.unwrap_or_else(Uuid::new_v4);
    let window_secs = ctx.config.email_window.as_secs_f64();
    let Some(notified) = repo::claim(&db, user, chat, claim_id, r.last_seq, window_secs).await?
    else {
        anyhow::bail!("another job claimed this notification first");
    };
    let after = r.last_read_seq.max(notified);
    let mut maybe_sent = false;
    let sent = async {
        let missed = repo::missed(&db, user, chat, after, r.last_seq, PREVIEWS).await?;
        if missed.count == 0 {
            repo::finish(&db, claim_id, Outcome::Nothing).await?;
            return Ok(Delivery::Skipped("nothing_new"));
        }
        let token = unsubscribe::issue(&ctx.config, user)?;
        let mut mail = render::compose(&ctx.config, &r, chat, &missed, &token)?;
        mail.key = Some(claim_id.to_string());
        match mailer.send(&mail).await {
            Ok(()) => {
                exit_if_armed();
                if let Err(err) = repo::finish(&db, claim_id, Outcome::Sent).await {
                    // The mail is out: retrying now would send it again. The claim stays;
                    // once its lease runs out the notification is sent again under this key
                    // (at least once: a duplicate here, never a loss).
                    tracing::error!(user_id = %user.0, chat_id = %chat.0, error = %err.detail(), "sent, but not recorded");
                }
                Ok(Delivery::Sent)
            }
            Err(MailError::Permanent(code)) => {
                tracing::warn!(user_id = %user.0, chat_id = %chat.0, code = %code, "SES refused the notification for good");
                repo::finish(&db, claim_id, Outcome::Rejected(&code)).await?;
                Ok(Delivery::Rejected)
            }
            Err(MailError::Transient(err)) => Err(err),
            Err(MailError::Unknown(err)) => {
                maybe_sent = true;
                Err(err)
            }
        }
    }
    .await;
    // A mail SES may have taken keeps its claim: its Send event settles it if it went out
    // (`events::handle`), else the lease runs out and it is sent again under this key.
    if sent.is_err() && !maybe_sent {
        // Best effort: otherwise the claim blocks retries until its lease runs out.
        let _ = repo::release(&db, user, chat, claim_id).await;
    }
    sent
}

/// A mail went out less than a window ago: queue one job for the window's end, unless one
/// is already on its way.
async fn defer(
    ctx: &Ctx,
    db: &impl crate::repo::GenericClient,
    job: &Job,
    r: &Recipient,
    ends: DateTime<Utc>,
) -> anyhow::Result<Delivery> {
    let (user, chat) = (job.user_id, job.chat_id);
    let pending = r
        .deferred_until
        .is_some_and(|d| d >= ends && job.deferred_until != Some(d));
    if pending || !repo::defer(db, user, chat, r.deferred_until, ends).await? {
        return Ok(Delivery::Skipped("already_deferred"));
    }
    let queue = ctx
        .email_queue
        .as_ref()
        .context("no e-mail queue to defer the notification to")?;
    let secs = ((ends - r.now).num_seconds() + 1).max(1);
    let delay = Duration::from_secs(u64::try_from(secs).unwrap_or(1)).min(MAX_DELAY);
    let next = Job {
        user_id: user,
        chat_id: chat,
        seq: r.last_seq,
        deferred_until: Some(ends),
    };
    if let Err(e) = queue.send(&next, delay).await {
        repo::undefer(db, user, chat, ends).await?;
        return Err(
            anyhow::Error::from(e).context("the deferred notification job could not be queued")
        );
    }
    Ok(Delivery::Deferred)
}

// ---- the mail -----------------------------------------------------------------------------

/// Fault (f) of the fault suite (bench/faults.sh, docs/RELIABILITY.md): with
/// `FAULT_EXIT_AFTER_MAIL_ACCEPTED` set (non-empty), the process exits the moment SES has
/// accepted a mail, before its claim records it, as a worker whose Lambda dies in that window.
/// Read once per process; nothing sets it outside the suite.
fn exit_if_armed() {
    static ARMED: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
        std::env::var_os("FAULT_EXIT_AFTER_MAIL_ACCEPTED").is_some_and(|v| !v.is_empty())
    });
    if *ARMED {
        tracing::error!("fault injected: exiting after SES accepted a mail, before recording it");
        std::process::exit(137);
    }
}
