//! E-mail notification state (`email_notifications`, one row per user and chat): which
//! members are due a job when a message is stored, what a job finds at send time, and the
//! claim that keeps a duplicated or redelivered job from sending twice.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::GenericClient;
use crate::contract::{ChatId, ChatKind, UserId};
use crate::error::ApiError;

/// The members of `chat` (not `sender`) who are due a notification job for message `seq`:
/// notifications on, a verified address, no live connection, the message unread. Marks them
/// queued and returns them, except those whose earlier job is still waiting out its delay for
/// at least `pending_secs` more seconds, and those a job for the end of their mail window is
/// already queued for (either job will mail about this message too).
pub async fn mark_queued(
    db: &impl GenericClient,
    chat: ChatId,
    sender: UserId,
    seq: i64,
    pending_secs: f64,
) -> Result<Vec<UserId>, ApiError> {
    let rows = super::query(
        db,
        "INSERT INTO email_notifications AS n (user_id, chat_id, queued_at) \
             SELECT m.user_id, m.chat_id, now() FROM chat_members m \
             JOIN users u ON u.id = m.user_id \
             WHERE m.chat_id = $1 AND m.user_id <> $2 AND m.last_read_seq < $3 \
               AND u.email_notifications AND u.email_verified_at IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = m.user_id) \
             ON CONFLICT (user_id, chat_id) DO UPDATE SET queued_at = now() \
             WHERE (n.queued_at IS NULL \
                    OR n.queued_at <= now() - make_interval(secs => $4)) \
               AND (n.deferred_until IS NULL OR n.deferred_until <= now()) \
             RETURNING n.user_id",
        &[&chat.0, &sender.0, &seq, &pending_secs],
    )
    .await?;
    rows.iter().map(|r| Ok(UserId(r.try_get(0)?))).collect()
}

/// Forgets that jobs were queued for `users` (their enqueue failed), so the next message
/// queues again.
pub async fn unmark_queued(
    db: &impl GenericClient,
    chat: ChatId,
    users: &[UserId],
) -> Result<(), ApiError> {
    let ids: Vec<Uuid> = users.iter().map(|u| u.0).collect();
    super::execute(
        db,
        "UPDATE email_notifications SET queued_at = NULL \
         WHERE chat_id = $1 AND user_id = ANY($2)",
        &[&chat.0, &ids],
    )
    .await?;
    Ok(())
}

/// Everything a job decides on, read at send time.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub email: String,
    pub display_name: String,
    /// Notifications on and the address verified (mail goes only to proven mailboxes).
    pub opted_in: bool,
    pub online: bool,
    pub last_read_seq: i64,
    pub chat_kind: ChatKind,
    pub chat_title: Option<String>,
    pub last_seq: i64,
    pub notified_seq: i64,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub sending: bool,
    pub deferred_until: Option<DateTime<Utc>>,
    /// The database's clock, which every time above comes from.
    pub now: DateTime<Utc>,
}

/// The recipient's state in `chat`; `None` when they are no longer a member.
pub async fn recipient(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
) -> Result<Option<Recipient>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT u.email, u.display_name, \
                    (u.email_notifications AND u.email_verified_at IS NOT NULL) \
                        AS email_notifications, \
                    EXISTS (SELECT 1 FROM connections c WHERE c.user_id = u.id) AS online, \
                    m.last_read_seq, c.kind, c.title, c.last_seq, \
                    coalesce(n.notified_seq, 0) AS notified_seq, n.last_sent_at, \
                    n.sending_id IS NOT NULL AS sending, n.deferred_until, now() AS now \
             FROM chat_members m \
             JOIN users u ON u.id = m.user_id \
             JOIN chats c ON c.id = m.chat_id \
             LEFT JOIN email_notifications n ON n.user_id = m.user_id AND n.chat_id = m.chat_id \
             WHERE m.user_id = $1 AND m.chat_id = $2",
        &[&user.0, &chat.0],
    )
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Recipient {
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        opted_in: r.try_get("email_notifications")?,
        online: r.try_get("online")?,
        last_read_seq: r.try_get("last_read_seq")?,
        chat_kind: ChatKind::from_db(r.try_get("kind")?),
        chat_title: r.try_get("title")?,
        last_seq: r.try_get("last_seq")?,
        notified_seq: r.try_get("notified_seq")?,
        last_sent_at: r.try_get("last_sent_at")?,
        sending: r.try_get("sending")?,
        deferred_until: r.try_get("deferred_until")?,
        now: r.try_get("now")?,
    }))
}

