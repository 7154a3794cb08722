//! Chats and their members.

use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::GenericClient;
use super::messages::{self, MessageRow};
use crate::contract::{ChatId, ChatKind, ChatMember, MemberRole, UserId};
use crate::error::ApiError;

/// A chat as one of its members sees it.
#[derive(Debug, Clone)]
pub struct ChatRow {
    pub id: ChatId,
    pub kind: ChatKind,
    pub title: Option<String>,
    pub last_seq: i64,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub my_role: MemberRole,
    pub my_last_read_seq: i64,
    pub unread_count: i64,
    pub member_count: i64,
    pub last_message: Option<MessageRow>,
    /// A request to the caller they have not answered: who asked, their name, when.
    pub request: Option<(UserId, String, DateTime<Utc>)>,
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub chat_id: ChatId,
    pub user_id: UserId,
    pub display_name: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub role: MemberRole,
    pub last_read_seq: i64,
    /// Has at least one live WebSocket connection.
    pub online: bool,
    /// Asked in by a chat request, not a member yet.
    pub pending: bool,
    /// When they joined (for one asked in: when they were asked).
    pub joined_at: DateTime<Utc>,
}

/// A place in a chat's member order (members by joining, then those asked in), to page from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberKey {
    pub pending: bool,
    pub joined_at: DateTime<Utc>,
    pub user_id: UserId,
}

impl MemberRow {
    pub fn key(&self) -> MemberKey {
        MemberKey {
            pending: self.pending,
            joined_at: self.joined_at,
            user_id: self.user_id,
        }
    }
}

impl From<MemberRow> for ChatMember {
    fn from(m: MemberRow) -> Self {
        Self {
            id: m.user_id,
            display_name: m.display_name,
            role: m.role,
            last_read_seq: m.last_read_seq,
            last_seen_at: m.last_seen_at,
            online: m.online,
            pending: m.pending,
        }
    }
}

/// The caller's membership of a chat.
#[derive(Debug, Clone, Copy)]
pub struct Membership {
    pub kind: ChatKind,
    pub role: MemberRole,
    pub last_read_seq: i64,
}

pub async fn insert_direct(
    db: &impl GenericClient,
    id: ChatId,
    creator: UserId,
    direct_key: &str,
) -> Result<bool, ApiError> {
    let n = super::execute(
        db,
        "INSERT INTO chats (id, kind, created_by, direct_key) VALUES ($1, 'direct', $2, $3) \
             ON CONFLICT (direct_key) DO NOTHING",
        &[&id.0, &creator.0, &direct_key],
    )
    .await?;
    Ok(n == 1)
}

pub async fn find_direct(
    db: &impl GenericClient,
    direct_key: &str,
) -> Result<Option<ChatId>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT id FROM chats WHERE direct_key = $1",
        &[&direct_key],
    )
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?.map(ChatId))
}

pub async fn insert_group(
    db: &impl GenericClient,
    id: ChatId,
    creator: UserId,
    title: &str,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO chats (id, kind, created_by, title) VALUES ($1, 'group', $2, $3)",
        &[&id.0, &creator.0, &title],
    )
    .await?;
    Ok(())
}

/// Adds members; existing members are left as they are. Returns how many were added. A new
/// member has read what came before they joined: their unread count starts at zero.
pub async fn add_members(
    db: &impl GenericClient,
    chat_id: ChatId,
    members: &[(UserId, MemberRole)],
) -> Result<u64, ApiError> {
    let ids: Vec<uuid::Uuid> = members.iter().map(|(u, _)| u.0).collect();
    let roles: Vec<&str> = members.iter().map(|(_, r)| r.as_str()).collect();
    Ok(super::execute(
        db,
        "INSERT INTO chat_members (chat_id, user_id, role, last_read_seq) \
             SELECT $1, t.user_id, t.role, coalesce((SELECT last_seq FROM chats WHERE id = $1), 0) \
             FROM unnest($2::uuid[], $3::text[]) AS t(user_id, role) \
             ON CONFLICT (chat_id, user_id) DO NOTHING",
        &[&chat_id.0, &ids, &roles],
    )
    .await?)
}

