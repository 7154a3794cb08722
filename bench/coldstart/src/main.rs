//! Cold-start benchmark (`bench/coldstart.sh` runs it). Spawns function binaries against the
//! Lambda Runtime API stand-in (the gateway's emulator, `local_gateway::runtime_api`) and
//! measures, for `health`, `users-me` and `messages-send`:
//! - ready: spawn until the runtime's first `invocation/next` (its init is done);
//! - cold: the first invocation of a fresh process (first database connection included);
//! - warm: p50 and p99 of later invocations of one process, and its CPU time per invocation
//!   (from `/proc/<pid>/task/*/schedstat`, summed over every thread, so what a function does
//!   after answering counts here);
//! - the process's peak RSS (`VmHWM`) and the binary's size.
//!
//! Invocations are timed from handing the event over at `invocation/next` to the answer, as a
//! caller reaching an idle instance waits (`runtime_api::Timing`).
//!
//! `messages-send` sends to a group of 10 members with one WebSocket connection each, so each
//! send makes 10 pushes (9 `new_message`, 1 `message_sent`) to a management-API stand-in that
//! answers 200. Several binary folders may be given; their runs are interleaved so that noise
//! falls on all alike, and each is compared with the first.
//!
//!   coldstart --db postgres://... [--runs 20] [--warm 300] DIR [DIR...]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context as _, bail};
use local_gateway::runtime_api::{Binaries, Settings};
use serde_json::{Value, json};

const FUNCTIONS: &[&str] = &["health", "users-me", "messages-send"];
const JWT_SECRET: &str = "coldstart-benchmark-secret-0123456789abcdef";

struct Args {
    db: String,
    /// Members of the group with a WebSocket connection (each send pushes to them).
    connections: usize,
    runs: usize,
    warm: usize,
    dirs: Vec<PathBuf>,
}

fn args() -> anyhow::Result<Args> {
    let mut it = std::env::args().skip(1);
    let (mut db, mut runs, mut warm, mut dirs, mut connections) = (None, 20, 300, Vec::new(), 10);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next(),
            "--runs" => runs = it.next().context("--runs N")?.parse()?,
            "--warm" => warm = it.next().context("--warm N")?.parse()?,
            "--connections" => connections = it.next().context("--connections N")?.parse()?,
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    let db = db.context("--db URL is required")?;
    if dirs.is_empty() {
        bail!("name at least one folder of built function binaries");
    }
    Ok(Args {
        db,
        connections,
        runs,
        warm,
        dirs,
    })
}

fn fixture(function: &str) -> anyhow::Result<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../functions")
        .join(function)
        .join("event.json");
    Ok(serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| path.display().to_string())?,
    )?)
}

/// An HTTP event from a function's fixture, with a token and (optionally) a body.
fn http_event(
    function: &str,
    token: &str,
    body: Option<Value>,
    path_id: Option<&str>,
) -> anyhow::Result<Vec<u8>> {
    let mut ev = fixture(function)?;
    ev["headers"]["authorization"] = json!(format!("Bearer {token}"));
    if let Some(b) = body {
        ev["body"] = json!(b.to_string());
    }
    if let Some(id) = path_id {
        ev["pathParameters"]["id"] = json!(id);
        let tail = if function == "chats-request" {
            "request"
        } else {
            "messages"
        };
        let path = format!("/api/chats/{id}/{tail}");
        ev["rawPath"] = json!(path);
        ev["requestContext"]["http"]["path"] = json!(path);
    }
    Ok(serde_json::to_vec(&ev)?)
}

fn status_and_body(raw: &[u8]) -> anyhow::Result<(i64, Value)> {
    let v: Value = serde_json::from_slice(raw)?;
    let status = v["statusCode"].as_i64().context("no statusCode")?;
    let body = v["body"]
        .as_str()
        .map(serde_json::from_str)
        .transpose()?
        .unwrap_or(Value::Null);
    Ok((status, body))
}

/// CPU time of every thread of `pid` so far (ns).
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|t| t.ok())
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        })
        .sum()
}

fn peak_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

#[derive(Default, Clone)]
struct Figures {
    ready: Vec<f64>,
    cold: Vec<f64>,
    warm: Vec<f64>,
    cpu_ms: f64,
    rss_kb: u64,
    size: u64,
}

