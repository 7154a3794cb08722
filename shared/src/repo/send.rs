//! The send of a text message in one statement: find the sender (by its WebSocket connection,
//! touching it at most every few minutes, or as given), check membership, return the original
//! on a repeated `client_message_id`, take the next seq under the chat's row lock, store the
//! message, decide who is due an e-mail job, record the announcement in the outbox, and answer
//! the connections to push to. One statement is one transaction: all of it happens, or none.

use uuid::Uuid;

use super::connections::Target;
use super::limits::Rule;
use super::messages::{self, COLUMNS, MessageRow};
use super::{GenericClient, prepared};
use crate::contract::{ChatId, MessageId, UserId};
use crate::error::{ApiError, violated_constraint};

/// A text message to store.
#[derive(Debug, Clone)]
pub struct TextSend<'a> {
    pub chat: ChatId,
    /// The sender when known (REST); otherwise the user behind `connection`.
    pub sender: Option<UserId>,
    /// The WebSocket connection the frame came on (it gets the ACK, not `new_message`).
    pub connection: Option<&'a str>,
    pub client_message_id: Uuid,
    pub body: &'a str,
    /// Touch the connection when it was last touched longer ago than this.
    pub touch_after_secs: f64,
    /// Mark offline members due an e-mail job (there is an e-mail queue).
    pub email: bool,
    /// A member whose e-mail job was queued less than this ago gets no new one (nor one whose
    /// job for the end of the mail window is queued).
    pub email_pending_secs: f64,
    /// The outbox lease.
    pub lease_secs: f64,
    /// The sender's send limit (`RATE_LIMIT_SEND_USER`), if on.
    pub limit: Option<Rule>,
}

/// What the statement found and did.
#[derive(Debug, Clone)]
pub enum Sent {
    /// The connection is unknown (closed, or never signed in).
    NoSender,
    /// The sender is not a member of the chat.
    NotMember,
    /// A direct chat with a block between its members (either way): nothing was stored.
    Blocked,
    /// Over the sender's send limit: nothing was stored; try again after this long.
    Limited(std::time::Duration),
    /// The `client_message_id` was used before: the original (attachments not loaded).
    Existing(MessageRow),
    Stored(Stored),
}

#[derive(Debug, Clone)]
pub struct Stored {
    pub message: MessageRow,
    pub outbox_id: i64,
    /// Every connection of every member, but the sending one.
    pub targets: Vec<Target>,
    pub member_count: i64,
    /// Members marked due an e-mail job.
    pub email_users: Vec<UserId>,
}

/// The statement's text, built once.
static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(sql);