pub async fn membership(
    db: &impl GenericClient,
    chat_id: ChatId,
    user: UserId,
) -> Result<Option<Membership>, ApiError> {
    let row = super::query_opt(
        db,
        "SELECT c.kind, m.role, m.last_read_seq FROM chat_members m \
             JOIN chats c ON c.id = m.chat_id WHERE m.chat_id = $1 AND m.user_id = $2",
        &[&chat_id.0, &user.0],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Membership {
        kind: ChatKind::from_db(row.try_get("kind")?),
        role: MemberRole::from_db(row.try_get("role")?),
        last_read_seq: row.try_get("last_read_seq")?,
    }))
}

/// Locks the chat's row until the transaction ends, so membership changes that check the
/// member cap run one after another (concurrent adds to a full group cannot all pass the
/// count). Sends take the same lock briefly in `next_seq`.
pub async fn lock(db: &impl GenericClient, chat_id: ChatId) -> Result<(), ApiError> {
    super::query_opt(
        db,
        "SELECT id FROM chats WHERE id = $1 FOR UPDATE",
        &[&chat_id.0],
    )
    .await?;
    Ok(())
}

/// The chat's kind; `None` when there is no such chat.
pub async fn kind(db: &impl GenericClient, chat_id: ChatId) -> Result<Option<ChatKind>, ApiError> {
    let row = super::query_opt(db, "SELECT kind FROM chats WHERE id = $1", &[&chat_id.0]).await?;
    let kind: Option<String> = row.map(|r| r.try_get(0)).transpose()?;
    Ok(kind.as_deref().map(ChatKind::from_db))
}

/// Puts `user`'s read marker at the chat's beginning (a direct chat request accepted: what was
/// written meanwhile is unread).
pub async fn reset_read(
    db: &impl GenericClient,
    chat_id: ChatId,
    user: UserId,
) -> Result<(), ApiError> {
    super::execute(
        db,
        "UPDATE chat_members SET last_read_seq = 0 WHERE chat_id = $1 AND user_id = $2",
        &[&chat_id.0, &user.0],
    )
    .await?;
    Ok(())
}

pub async fn member_count(db: &impl GenericClient, chat_id: ChatId) -> Result<i64, ApiError> {
    Ok(super::query_one(
        db,
        "SELECT count(*) FROM chat_members WHERE chat_id = $1",
        &[&chat_id.0],
    )
    .await?
    .try_get(0)?)
}

/// Which of a member's chats to read: one, or a page of the list.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    One(ChatId),
    /// Most recently active first: those after `after` (less recently active), at most `limit`.
    Page {
        after: Option<(DateTime<Utc>, ChatId)>,
        limit: i64,
    },
}

