//! Deleting an account (`DELETE /api/users/me`, with the password). The account becomes a
//! tombstone: its address (free to register again), password, name and settings are erased,
//! every session ends and every socket closes, it leaves its group chats (ownership passes on,
//! as when an owner leaves; the members are told), and it can no longer be found, added or
//! written to. What it wrote stays in the others' chats under "Deleted account", attachments
//! included (deleting a message still deletes its files); its direct chats stay with the other
//! person. Nothing is hard-deleted: the schema refuses to remove a users row that others'
//! messages or files point at (migrations/V7__accounts_trust.sql).

use crate::auth::Signed;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::sessions::Which;
use crate::repo::{chats, users};
use crate::service::announce::{Change, Known};
use crate::service::{audit, outbox, password, sessions};

pub async fn delete_account(ctx: &Ctx, caller: Signed, password: &str) -> Result<(), ApiError> {
    password::check_current(ctx, caller, password).await?;
    let me = caller.user.id;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    // As connects and disconnects do: nothing of this user changes underneath.
    users::lock(&tx, me).await?;
    let revoked = sessions::end(&tx, Which::AllOf(me)).await?;
    let mut left = Vec::new();
    for chat in chats::groups_of(&tx, me).await? {
        chats::remove_member(&tx, chat, me).await?;
        chats::ensure_owner(&tx, chat).await?;
        let change = Change::MemberRemoved {
            chat_id: chat,
            user_id: me,
            removed_by: me,
        };
        left.push((outbox::record(ctx, &tx, &change).await?, change));
    }
    // Requests to or from a deleted account go: nobody can answer or be answered.
    crate::repo::requests::forget_user(&tx, me).await?;
    if !users::tombstone(&tx, me).await? {
        return Err(ApiError::unauthorized("the account no longer exists"));
    }
    let entry = audit::Entry::new("account_deleted").actor(me).detail(
        serde_json::json!({ "groups_left": left.len(), "sessions_ended": revoked.sessions }),
    );
    audit::record_in(&tx, entry).await?;
    tx.commit().await?;
    drop(db);
    tracing::info!(user_id = %me, groups_left = left.len(), "account deleted");
    sessions::close(ctx, revoked).await;
    for (id, change) in left {
        outbox::announce_recorded(ctx, id, &change, Known::default()).await;
    }
    Ok(())
}