struct Setup {
    token: String,
    chat: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let pushes = Arc::new(AtomicU64::new(0));
    let counter = pushes.clone();
    let management = axum::Router::new().route(
        "/@connections/{id}",
        axum::routing::post(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            async { "" }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, management).await;
    });
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", args.db.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("WS_MANAGEMENT_ENDPOINT", endpoint.as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        // Thousands of sends a minute from one account: the limit stays on (the send takes
        // its bucket as in production) but never refuses.
        ("RATE_LIMIT_SEND_USER", "1000000/60"),
        ("RATE_LIMIT_REGISTER_IP", "1000000/60"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let settings = |dir: &Path| {
        let mut s = Settings::new(dir);
        s.env = env.clone();
        s.quiet = true;
        s.max_instances = 1;
        s
    };

    // Schema and data, made by the first folder's own binaries.
    let first = &args.dirs[0];
    let status = std::process::Command::new(first.join("migrate"))
        .env("DATABASE_URL", &args.db)
        .env("RUST_LOG", "warn")
        .status()?;
    if !status.success() {
        bail!("migrate failed: {status}");
    }
    let setup = setup(&Binaries::new(settings(first)), &args.db, args.connections).await?;
    eprintln!(
        "setup: a group of 10, {} with a connection",
        args.connections
    );

    let mut figures: Vec<Vec<Figures>> =
        vec![vec![Figures::default(); FUNCTIONS.len()]; args.dirs.len()];
    let event = |function: &str| -> anyhow::Result<Vec<u8>> {
        match function {
            "messages-send" => http_event(
                function,
                &setup.token,
                Some(json!({"client_message_id": uuid::Uuid::new_v4(), "body": "benchmark"})),
                Some(&setup.chat),
            ),
            _ => http_event(function, &setup.token, None, None),
        }
    };
    let expected = |function: &str| {
        if function == "messages-send" {
            201
        } else {
            200
        }
    };

    // Cold starts: a fresh process each time, folders interleaved.
    for run in 0..args.runs {
        for (d, dir) in args.dirs.iter().enumerate() {
            for (f, function) in FUNCTIONS.iter().enumerate() {
                let b = Binaries::new(settings(dir));
                let (raw, timing) = b.invoke_timed(function, event(function)?).await?;
                let (status, body) = status_and_body(&raw)?;
                if status != expected(function) {
                    bail!("{function} answered {status}: {body}");
                }
                let fig = &mut figures[d][f];
                fig.ready.push(timing.init.map(ms).unwrap_or(f64::NAN));
                fig.cold.push(ms(timing.invoke));
                b.stop_all();
            }
        }
        eprint!("\rcold runs: {}/{}", run + 1, args.runs);
    }
    eprintln!();

    // Warm: one process per function and folder, kept for the whole phase; rounds of
    // invocations interleave the folders, as the cold runs do.
    const ROUNDS: usize = 5;
    let mut warm_procs = Vec::new();
    for dir in &args.dirs {
        let mut per_fn = Vec::new();
        for function in FUNCTIONS {
            let b = Binaries::new(settings(dir));
            b.invoke(function, event(function)?).await?;
            let pid = *b.pids(function).first().context("no instance")?;
            per_fn.push((b, pid, 0u64, 0u64));
        }
        warm_procs.push(per_fn);
    }
    let per_round = args.warm.div_ceil(ROUNDS);
    for _ in 0..ROUNDS {
        for (d, per_fn) in warm_procs.iter_mut().enumerate() {
            for (f, (b, pid, cpu, pushed)) in per_fn.iter_mut().enumerate() {
                let function = FUNCTIONS[f];
                let before_pushes = pushes.load(Ordering::Relaxed);
                let cpu_before = cpu_ns(*pid);
                for _ in 0..per_round {
                    let (raw, timing) = b.invoke_timed(function, event(function)?).await?;
                    let (status, _) = status_and_body(&raw)?;
                    if status != expected(function) {
                        bail!("{function} answered {status} warm");
                    }
                    figures[d][f].warm.push(ms(timing.invoke));
                }
                *cpu += cpu_ns(*pid).saturating_sub(cpu_before);
                *pushed += pushes.load(Ordering::Relaxed) - before_pushes;
            }
        }
    }
    for (d, per_fn) in warm_procs.iter().enumerate() {
        for (f, (b, pid, cpu, pushed)) in per_fn.iter().enumerate() {
            let n = figures[d][f].warm.len().max(1) as f64;
            let fig = &mut figures[d][f];
            fig.cpu_ms = *cpu as f64 / 1e6 / n;
            fig.rss_kb = peak_rss_kb(*pid);
            fig.size = std::fs::metadata(args.dirs[d].join(FUNCTIONS[f]))
                .map(|m| m.len())
                .unwrap_or(0);
            if FUNCTIONS[f] == "messages-send" {
                let per_send = *pushed as f64 / n;
                eprintln!("{}: {per_send:.1} pushes per send", args.dirs[d].display());
                // Each member with a connection but the sender's own (a REST send has none).
                if per_send + 0.5 < args.connections as f64 {
                    bail!(
                        "{per_send:.1} pushes per send, {} expected",
                        args.connections
                    );
                }
            }
            b.stop_all();
        }
    }

    println!(
        "| binaries | function | ready p50 (ms) | cold invoke p50 (ms) | warm p50 (ms) | warm p99 (ms) | CPU/warm invoke (ms) | peak RSS (MB) | size (MB) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (d, dir) in args.dirs.iter().enumerate() {
        for (f, function) in FUNCTIONS.iter().enumerate() {
            let mut fig = figures[d][f].clone();
            let base = &mut figures[0][f].clone();
            let ratio = |a: f64, b: f64| {
                if d == 0 {
                    String::new()
                } else {
                    format!(" ({:.2}x)", a / b)
                }
            };
            let ready = percentile(&mut fig.ready, 0.5);
            let cold = percentile(&mut fig.cold, 0.5);
            let p50 = percentile(&mut fig.warm, 0.5);
            let p99 = percentile(&mut fig.warm, 0.99);
            println!(
                "| {} | {function} | {ready:.1}{} | {cold:.1}{} | {p50:.2}{} | {p99:.2} | {:.2}{} | {:.1} | {:.1} |",
                dir.display(),
                ratio(ready, percentile(&mut base.ready, 0.5)),
                ratio(cold, percentile(&mut base.cold, 0.5)),
                ratio(p50, percentile(&mut base.warm, 0.5)),
                fig.cpu_ms,
                ratio(fig.cpu_ms, base.cpu_ms),
                fig.rss_kb as f64 / 1024.0,
                fig.size as f64 / 1e6,
            );
        }
    }
    Ok(())
}