/// The chats `user` is a member of (`which`), most recently active first, each with the
/// caller's read marker, unread count, member count and last message: one query, however
/// many chats. Paging is keyset on `(last_activity_at, id)`. Chat requests to `user` that they
/// have not answered are among them, without last message or unread count.
pub async fn for_member(
    db: &impl GenericClient,
    user: UserId,
    which: Which,
) -> Result<Vec<ChatRow>, ApiError> {
    let sql = format!(
        "SELECT c.id, c.kind, c.title, c.created_at, c.last_activity_at, \
                CASE WHEN me.requested_by IS NULL THEN c.last_seq ELSE 0 END AS last_seq, \
                me.role AS my_role, me.last_read_seq AS my_last_read_seq, \
                CASE WHEN me.requested_by IS NULL THEN \
                    (SELECT count(*) FROM messages u \
                      WHERE u.chat_id = c.id AND u.seq > me.last_read_seq \
                        AND u.sender_id <> me.user_id AND u.deleted_at IS NULL) \
                ELSE 0 END AS unread_count, \
                (SELECT count(*) FROM chat_members n WHERE n.chat_id = c.id) AS member_count, \
                me.requested_by, f.display_name AS requested_by_name, me.requested_at, \
                {lm} \
         FROM (SELECT chat_id, user_id, role, last_read_seq, \
                      NULL::uuid AS requested_by, NULL::timestamptz AS requested_at \
               FROM chat_members WHERE user_id = $1 \
               UNION ALL \
               SELECT chat_id, user_id, 'member', 0, requested_by, created_at \
               FROM chat_requests WHERE user_id = $1 AND declined_at IS NULL) me \
         JOIN chats c ON c.id = me.chat_id \
         LEFT JOIN users f ON f.id = me.requested_by \
         LEFT JOIN messages lm ON me.requested_by IS NULL AND lm.chat_id = c.id AND lm.seq = c.last_seq \
         WHERE ($2::uuid IS NULL OR c.id = $2) \
           AND ($3::timestamptz IS NULL OR (c.last_activity_at, c.id) < ($3, $4::uuid)) \
         ORDER BY c.last_activity_at DESC, c.id DESC \
         LIMIT $5",
        lm = messages::COLUMNS
            .split(", ")
            .map(|c| format!("lm.{c} AS lm_{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (only, after, limit) = match which {
        Which::One(chat) => (Some(chat.0), None, 1),
        Which::Page { after, limit } => (None, after, limit),
    };
    let (after_at, after_id) = (after.map(|a| a.0), after.map(|a| (a.1).0));
    let rows = super::query(db, &sql, &[&user.0, &only, &after_at, &after_id, &limit]).await?;
    rows.iter().map(chat_from_row).collect()
}

fn chat_from_row(row: &Row) -> Result<ChatRow, ApiError> {
    let has_last: Option<uuid::Uuid> = row.try_get("lm_id")?;
    Ok(ChatRow {
        id: ChatId(row.try_get("id")?),
        kind: ChatKind::from_db(row.try_get("kind")?),
        title: row.try_get("title")?,
        last_seq: row.try_get("last_seq")?,
        created_at: row.try_get("created_at")?,
        last_activity_at: row.try_get("last_activity_at")?,
        my_role: MemberRole::from_db(row.try_get("my_role")?),
        my_last_read_seq: row.try_get("my_last_read_seq")?,
        unread_count: row.try_get("unread_count")?,
        member_count: row.try_get("member_count")?,
        last_message: match has_last {
            Some(_) => Some(messages::from_prefixed(row, "lm_")?),
            None => None,
        },
        request: match row.try_get::<_, Option<uuid::Uuid>>("requested_by")? {
            Some(from) => Some((
                UserId(from),
                row.try_get::<_, Option<String>>("requested_by_name")?
                    .unwrap_or_default(),
                row.try_get::<_, Option<DateTime<Utc>>>("requested_at")?
                    .unwrap_or_default(),
            )),
            None => None,
        },
    })
}

/// The members of the given chats, in joining order, then those asked in by a request (pending,
/// declined ones too: the asker is not told), at most `per_chat` of each (all when `None`):
/// one query; only those after `after` in that order when given (a page of one chat's
/// members). `viewer` does not see the presence (online, last seen) of members who blocked
/// them, nor anyone's who is only asked in.
pub async fn members_of(
    db: &impl GenericClient,
    chats: &[ChatId],
    viewer: Option<UserId>,
    per_chat: Option<i64>,
    after: Option<MemberKey>,
) -> Result<Vec<MemberRow>, ApiError> {
    let ids: Vec<uuid::Uuid> = chats.iter().map(|c| c.0).collect();
    let rows = super::query(
        db,
        "SELECT m.chat_id, m.user_id, u.display_name, m.role, m.last_read_seq, m.pending, \
                    m.joined_at, \
                    CASE WHEN hidden THEN NULL ELSE u.last_seen_at END AS last_seen_at, \
                    NOT hidden AND EXISTS (SELECT 1 FROM connections c WHERE c.user_id = m.user_id) AS online \
             FROM (SELECT a.*, row_number() OVER \
                          (PARTITION BY chat_id ORDER BY pending, joined_at, user_id) AS n \
                   FROM (SELECT chat_id, user_id, role, last_read_seq, joined_at, false AS pending \
                         FROM chat_members WHERE chat_id = ANY($1) \
                         UNION ALL \
                         SELECT chat_id, user_id, 'member', 0, created_at, true \
                         FROM chat_requests WHERE chat_id = ANY($1)) a \
                   WHERE $4::bool IS NULL \
                      OR (a.pending, a.joined_at, a.user_id) > ($4, $5::timestamptz, $6::uuid)) m \
             JOIN users u ON u.id = m.user_id, \
             LATERAL (SELECT m.pending OR EXISTS (SELECT 1 FROM user_blocks b \
                 WHERE b.blocker_id = m.user_id AND b.blocked_id = $2) AS hidden) h \
             WHERE $3::bigint IS NULL OR m.n <= $3 \
             ORDER BY m.chat_id, m.n",
        &[
            &ids,
            &viewer.map(|v| v.0),
            &per_chat,
            &after.map(|k| k.pending),
            &after.map(|k| k.joined_at),
            &after.map(|k| k.user_id.0),
        ],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MemberRow {
                chat_id: ChatId(r.try_get("chat_id")?),
                user_id: UserId(r.try_get("user_id")?),
                display_name: r.try_get("display_name")?,
                last_seen_at: r.try_get("last_seen_at")?,
                role: MemberRole::from_db(r.try_get("role")?),
                last_read_seq: r.try_get("last_read_seq")?,
                online: r.try_get("online")?,
                pending: r.try_get("pending")?,
                joined_at: r.try_get("joined_at")?,
            })
        })
        .collect()
}

