//! Ending sessions: logout, sign out everywhere, a reused refresh token, a password reset or
//! change, an account's deletion. A session ends in the caller's transaction (its refresh
//! tokens revoked, its connections' rows removed, under the session's row lock); after commit
//! its sockets are closed (DeleteConnection: a close frame, then the connection is gone) and
//! the user is announced offline when nothing of theirs is left connected.

use futures::stream::{self, StreamExt as _};

use crate::clients::push::Delivery;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::sessions::{self, Revoked, Which};
use crate::repo::{GenericClient, connections, users};
use crate::service::{audit, realtime};

/// Ends the sessions `which` names inside `tx`. Call [`close`] with the answer after commit.
pub async fn end(tx: &impl GenericClient, which: Which) -> Result<Revoked, ApiError> {
    sessions::revoke(tx, which).await
}

/// Records in the audit log that `revoked` ended, as `event` (inside the same transaction).
pub async fn record_ended(
    tx: &impl GenericClient,
    event: &'static str,
    user: crate::contract::UserId,
    revoked: &Revoked,
) -> Result<(), ApiError> {
    let detail = serde_json::json!({
        "sessions_ended": revoked.sessions,
        "connections_closed": revoked.connections.len(),
    });
    let entry = audit::Entry::new(event).actor(user).detail(detail);
    audit::record_in(tx, entry).await
}

/// After commit: closes the ended sessions' sockets and announces the user offline if that
/// was their last connection. Best effort, like every push: never fails the caller.
pub async fn close(ctx: &Ctx, revoked: Revoked) {
    if revoked.sessions > 0 {
        tracing::info!(
            user_id = ?revoked.user,
            sessions = revoked.sessions,
            connections = revoked.connections.len(),
            "sessions ended"
        );
    }
    let Some(user) = revoked.user else { return };
    if revoked.connections.is_empty() || !ctx.push.is_enabled() {
        return;
    }
    let push = &ctx.push;
    let outcomes: Vec<(String, Delivery)> = stream::iter(revoked.connections)
        .map(|id| async move {
            let d = push.close(&id).await;
            (id, d)
        })
        .buffer_unordered(ctx.config.push_concurrency.max(1))
        .collect()
        .await;
    for (connection_id, delivery) in outcomes {
        if let Delivery::Failed(reason) = delivery {
            tracing::warn!(%connection_id, %reason, "closing a connection failed");
        }
    }
    match last_seen_if_offline(ctx, user).await {
        Ok(Some(seen)) => realtime::announce_presence(ctx, user, false, Some(seen)).await,
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "presence after ending sessions"),
    }
}

/// Under the user's lock (as connects and disconnects): when no connection is left, records
/// and returns the last-seen time.
async fn last_seen_if_offline(
    ctx: &Ctx,
    user: crate::contract::UserId,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    users::lock(&tx, user).await?;
    let seen = if connections::count_for_user(&tx, user).await? == 0 {
        users::touch_last_seen(&tx, user).await?
    } else {
        None
    };
    tx.commit().await?;
    Ok(seen)
}
