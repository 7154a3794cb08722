//! Rate limits in PostgreSQL, shared by every function instance (`rate_limits`, GCRA). A
//! bucket lets `limit` requests through per `period`, all at once or spread out; each request
//! moves the bucket's theoretical arrival time (`tat`) one interval (`period / limit`, times
//! its cost) ahead, and is refused when that would put it more than a period ahead of now.
//! One upsert decides and records; a refused request changes nothing.
//!
//! [`take_cte`] is the same upsert as a fragment, for statements that do their own work in
//! the same round trip (the send of a message, a typing frame).

use std::time::Duration;

use super::GenericClient;
pub use crate::config::limits::Rule;
use crate::error::ApiError;

/// The upsert that takes `interval` seconds from the bucket `key` when `when` holds; it
/// returns a row only when the request may pass. All arguments are SQL expressions
/// (parameters such as `$11`); `interval` and `period` are seconds.
pub fn take_cte(key: &str, interval: &str, period: &str, when: &str) -> String {
    let next = format!("greatest(r.tat, now()) + make_interval(secs => {interval}::float8)");
    format!(
        "INSERT INTO rate_limits AS r (key, tat) \
         SELECT {key}, now() + make_interval(secs => {interval}::float8) WHERE {when} \
         ON CONFLICT (key) DO UPDATE SET tat = {next} \
         WHERE {next} <= now() + make_interval(secs => {period}::float8) \
         RETURNING r.tat"
    )
}

/// How long until a request of `interval` seconds fits the bucket `key` that refused it, as
/// a SQL expression over the bucket's row before the statement (`prev_tat`).
pub fn wait_expr(prev_tat: &str, interval: &str, period: &str) -> String {
    format!(
        "greatest(0, extract(epoch FROM {prev_tat} + make_interval(secs => {interval}::float8) \
         - make_interval(secs => {period}::float8) - now()))::float8"
    )
}

static TAKE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH prev AS (SELECT tat FROM rate_limits WHERE key = $1), taken AS ({take}) \
         SELECT EXISTS (SELECT 1 FROM taken) AS allowed, {wait} AS wait",
        take = take_cte("$1::text", "$2", "$3", "true"),
        wait = wait_expr("(SELECT tat FROM prev)", "$2", "$3"),
    )
});

/// Takes `cost` from the bucket `key` under `rule`: `Ok(None)` when the request may pass,
/// `Ok(Some(wait))` when it is refused and may be tried again after `wait`.
pub async fn take(
    db: &impl GenericClient,
    key: &str,
    rule: Rule,
    cost: u32,
) -> Result<Option<Duration>, ApiError> {
    let interval = rule.interval_secs(cost);
    let period = rule.period_secs();
    let row = super::query_one(db, &TAKE, &[&key, &interval, &period]).await?;
    if row.try_get::<_, bool>("allowed")? {
        return Ok(None);
    }
    let wait: Option<f64> = row.try_get("wait")?;
    Ok(Some(Duration::from_secs_f64(wait.unwrap_or(0.0).max(0.0))))
}

/// Deletes buckets that are full again (their `tat` has passed): they mean the same as no row.
pub async fn sweep(db: &impl GenericClient) -> Result<u64, ApiError> {
    Ok(super::execute(db, "DELETE FROM rate_limits WHERE tat < now()", &[]).await?)
}
