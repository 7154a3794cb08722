//! `local-gateway`: the local stand-in for API Gateway (HTTP API, WebSocket API and its
//! management API) and for Lambda's SQS event sources. Reads the same configuration as the
//! functions, listens on 127.0.0.1:$PORT (3000) and serves until Ctrl-C.

use anyhow::Context as _;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut config = shared::runtime::read_config().map_err(|e| anyhow::anyhow!("{e}"))?;
    // One gateway process serves every function at once, unlike a Lambda instance that serves
    // one request at a time: without an explicit size, give its pool room for that.
    if std::env::var_os("DB_POOL_SIZE").is_none() {
        config.db_pool_size = 16;
    }
    // Many requests at once in one process: keep each chat's announcements in seq order.
    if std::env::var_os("ANNOUNCE_ORDER_WAIT_MS").is_none() {
        config.announce_order_wait = std::time::Duration::from_millis(50);
    }
    let ctx = shared::runtime::start(config)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p.parse().context("PORT must be a port number")?,
        Err(_) => 3000,
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is another gateway running? set PORT)")
    })?;
    tracing::info!("gateway listening on http://{addr}");
    let web_dist = std::env::var_os("WEB_DIST")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "web/dist".into());
    let functions = local_gateway::functions::Functions::from_env()?;
    let options = local_gateway::server::Options {
        web_dist: Some(web_dist),
        run_schedules: true,
        poll_queues: true,
        in_process_pushes: true,
        functions: functions.clone(),
        ..Default::default()
    };
    // SIGTERM (how scripts stop it) and Ctrl-C both shut down gracefully: sockets get a close
    // frame (1001) and run `$disconnect`, then the function processes stop. A shutdown that
    // hangs ends the process after a few seconds anyway.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("listening for SIGTERM")?;
    let on_hang = functions.clone();
    local_gateway::server::serve(listener, ctx, options, async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(6)).await;
            on_hang.shutdown();
            std::process::exit(143);
        });
    })
    .await?;
    functions.shutdown();
    Ok(())
}
