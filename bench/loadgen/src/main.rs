//! `loadgen`: users in rooms, each connecting through a real ticket and `$connect` and
//! sending `send_message` at a rate, against a running stack (`make dev`). Reports connects,
//! ACK and delivery latency, deliveries against what was due (each exactly once, in seq order
//! per room), the CPU the stack's processes spent per delivery and the gateway's memory.
//! Run on purpose (docs/PERFORMANCE.md has the commands), never by `make test`.

mod args;
mod procs;

use std::time::{Duration, Instant};

use loadgen::{checks, run, seed};

fn main() -> anyhow::Result<()> {
    let args = args::Args::parse()?;
    if let Some(cpu) = args.pin_self {
        procs::pin(std::process::id(), cpu)?;
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: args::Args) -> anyhow::Result<()> {
    let port = |url: &str, default: u16| {
        url.rsplit_once(':')
            .and_then(|(_, p)| p.split(['/', '?']).next()?.parse().ok())
            .unwrap_or(default)
    };
    let stack = procs::Stack::find(
        port(&args.base, 3000),
        port(&args.database_url, 5432),
        args.emulator_port,
    );
    anyhow::ensure!(
        !stack.gateway.is_empty() && !stack.postgres.is_empty(),
        "no gateway on {} or no PostgreSQL on {}: start the stack with `make dev`",
        args.base,
        args.database_url
    );
    if let Some(cpu) = args.pin_stack {
        for pid in stack.all() {
            procs::pin(pid, cpu)?;
        }
    }
    let gateway = stack.gateway[0];
    let mem_before = procs::memory_mb(gateway);

    let t = Instant::now();
    let keys = seed::keys(&args.database_url, &args.jwt_secret)?;
    let seeded = seed::seed(&args.database_url, &keys, args.users, args.room_size).await?;
    eprintln!(
        "seeded {} users in {} rooms ({:.1}s, run {})",
        seeded.users.len(),
        seeded.rooms.len(),
        t.elapsed().as_secs_f64(),
        seeded.run
    );
    let result = if args.history_messages > 0 {
        history(&args, &seeded).await
    } else {
        drive(&args, &seeded, &stack, mem_before).await
    };
    if !args.keep {
        let removed = seed::cleanup(&args.database_url, &seeded.run).await?;
        eprintln!("removed {removed} seeded users and what they made");
    }
    result
}

async fn history(args: &args::Args, seeded: &seed::Seeded) -> anyhow::Result<()> {
    let t = Instant::now();
    let (total, per_room) =
        loadgen::history::fill(&args.database_url, seeded, args.history_messages).await?;
    eprintln!(
        "stored messages: {total} in the database ({:.0}s)",
        t.elapsed().as_secs_f64()
    );
    // Warm up (connections, statements, the pages' first reads), then measure.
    loadgen::history::read_pages(&args.base, seeded, per_room, 200).await?;
    let mut pages =
        loadgen::history::read_pages(&args.base, seeded, per_room, args.history_requests).await?;
    let (p50, p99, max) = pages.summary();
    println!(
        "history pages (50 messages, random room and point, {total} messages stored): {} reads, p50 {p50:.2} ms p99 {p99:.2} ms max {max:.1} ms",
        args.history_requests
    );
    Ok(())
}

async fn drive(
    args: &args::Args,
    seeded: &seed::Seeded,
    stack: &procs::Stack,
    mem_before: (f64, f64),
) -> anyhow::Result<()> {
    let gateway = stack.gateway[0];
    let connected = run::connect_all(
        &args.base,
        seeded,
        args.senders_per_room,
        args.offline_per_room,
        args.connect_parallelism,
    )
    .await?;
    let failed = connected.failed;
    let mut connect_times = connected.times;
    let connect_secs = connected.secs;
    let (c50, c99, cmax) = connect_times.summary();
    eprintln!(
        "connected {} (failed {failed}) in {connect_secs:.1}s: {:.0}/s, p50 {c50:.1} ms, p99 {c99:.1} ms, max {cmax:.1} ms",
        connected.members.len(),
        connected.attempted as f64 / connect_secs
    );
    // Let the presence announcements of the connect phase settle.
    seed::analyze_connections(&args.database_url).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mem_connected = procs::memory_mb(gateway);

    let cpu_start = procs::cpu_seconds(stack);
    let core_start = args.pin_stack.and_then(procs::core_ticks);
    let running = run::start(
        &args.base,
        seeded,
        connected.members,
        args.rate,
        run::Behaviour {
            verify: args.verify,
            // The web app gives a send 10 s; half of that keeps fault runs short.
            resend_after: args.verify.then(|| Duration::from_secs(5)),
        },
    );
    let fault = args.fault.clone().map(|cmd| {
        let at = args.fault_at;
        tokio::spawn(async move {
            tokio::time::sleep(at).await;
            eprintln!("fault at {:.0}s: {cmd}", at.as_secs_f64());
            let started = Instant::now();
            let status = tokio::task::spawn_blocking(move || {
                std::process::Command::new("bash")
                    .arg("-c")
                    .arg(cmd)
                    .status()
            })
            .await;
            eprintln!(
                "fault done in {:.1}s: {status:?}",
                started.elapsed().as_secs_f64()
            );
        })
    });

    // Send for the duration, sampling the gateway's memory.
    let mut memory = Vec::new();
    let mut sample = tokio::time::interval(args.sample_every);
    while running.elapsed() < args.duration {
        sample.tick().await;
        memory.push((running.elapsed().as_secs(), procs::memory_mb(gateway).0));
    }
    let send_secs = running.stop_sending();
    let cpu_end = procs::cpu_seconds(stack);
    let core_end = args.pin_stack.and_then(procs::core_ticks);
    if let Some(fault) = fault {
        fault.await?;
    }
    let outcome = running.finish(send_secs, args.grace).await?;
    let mut all = outcome.report;
    let verdict = verify(args, seeded, &all).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mem_after = procs::memory_mb(gateway);

    let (sent, acked, expected, delivered) =
        (outcome.sent, outcome.acked, outcome.due, outcome.delivered);
    let (a50, a99, amax) = all.ack.summary();
    let (d50, d99, dmax) = all.delivery.summary();
    let cpu: Vec<(&str, f64)> = cpu_end
        .iter()
        .map(|(k, v)| (*k, v - cpu_start.get(k).copied().unwrap_or(0.0)))
        .collect();
    let cpu_total: f64 = cpu.iter().map(|(_, v)| v).sum();
    let pushes = acked + delivered;
    println!(
        "users {} rooms of {} senders/room {} rate {}/s for {:.0}s",
        args.users, args.room_size, args.senders_per_room, args.rate, send_secs
    );
    println!(
        "connects: {} ok, {failed} failed, {:.0}/s, p50 {c50:.1} ms p99 {c99:.1} ms max {cmax:.1} ms",
        connected.attempted - failed,
        connected.attempted as f64 / connect_secs
    );
    println!(
        "messages: {sent} sent, {acked} acked, {} never acked; ACK p50 {a50:.2} ms p99 {a99:.2} ms max {amax:.1} ms",
        all.unacked
    );
    println!(
        "deliveries: {delivered} of {expected} due ({:.3} %), duplicates {}, out of order {}, errors {}; p50 {d50:.2} ms p99 {d99:.2} ms max {dmax:.1} ms",
        if expected > 0 {
            100.0 * delivered as f64 / expected as f64
        } else {
            100.0
        },
        all.duplicates,
        all.out_of_order,
        all.errors
    );
    let per: Vec<String> = cpu
        .iter()
        .map(|(k, v)| format!("{k} {:.1} %", 100.0 * v / send_secs))
        .collect();
    println!(
        "stack CPU while sending: {:.1} % of one core ({}); {:.1} µs per push (ACK or delivery)",
        100.0 * cpu_total / send_secs,
        per.join(", "),
        if pushes > 0 {
            1e6 * cpu_total / pushes as f64
        } else {
            f64::NAN
        }
    );
    if let (Some(cpu), Some(a), Some(b)) = (args.pin_stack, core_start, core_end) {
        let d: Vec<u64> = (0..4).map(|i| b[i].saturating_sub(a[i])).collect();
        let all = d.iter().sum::<u64>().max(1) as f64;
        let pc = |i: usize| 100.0 * d[i] as f64 / all;
        println!(
            "stack's core {cpu} while sending: busy {:.1} %, irq and softirq {:.1} %, steal {:.1} %, idle {:.1} %",
            pc(0),
            pc(1),
            pc(2),
            pc(3)
        );
    }
    let samples: Vec<String> = memory.iter().map(|(t, m)| format!("{t}s {m:.0}")).collect();
    println!(
        "gateway memory MB: before {:.0}, connected {:.0}, while sending [{}], after {:.0}, peak {:.0}",
        mem_before.0,
        mem_connected.0,
        samples.join(", "),
        mem_after.0,
        mem_after.1
    );
    println!(
        "healing: {} reconnects, {} sends repeated, {} messages healed from history, {} re-announced copies de-duplicated",
        all.reconnects, all.resent, all.healed, all.duplicates
    );
    if let Some(v) = &verdict {
        println!("{v}");
    }
    if args.json {
        let json = serde_json::json!({
            "users": args.users, "room_size": args.room_size, "rate": args.rate, "seconds": send_secs,
            "connects_ok": connected.attempted - failed, "connects_failed": failed, "connects_per_s": connected.attempted as f64 / connect_secs,
            "sent": sent, "acked": acked, "ack_p50_ms": a50, "ack_p99_ms": a99,
            "due": expected, "delivered": delivered, "duplicates": all.duplicates, "out_of_order": all.out_of_order,
            "delivery_p50_ms": d50, "delivery_p99_ms": d99, "delivery_max_ms": dmax,
            "stack_cpu_pct": 100.0 * cpu_total / send_secs,
            "cpu_s": cpu.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
            "gateway_mb": {"before": mem_before.0, "connected": mem_connected.0, "after": mem_after.0, "peak": mem_after.1, "samples": memory},
        });
        println!("{json}");
    }
    if verdict.is_some_and(|v| !v.ok) {
        anyhow::bail!("the run lost, duplicated or diverged (see above)");
    }
    Ok(())
}

/// The fault suite's verdict.
struct Verdict {
    ok: bool,
    line: String,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "verdict: {} {}",
            if self.ok { "PASS" } else { "FAIL" },
            self.line
        )
    }
}