fn sql() -> String {
    let prefixed = |p: &str| {
        COLUMNS
            .split(", ")
            .map(|c| format!("{p}.{c} AS {p}_{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "WITH {sender}, member AS (
             SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = (SELECT id FROM sender)
         ), blocked AS ({blocked}
         ), existing AS (
             SELECT {COLUMNS} FROM messages
             WHERE sender_id = (SELECT id FROM sender) AND client_message_id = $3
         ), limit_prev AS (
             SELECT tat FROM rate_limits WHERE $13 AND key = 'send:' || (SELECT id FROM sender)
         ), allowed AS ({take}
         ), bumped AS (
             UPDATE chats SET last_seq = last_seq + 1, last_activity_at = now()
             WHERE id = $1 AND EXISTS (SELECT 1 FROM member) AND NOT EXISTS (SELECT 1 FROM existing)
               AND NOT EXISTS (SELECT 1 FROM blocked)
               AND (NOT $13 OR EXISTS (SELECT 1 FROM allowed))
             RETURNING last_seq
         ), inserted AS (
             INSERT INTO messages (id, chat_id, seq, sender_id, client_message_id, body)
             SELECT $4, $1, last_seq, (SELECT id FROM sender), $3, $5 FROM bumped
             RETURNING {COLUMNS}
         ), recipients AS (
             SELECT m.user_id, c.connection_id, \
                    u.email_notifications AND u.email_verified_at IS NOT NULL AS email_notifications
             FROM chat_members m JOIN users u ON u.id = m.user_id
             LEFT JOIN connections c ON c.user_id = m.user_id
             WHERE m.chat_id = $1 AND EXISTS (SELECT 1 FROM inserted)
         ), mailed AS (
             INSERT INTO email_notifications AS n (user_id, chat_id, queued_at)
             SELECT DISTINCT r.user_id, $1::uuid, now() FROM recipients r
             WHERE $8 AND r.connection_id IS NULL AND r.email_notifications
               AND r.user_id <> (SELECT id FROM sender)
             ON CONFLICT (user_id, chat_id) DO UPDATE SET queued_at = now()
             WHERE (n.queued_at IS NULL OR n.queued_at <= now() - make_interval(secs => $9))
               AND (n.deferred_until IS NULL OR n.deferred_until <= now())
             RETURNING n.user_id
         ), outboxed AS (
             INSERT INTO outbox (change, due_at)
             SELECT jsonb_build_object(
                        'change', 'message_stored', 'chat_id', $1::uuid, 'message_id', $4::uuid,
                        'except_connection', $7::text,
                        'email_users', coalesce((SELECT jsonb_agg(user_id) FROM mailed), '[]'::jsonb)),
                    now() + make_interval(secs => $10)
             FROM inserted
             RETURNING id
         ), targets AS (
             SELECT connection_id, user_id FROM recipients
             WHERE connection_id IS NOT NULL AND connection_id IS DISTINCT FROM $7
         )
         SELECT (SELECT id FROM sender) AS sender,
                EXISTS (SELECT 1 FROM member) AS is_member,
                EXISTS (SELECT 1 FROM blocked) AS blocked,
                $13 AND EXISTS (SELECT 1 FROM member) AND NOT EXISTS (SELECT 1 FROM existing)
                    AND NOT EXISTS (SELECT 1 FROM allowed) AS limited,
                {wait} AS limit_wait,
                (SELECT count(DISTINCT user_id) FROM recipients) AS member_count,
                (SELECT array_agg(connection_id ORDER BY connection_id) FROM targets) AS target_connections,
                (SELECT array_agg(user_id ORDER BY connection_id) FROM targets) AS target_users,
                (SELECT array_agg(user_id) FROM mailed) AS email_users,
                (SELECT id FROM outboxed) AS outbox_id,
                {i}, {e}
         FROM (SELECT 1) AS one
         LEFT JOIN inserted i ON true
         LEFT JOIN existing e ON true",
        sender = super::connections::sender_ctes("$2", "$7", "$6"),
        blocked = super::blocks::direct_chat_blocked("$1", "(SELECT id FROM sender)"),
        take = super::limits::take_cte(
            "'send:' || (SELECT id FROM sender)",
            "$11",
            "$12",
            "$13 AND EXISTS (SELECT 1 FROM member) AND NOT EXISTS (SELECT 1 FROM existing) \
             AND NOT EXISTS (SELECT 1 FROM blocked)",
        ),
        wait = super::limits::wait_expr("(SELECT tat FROM limit_prev)", "$11", "$12"),
        i = prefixed("i"),
        e = prefixed("e"),
    )
}

/// Runs the send. A concurrent retry of the same `client_message_id` that commits first makes
/// this statement fail as a whole (so its seq is given back); the original is then read.
pub async fn text(
    db: &impl GenericClient,
    id: MessageId,
    send: &TextSend<'_>,
) -> Result<Sent, ApiError> {
    let stmt = prepared(db, &SQL).await?;
    let limited = send.limit.is_some();
    let interval = send.limit.map_or(0.0, |r| r.interval_secs(1));
    let period = send.limit.map_or(0.0, |r| r.period_secs());
    let result = db
        .query_one(
            &stmt,
            &[
                &send.chat.0,
                &send.sender.map(|u| u.0),
                &send.client_message_id,
                &id.0,
                &send.body,
                &send.touch_after_secs,
                &send.connection,
                &send.email,
                &send.email_pending_secs,
                &send.lease_secs,
                &interval,
                &period,
                &limited,
            ],
        )
        .await;
    let row = match result {
        Ok(row) => row,
        Err(e) if violated_constraint(&e) == Some("messages_sender_client_id_key") => {
            let sender = match send.sender {
                Some(s) => s,
                None => match send.connection {
                    Some(c) => super::connections::user_of(db, c)
                        .await?
                        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("sender vanished")))?,
                    None => return Err(ApiError::Internal(anyhow::anyhow!("no sender"))),
                },
            };
            return messages::find_by_client_id(db, sender, send.client_message_id)
                .await?
                .map(Sent::Existing)
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("duplicate vanished")));
        }
        Err(e) => return Err(e.into()),
    };
    if row.try_get::<_, Option<Uuid>>("sender")?.is_none() {
        return Ok(Sent::NoSender);
    }
    if !row.try_get::<_, bool>("is_member")? {
        return Ok(Sent::NotMember);
    }
    if row.try_get::<_, Option<Uuid>>("e_id")?.is_some() {
        // A retry of a message stored before the block still gets its original.
        return Ok(Sent::Existing(messages::from_prefixed(&row, "e_")?));
    }
    if row.try_get::<_, bool>("blocked")? {
        return Ok(Sent::Blocked);
    }
    if row.try_get::<_, bool>("limited")? {
        let wait: Option<f64> = row.try_get("limit_wait")?;
        let wait = wait.unwrap_or(0.0).max(0.0);
        return Ok(Sent::Limited(std::time::Duration::from_secs_f64(wait)));
    }
    let message = messages::from_prefixed(&row, "i_")?;
    Ok(Sent::Stored(Stored {
        message,
        outbox_id: row
            .try_get::<_, Option<i64>>("outbox_id")?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no outbox row")))?,
        targets: super::connections::zip_targets(
            row.try_get("target_connections")?,
            row.try_get("target_users")?,
        ),
        member_count: row.try_get("member_count")?,
        email_users: row
            .try_get::<_, Option<Vec<Uuid>>>("email_users")?
            .unwrap_or_default()
            .into_iter()
            .map(UserId)
            .collect(),
    }))
}
