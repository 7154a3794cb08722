//! The audit log of security events (docs/SECURITY.md): sign-ins, reuse of a refresh token,
//! password resets and changes, ended sessions, member changes, blocks, deletions. The source
//! address comes from the request being served: the adapters run each request inside
//! [`with_source_ip`]. Recording never fails the caller's request when it is not part of the
//! caller's transaction ([`record`] logs and goes on); [`record_in`] writes inside one.

use std::net::IpAddr;
use std::time::Duration;

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::{GenericClient, audit};

pub use crate::repo::audit::Entry;

tokio::task_local! {
    static SOURCE_IP: Option<IpAddr>;
}

/// Runs `f` as the request from `ip`: its audit entries carry that address.
pub async fn with_source_ip<F: std::future::Future>(ip: Option<IpAddr>, f: F) -> F::Output {
    SOURCE_IP.scope(ip, f).await
}

/// The address of the request being served, if known.
pub fn source_ip() -> Option<IpAddr> {
    SOURCE_IP.try_with(|ip| *ip).ok().flatten()
}

/// Records `entry` inside the caller's transaction (it commits or rolls back with it).
pub async fn record_in(db: &impl GenericClient, entry: Entry) -> Result<(), ApiError> {
    let entry = match entry.source_ip {
        Some(_) => entry,
        None => entry.from_ip(source_ip()),
    };
    audit::record(db, &entry).await
}

/// Records `entry` on its own; a failure is logged, not returned (the request it describes
/// already happened).
pub async fn record(ctx: &Ctx, entry: Entry) {
    let event = entry.event;
    let result = match ctx.db.get().await {
        Ok(db) => record_in(&db, entry).await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = result {
        tracing::warn!(event, error = %e.detail(), "could not record an audit event");
    }
}

/// The sweeper's part: events older than `AUDIT_RETENTION_DAYS` go.
pub async fn sweep(ctx: &Ctx, retention: Duration) -> Result<u64, ApiError> {
    audit::sweep(&ctx.db.get().await?, retention).await
}