/// Gives up a claim older than `lease_secs` (its worker died between claiming and recording
/// the outcome) and returns its id, the notification's idempotency key, for the retry to send
/// under. Of concurrent callers one gets it. `None` when there was no stale claim.
pub async fn release_stale_claim(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
    lease_secs: f64,
) -> Result<Option<Uuid>, ApiError> {
    let row = super::query_opt(
        db,
        "UPDATE email_notifications AS n SET \
               sending_id = NULL, sending_since = NULL, sending_upto = NULL \
             FROM (SELECT user_id, chat_id, sending_id FROM email_notifications \
                   WHERE user_id = $1 AND chat_id = $2 \
                     AND sending_since < now() - make_interval(secs => $3) \
                   FOR UPDATE) AS stale \
             WHERE n.user_id = stale.user_id AND n.chat_id = stale.chat_id \
             RETURNING stale.sending_id",
        &[&user.0, &chat.0, &lease_secs],
    )
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Records that a job for the end of the window is on its way, unless another job already
/// changed the deferral since the caller read `seen`. True when this caller won.
pub async fn defer(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
    seen: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let n = super::execute(
        db,
        "UPDATE email_notifications SET deferred_until = $4 \
             WHERE user_id = $1 AND chat_id = $2 AND deferred_until IS NOT DISTINCT FROM $3",
        &[&user.0, &chat.0, &seen, &until],
    )
    .await?;
    Ok(n == 1)
}

/// Puts a deferral back after its job could not be queued.
pub async fn undefer(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
    until: DateTime<Utc>,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "UPDATE email_notifications SET deferred_until = NULL \
         WHERE user_id = $1 AND chat_id = $2 AND deferred_until = $3",
        &[&user.0, &chat.0, &until],
    )
    .await?;
    Ok(())
}

