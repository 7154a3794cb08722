//! Repositories: the only place with SQL. Each takes any `GenericClient`, so callers can pass a
//! pooled connection or a transaction.

pub mod attachments;
pub mod chats;
pub mod connections;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod refresh_tokens;
pub mod send;
pub mod users;
pub mod ws_tickets;

pub use deadpool_postgres::GenericClient;

/// Whether the database answers a trivial query (the health check).
pub async fn ping(db: &impl GenericClient) -> bool {
    db.execute("SELECT 1", &[]).await.is_ok()
}

/// The statement for `sql`, prepared once per connection and then reused (one round trip per
/// query instead of two).
pub async fn prepared(
    db: &impl GenericClient,
    sql: &str,
) -> Result<tokio_postgres::Statement, tokio_postgres::Error> {
    db.prepare_cached(sql).await
}
