//! The fault suite's short version (bench/faults.sh runs the long one against `make dev`): a
//! steady load of senders and receivers while the gateway restarts, and while 1,000 connections
//! vanish without `$disconnect`. Afterwards no acknowledged message is lost or stored twice and
//! every client has exactly its room's stored history.

#![allow(clippy::expect_used)]

use std::time::Duration;

use loadgen::run::{self, Behaviour, Outcome};
use loadgen::{checks, seed};
use testkit::stack::TestStack;

const USERS: usize = 100;

async fn load(stack: &TestStack) -> (seed::Seeded, run::Running) {
    let keys = shared::auth::jwt::TokenKeys::new(&stack.ctx.config);
    let seeded = seed::seed(&stack.database_url, &keys, USERS, 10)
        .await
        .expect("seed");
    let connected = run::connect_all(&stack.base, &seeded, usize::MAX, 0, 25)
        .await
        .expect("connect");
    assert_eq!(connected.failed, 0);
    let behaviour = Behaviour {
        verify: true,
        resend_after: Some(Duration::from_secs(2)),
    };
    let running = run::start(&stack.base, &seeded, connected.members, 0.5, behaviour);
    (seeded, running)
}

async fn finish(stack: &TestStack, seeded: &seed::Seeded, running: run::Running) -> Outcome {
    let outcome = running.end(Duration::from_secs(30)).await.expect("finish");
    let r = &outcome.report;
    let stored = checks::stored(&stack.database_url, seeded, &r.acked_ids)
        .await
        .expect("check the database");
    eprintln!("{}; {stored:?}", outcome.summary());
    assert!(outcome.sent >= USERS as u64, "everyone sent");
    assert_eq!(r.unacked, 0, "every send acknowledged in the end");
    assert_eq!(stored.lost, 0, "no acknowledged message lost");
    assert_eq!(stored.duplicated, 0, "no message stored twice");
    assert_eq!(stored.messages as u64, outcome.acked);
    assert_eq!(r.unverified, 0);
    assert_eq!(r.diverged, 0, "each client has its room's stored history");
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_restart_under_load_loses_nothing() {
    let mut stack = TestStack::spawn().await;
    let (seeded, running) = load(&stack).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    stack.restart_gateway().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let outcome = finish(&stack, &seeded, running).await;
    assert!(
        outcome.report.reconnects >= USERS as u64,
        "every client reconnected ({})",
        outcome.report.reconnects
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_storm_of_a_thousand_connections_loses_nothing() {
    let stack = TestStack::spawn().await;
    let (seeded, running) = load(&stack).await;
    let db = stack.ctx.db.get().await.expect("db");
    // Connections API Gateway no longer has, of users who are online: no $disconnect comes.
    db.batch_execute(include_str!("../../gone_storm.sql"))
        .await
        .expect("insert the vanished connections");
    tokio::time::sleep(Duration::from_secs(8)).await;
    finish(&stack, &seeded, running).await;
    let left: i64 = db
        .query_one(
            "SELECT count(*) FROM connections WHERE connection_id LIKE 'gone-%'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(left, 0, "every push to a vanished connection removed it");
}
