//! Repositories: the only place with SQL. Each takes any `GenericClient`, so callers can pass a
//! pooled connection or a transaction.

pub mod account_tokens;
pub mod attachments;
pub mod audit;
pub mod blocks;
pub mod chats;
pub mod connections;
pub mod limits;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod reads;
pub mod refresh_tokens;
pub mod requests;
pub mod send;
pub mod sessions;
pub mod users;
pub mod ws_tickets;

pub use deadpool_postgres::GenericClient;

/// Whether the database answers a trivial query (the health check).
pub async fn ping(db: &impl GenericClient) -> bool {
    db.batch_execute("SELECT 1").await.is_ok()
}

/// The statement for `sql`, prepared once per connection and then reused (one round trip per
/// query instead of two).
pub async fn prepared(
    db: &impl GenericClient,
    sql: &str,
) -> Result<tokio_postgres::Statement, tokio_postgres::Error> {
    db.prepare_cached(sql).await
}

type Params<'a> = &'a [&'a (dyn tokio_postgres::types::ToSql + Sync)];

// Every query runs as a statement prepared once per connection (`prepared`): one round trip
// instead of two, and no planning once the connection's generic plan is made (the pool asks
// for generic plans: `crate::db`).

pub async fn query(
    db: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
    db.query(&prepared(db, sql).await?, params).await
}

pub async fn query_one(
    db: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<tokio_postgres::Row, tokio_postgres::Error> {
    db.query_one(&prepared(db, sql).await?, params).await
}

pub async fn query_opt(
    db: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<tokio_postgres::Row>, tokio_postgres::Error> {
    db.query_opt(&prepared(db, sql).await?, params).await
}

pub async fn execute(
    db: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<u64, tokio_postgres::Error> {
    db.execute(&prepared(db, sql).await?, params).await
}