/// Claims the right to mail about messages up to `upto`: only when nobody else holds a
/// claim, the window since the last mail has passed and something is new. Returns the seq
/// mailed about before (the summary starts after it), or `None` when another job got there.
pub async fn claim(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
    claim_id: Uuid,
    upto: i64,
    window_secs: f64,
) -> Result<Option<i64>, ApiError> {
    let row = super::query_opt(
        db,
        "INSERT INTO email_notifications AS n \
               (user_id, chat_id, sending_id, sending_since, sending_upto) \
             VALUES ($1, $2, $3, now(), $4) \
             ON CONFLICT (user_id, chat_id) DO UPDATE SET \
               sending_id = EXCLUDED.sending_id, sending_since = EXCLUDED.sending_since, \
               sending_upto = EXCLUDED.sending_upto \
             WHERE n.sending_id IS NULL AND n.notified_seq < $4 \
               AND (n.last_sent_at IS NULL \
                    OR n.last_sent_at <= now() - make_interval(secs => $5)) \
             RETURNING n.notified_seq",
        &[&user.0, &chat.0, &claim_id, &upto, &window_secs],
    )
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// How a claim ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// SES accepted the mail: the window starts now.
    Sent,
    /// SES refused it for good (recorded with its code); counts as a mail for the window,
    /// so a bad address is not tried again for every message.
    Rejected(&'a str),
    /// There was nothing to mail about (all deleted, or all the recipient's own).
    Nothing,
}

/// Ends the claim `claim_id` with its outcome, whoever holds it (its worker, or SES's Send
/// event for it): the messages up to its seq are settled. False when no claim has that id
/// (already settled, or released).
pub async fn finish(
    db: &impl GenericClient,
    claim_id: Uuid,
    outcome: Outcome<'_>,
) -> Result<bool, ApiError> {
    let (stamp, failure) = match outcome {
        Outcome::Sent => (true, None),
        Outcome::Rejected(code) => (true, Some(code)),
        Outcome::Nothing => (false, None),
    };
    // A claim's id is unique among the claims in flight (V12's index).
    let n = super::execute(
        db,
        "UPDATE email_notifications SET \
           notified_seq = greatest(notified_seq, sending_upto), \
           last_sent_at = CASE WHEN $2 THEN now() ELSE last_sent_at END, \
           failed_at = CASE WHEN $3::text IS NULL THEN failed_at ELSE now() END, \
           failure = coalesce($3, failure), \
           sending_id = NULL, sending_since = NULL, sending_upto = NULL \
         WHERE sending_id = $1",
        &[&claim_id, &stamp, &failure],
    )
    .await?;
    Ok(n > 0)
}

/// Gives a claim up without settling anything (SES failed in a way worth retrying).
pub async fn release(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
    claim_id: Uuid,
) -> Result<(), ApiError> {
    super::execute(db,
        "UPDATE email_notifications SET sending_id = NULL, sending_since = NULL, sending_upto = NULL \
         WHERE user_id = $1 AND chat_id = $2 AND sending_id = $3",
        &[&user.0, &chat.0, &claim_id],
    )
    .await?;
    Ok(())
}

/// One message in a summary.
#[derive(Debug, Clone)]
pub struct Preview {
    pub sender: String,
    pub body: String,
}

/// What the recipient missed in a chat: messages after `after` up to `upto`, not their own,
/// not deleted.
#[derive(Debug, Clone)]
pub struct Missed {
    pub count: i64,
    /// Display names, in the order they first wrote.
    pub senders: Vec<String>,
    /// The first `previews` messages.
    pub previews: Vec<Preview>,
}

pub async fn missed(
    db: &impl GenericClient,
    user: UserId,
    chat: ChatId,
    after: i64,
    upto: i64,
    previews: i64,
) -> Result<Missed, ApiError> {
    const MISSED: &str = "FROM messages m JOIN users s ON s.id = m.sender_id \
        WHERE m.chat_id = $1 AND m.seq > $2 AND m.seq <= $3 AND m.sender_id <> $4 \
          AND m.deleted_at IS NULL";
    let args: [&(dyn tokio_postgres::types::ToSql + Sync); 4] = [&chat.0, &after, &upto, &user.0];
    let count: i64 = super::query_one(db, &format!("SELECT count(*) {MISSED}"), &args)
        .await?
        .try_get(0)?;
    let senders = super::query(
        db,
        &format!(
            "SELECT s.display_name {MISSED} GROUP BY s.id, s.display_name ORDER BY min(m.seq)"
        ),
        &args,
    )
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<Vec<String>, _>>()?;
    let mut with_limit: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = args.to_vec();
    with_limit.push(&previews);
    let previews = super::query(
        db,
        // A message of attachments only is previewed by its files' names.
        &format!(
            "SELECT s.display_name, CASE WHEN m.body <> '' THEN m.body ELSE coalesce(\
                   (SELECT 'Sent ' || string_agg(a.filename, ', ' ORDER BY a.position) \
                    FROM attachments a WHERE a.message_id = m.id), '') END \
                 {MISSED} ORDER BY m.seq LIMIT $5"
        ),
        &with_limit,
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Preview {
            sender: r.try_get(0)?,
            body: r.try_get(1)?,
        })
    })
    .collect::<Result<Vec<_>, tokio_postgres::Error>>()?;
    Ok(Missed {
        count,
        senders,
        previews,
    })
}
