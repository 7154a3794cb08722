//! `GET /api/chats/{id}/members`: a chat's members page by page, for a group too large to
//! take in one answer (the chat itself embeds them all; the list embeds the first 20).

use crate::auth::AuthUser;
use crate::contract::chats::MemberPage;
use crate::contract::{ChatId, ChatMember, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::chats::{self, MemberKey};
use crate::service::access::require_member;
use crate::service::cursor;

/// Members per page unless asked otherwise, and the most.
pub const DEFAULT_MEMBER_PAGE: i64 = 100;
pub const MAX_MEMBER_PAGE: i64 = 200;

/// A page of a chat's members after `cursor`, in the order the chat embeds them: members by
/// joining, then those asked in. Only a member may list them (someone only asked in gets 403
/// `chat_request_pending`, anyone else 404); presence is hidden as in the chat itself.
pub async fn page(
    ctx: &Ctx,
    me: AuthUser,
    chat: ChatId,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<MemberPage, ApiError> {
    let limit = crate::service::messages::page_limit(limit, DEFAULT_MEMBER_PAGE, MAX_MEMBER_PAGE)?;
    let after = cursor.map(parse_cursor).transpose()?;
    let db = ctx.db.get().await?;
    require_member(&db, chat, me.id).await?;
    // One more than asked tells whether another page follows.
    let mut rows = chats::members_of(&db, &[chat], Some(me.id), Some(limit + 1), after).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = match more {
        true => rows.last().map(|m| cursor_of(m.key())),
        false => None,
    };
    Ok(MemberPage {
        members: rows.into_iter().map(ChatMember::from).collect(),
        next_cursor,
    })
}

/// A member cursor: `m` (member) or `r` (asked in), then the joining time and user id.
fn cursor_of(key: MemberKey) -> String {
    let kind = if key.pending { 'r' } else { 'm' };
    format!("{kind}_{}", cursor::encode(key.joined_at, key.user_id.0))
}

fn parse_cursor(given: &str) -> Result<MemberKey, ApiError> {
    let pending = match given.split_once('_') {
        Some(("m", _)) => false,
        Some(("r", _)) => true,
        _ => return Err(cursor::invalid()),
    };
    let (joined_at, id) = cursor::decode(&given[2..])?;
    Ok(MemberKey {
        pending,
        joined_at,
        user_id: UserId(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn cursors_round_trip_and_refuse_others() {
        let key = MemberKey {
            pending: true,
            joined_at: DateTime::from_timestamp_micros(1_796_558_400_123_456).unwrap(),
            user_id: UserId(uuid::Uuid::from_u128(7)),
        };
        assert_eq!(parse_cursor(&cursor_of(key)).unwrap(), key);
        for bad in [
            "",
            "m",
            "x_1_00000000-0000-0000-0000-000000000007",
            "m_a_b",
            "m_1_nope",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }
}