async fn verify(
    args: &args::Args,
    seeded: &seed::Seeded,
    all: &loadgen::client::Report,
) -> anyhow::Result<Option<Verdict>> {
    if !args.verify {
        return Ok(None);
    }
    let stored = checks::stored(&args.database_url, seeded, &all.acked_ids).await?;
    let mut ok = stored.lost == 0
        && stored.duplicated == 0
        && all.diverged == 0
        && all.unverified == 0
        && all.unacked == 0;
    let mut line = format!(
        "acked {} stored {} lost {} duplicated {} never acked {} clients diverged {} unverified {}",
        all.acked_ids.len(),
        stored.messages,
        stored.lost,
        stored.duplicated,
        all.unacked,
        all.diverged,
        all.unverified
    );
    if let Some(wait) = args.mail_wait.filter(|_| args.offline_per_room > 0) {
        let emulator = format!("http://127.0.0.1:{}", args.emulator_port);
        let m = checks::mailed(
            &emulator,
            seeded,
            args.offline_per_room,
            wait,
            args.mail_settle,
        )
        .await?;
        ok &= m.never == 0 && m.more_than_once == 0;
        line += &format!(
            "; offline members {} mailed once {} never {} more than once {}",
            m.offline, m.once, m.never, m.more_than_once
        );
    }
    Ok(Some(Verdict { ok, line }))
}
