//! The PostgreSQL pool (one per cold start) and the migration runner.

use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::sync::Arc;

use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::Config;

mod embedded {
    refinery::embed_migrations!("../migrations");
}

/// Builds the pool without connecting: a Lambda that never touches the database (or a health
/// check while it is down) must still start.
pub fn pool(config: &Config) -> anyhow::Result<Pool> {
    pool_for(
        config.database_url(),
        config.db_pool_size,
        config.db_connect_timeout,
        config.db_pool_wait,
        config.db_ssl_mode,
    )
}

pub fn pool_for(
    url: &str,
    size: usize,
    connect_timeout: Duration,
    wait_timeout: Duration,
    ssl_mode: Option<tokio_postgres::config::SslMode>,
) -> anyhow::Result<Pool> {
    let mut pg: tokio_postgres::Config = url.parse().context("DATABASE_URL is not a valid URL")?;
    pg.connect_timeout(connect_timeout);
    if let Some(mode) = ssl_mode {
        pg.ssl_mode(mode);
    }
    if pg.get_application_name().is_none() {
        pg.application_name("messenger");
    }
    // Every query is a statement prepared once per connection (`repo::prepared`). Left to
    // itself, PostgreSQL keeps planning some of them anew on every run (its cost model prefers
    // custom plans for the send statement): more than half of its CPU under load went to
    // planning. The queries are written for generic plans (no `$1 IS NULL OR ...`), so ask
    // for those. (Behind RDS Proxy, named prepared statements pin a session anyway: see the
    // connection budget in docs/PERFORMANCE.md.)
    //
    // A generic plan is made once per connection, from the statistics of that moment, and
    // kept for the connection's life (a Lambda instance's, hours). Made while the tables are
    // small (a fresh deployment, a fresh `make dev`), it scanned `connections` and `messages`
    // whole for every send, and kept doing so at 5,000 connections: the send statement went
    // from 0.37 to 1.8 ms and the stack saturated (docs/PERFORMANCE.md). Every query here is
    // written for an index, so sequential scans are priced out: the planner still takes one
    // where no index serves (the sweepers' rare scans), never because a table looked small.
    const SESSION: &str = "-c plan_cache_mode=force_generic_plan -c enable_seqscan=off";
    let options = match pg.get_options() {
        Some(given) => format!("{given} {SESSION}"),
        None => SESSION.to_owned(),
    };
    pg.options(&options);
    let manager = Manager::from_config(
        pg,
        tls()?,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size.max(1))
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(wait_timeout))
        .create_timeout(Some(connect_timeout))
        .recycle_timeout(Some(connect_timeout))
        .build()
        .context("building the database pool")
}

/// TLS for database connections, verified against the Mozilla root store. Whether it is used
/// follows the URL's `sslmode`: `prefer` (the default) uses it when the server offers it,
/// `require` insists, `disable` never tries. A local cluster without TLS keeps working.
pub fn tls() -> anyhow::Result<MakeRustlsConnect> {
    Ok(MakeRustlsConnect::new(tls_config()?))
}

/// The TLS client configuration: Mozilla's roots (compiled in, nothing to load), ring (the
/// provider the SDK's client uses too: one crypto library in every binary).
pub fn tls_config() -> anyhow::Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// Applies every migration under `migrations/` that the database lacks, in order. Safe to run
/// from several processes at once: an advisory lock serialises them.
pub async fn migrate(url: &str) -> anyhow::Result<Vec<String>> {
    let (mut client, connection) = tokio_postgres::connect(url, tls()?)
        .await
        .context("connecting to the database to migrate it")?;
    let conn = tokio::spawn(connection);
    // Any constant works; it only has to be the same for every migrating process.
    const MIGRATION_LOCK: i64 = 0x6d65_7373_656e;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let report = embedded::migrations::runner()
        .set_abort_divergent(true)
        // A rollback runs the previous release's migrate against a schema a newer release
        // migrated: migrations it does not know are not an error (migrations are additive;
        // docs/DEPLOY.md, Rollback).
        .set_abort_missing(false)
        .run_async(&mut client)
        .await
        .context("applying migrations");
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await?;
    drop(client);
    let _ = conn.await;
    let report = report?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| m.to_string())
        .collect())
}