pub async fn remove_member(
    db: &impl GenericClient,
    chat_id: ChatId,
    user: UserId,
) -> Result<bool, ApiError> {
    Ok(super::execute(
        db,
        "DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2",
        &[&chat_id.0, &user.0],
    )
    .await?
        == 1)
}

/// The group chats `user` is a member of (an account's deletion leaves them).
pub async fn groups_of(db: &impl GenericClient, user: UserId) -> Result<Vec<ChatId>, ApiError> {
    let rows = super::query(
        db,
        "SELECT m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id \
         WHERE m.user_id = $1 AND c.kind = 'group' ORDER BY m.chat_id",
        &[&user.0],
    )
    .await?;
    rows.iter().map(|r| Ok(ChatId(r.try_get(0)?))).collect()
}

/// Makes the longest-standing member the owner when the chat has none (its owner left).
pub async fn ensure_owner(db: &impl GenericClient, chat_id: ChatId) -> Result<(), ApiError> {
    super::execute(
        db,
        "UPDATE chat_members SET role = 'owner' \
         WHERE chat_id = $1 AND user_id = ( \
             SELECT user_id FROM chat_members WHERE chat_id = $1 \
             ORDER BY joined_at, user_id LIMIT 1) \
         AND NOT EXISTS (SELECT 1 FROM chat_members WHERE chat_id = $1 AND role = 'owner')",
        &[&chat_id.0],
    )
    .await?;
    Ok(())
}

/// Takes the next seq of a chat. The row lock this UPDATE holds until commit serialises
/// concurrent sends to one chat, so seqs come out consecutive, without gaps or repeats (a
/// rolled-back send gives its seq back).
pub async fn next_seq(db: &impl GenericClient, chat_id: ChatId) -> Result<i64, ApiError> {
    Ok(super::query_one(
        db,
        "UPDATE chats SET last_seq = last_seq + 1, last_activity_at = now() \
             WHERE id = $1 RETURNING last_seq",
        &[&chat_id.0],
    )
    .await?
    .try_get(0)?)
}
