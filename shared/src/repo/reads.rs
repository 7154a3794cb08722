//! Read markers: moving a member's marker forward, and recording the move for announcing.

use super::GenericClient;
use crate::contract::{ChatId, UserId};
use crate::error::ApiError;

/// What `mark_read` found and did.
#[derive(Debug, Clone, Copy)]
pub enum ReadOutcome {
    /// The connection is unknown.
    NoReader,
    NotMember,
    /// The reader's marker, and the outbox row recording its move (none when it did not move).
    Marker {
        reader: UserId,
        last_read_seq: i64,
        outbox_id: Option<i64>,
    },
}

static MARK_READ: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH {sender}, before AS (
             SELECT last_read_seq FROM chat_members
             WHERE chat_id = $1 AND user_id = (SELECT id FROM sender)
         ), moved AS (
             UPDATE chat_members m SET last_read_seq = LEAST($3, c.last_seq)
             FROM chats c
             WHERE c.id = m.chat_id AND m.chat_id = $1 AND m.user_id = (SELECT id FROM sender)
               AND LEAST($3, c.last_seq) > m.last_read_seq
             RETURNING m.last_read_seq
         ), recorded AS (
             INSERT INTO outbox (change, due_at)
             SELECT jsonb_build_object('change', 'read_moved', 'chat_id', $1::uuid,
                                       'user_id', (SELECT id FROM sender), 'seq', last_read_seq),
                    now() + make_interval(secs => $6::float8)
             FROM moved
             RETURNING id
         )
         SELECT (SELECT id FROM sender) AS reader,
                (SELECT last_read_seq FROM before) AS before,
                (SELECT last_read_seq FROM moved) AS after,
                (SELECT id FROM recorded) AS outbox_id",
        sender = super::connections::sender_ctes("$2", "$4", "$5"),
    )
});

/// Moves the read marker of `user` (or of the user behind `connection`) forward only, never
/// past the chat's last seq, and records the move in the outbox: one statement.
pub async fn mark_read(
    db: &impl GenericClient,
    chat_id: ChatId,
    user: Option<UserId>,
    connection: Option<&str>,
    seq: i64,
    touch_secs: f64,
    lease_secs: f64,
) -> Result<ReadOutcome, ApiError> {
    let stmt = super::prepared(db, &MARK_READ).await?;
    let row = db
        .query_one(
            &stmt,
            &[
                &chat_id.0,
                &user.map(|u| u.0),
                &seq,
                &connection,
                &touch_secs,
                &lease_secs,
            ],
        )
        .await?;
    let Some(reader) = row.try_get::<_, Option<uuid::Uuid>>("reader")? else {
        return Ok(ReadOutcome::NoReader);
    };
    let Some(before) = row.try_get::<_, Option<i64>>("before")? else {
        return Ok(ReadOutcome::NotMember);
    };
    let after: Option<i64> = row.try_get("after")?;
    Ok(ReadOutcome::Marker {
        reader: UserId(reader),
        last_read_seq: after.unwrap_or(before),
        outbox_id: row.try_get("outbox_id")?,
    })
}