/// Ten users in one group, each with a WebSocket connection row; the first one's token.
async fn setup(b: &Binaries, db: &str, connections: usize) -> anyhow::Result<Setup> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut users = Vec::new();
    for i in 0..10 {
        let mut ev = fixture("auth-register")?;
        ev["body"] = json!(
            json!({
                "email": format!("bench-{i}-{run}@example.com"),
                "password": "correct horse battery",
                "display_name": format!("Bench {i}"),
            })
            .to_string()
        );
        let (status, body) =
            status_and_body(&b.invoke("auth-register", serde_json::to_vec(&ev)?).await?)?;
        if status != 201 {
            bail!("auth-register answered {status}: {body}");
        }
        let id = body["user"]["id"].as_str().context("user id")?.to_owned();
        let token = body["access_token"].as_str().context("token")?.to_owned();
        users.push((id, token));
    }
    let members: Vec<&str> = users[1..].iter().map(|(id, _)| id.as_str()).collect();
    let ev = http_event(
        "chats-create",
        &users[0].1,
        Some(json!({"kind": "group", "title": "Benchmark", "member_ids": members})),
        None,
    )?;
    let (status, body) = status_and_body(&b.invoke("chats-create", ev).await?)?;
    if status != 201 {
        bail!("chats-create answered {status}: {body}");
    }
    let chat = body["id"].as_str().context("chat id")?.to_owned();
    // Whom the creator shares no chat with are asked, not added: each accepts, as people do,
    // so that every send reaches all ten.
    for (_, token) in &users[1..] {
        let ev = http_event(
            "chats-request",
            token,
            Some(json!({"accept": true})),
            Some(&chat),
        )?;
        let (status, body) = status_and_body(&b.invoke("chats-request", ev).await?)?;
        if status != 200 {
            bail!("chats-request answered {status}: {body}");
        }
    }
    let (client, conn) = tokio_postgres::connect(db, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    for (i, (id, _)) in users.iter().enumerate().take(connections) {
        let id: uuid::Uuid = id.parse()?;
        client
            .execute(
                "INSERT INTO connections (connection_id, user_id) VALUES ($1, $2)",
                &[&format!("bench-{run}-{i}="), &id],
            )
            .await?;
    }
    b.stop_all();
    Ok(Setup {
        token: users[0].1.clone(),
        chat,
    })
}
