//! Whether this function can serve: the database answers.

use crate::contract::health::Health;
use crate::ctx::Ctx;

/// The health report, and whether everything is up.
pub async fn check(ctx: &Ctx) -> (bool, Health) {
    let db_ok = match ctx.db.get().await {
        Ok(client) => crate::repo::ping(&client).await,
        Err(e) => {
            tracing::warn!(error = %e, "health: database unreachable");
            false
        }
    };
    let (status, database) = if db_ok {
        ("ok", "ok")
    } else {
        ("unavailable", "unreachable")
    };
    (
        db_ok,
        Health {
            status: status.into(),
            database: database.into(),
        },
    )
}
