//! The load generator's short run, as `make test` makes it: 200 users in rooms of 10 connect
//! through real tickets and `$connect` to a gateway over a fresh database and send for 10 s.
//! Every acknowledged message must be stored once and reach every other connected member of its
//! room exactly once, and each client must end with its room's stored history. No timing is
//! asserted (nor arrival order, which depends on timing): this keeps the benchmark's own checks
//! working.

use std::time::Duration;

use loadgen::{run, seed};
use testkit::stack::TestStack;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_users_for_ten_seconds_get_every_message_exactly_once() {
    let stack = TestStack::spawn().await;
    let keys = shared::auth::jwt::TokenKeys::new(&stack.ctx.config);
    let seeded = seed::seed(&stack.database_url, &keys, 200, 10)
        .await
        .expect("seed");
    let connected = run::connect_all(&stack.base, &seeded, usize::MAX, 0, 50)
        .await
        .expect("connect");
    assert_eq!(connected.failed, 0, "every $connect succeeds");
    assert_eq!(connected.members.len(), 200);

    let running = run::start(
        &stack.base,
        &seeded,
        connected.members,
        0.2,
        run::Behaviour {
            verify: true,
            // A send refused for a moment (a starved machine's pool waits) goes out again.
            resend_after: Some(Duration::from_secs(3)),
        },
    );
    tokio::time::sleep(Duration::from_secs(10)).await;
    let outcome = running.end(Duration::from_secs(30)).await.expect("finish");
    eprintln!("{}", outcome.summary());
    // 200 senders at 0.2/s for 10 s: about 400 messages (each sender's first is at a random
    // point of its first interval).
    assert!(outcome.sent >= 200, "sent {}", outcome.sent);
    assert_eq!(outcome.acked, outcome.sent, "every message acknowledged");
    assert_eq!(outcome.report.unacked, 0);
    assert_eq!(
        outcome.due,
        outcome.acked * 9,
        "each ACK makes 9 deliveries due"
    );
    assert_eq!(outcome.delivered, outcome.due, "every delivery arrived");
    assert_eq!(outcome.report.duplicates, 0, "no message arrived twice");
    // Arrival order is not asserted: an announcement waits at most ANNOUNCE_ORDER_WAIT_MS for
    // an earlier one of its chat (shared/src/ordering.rs), so on a starved machine a push can
    // overtake another; clients place messages by seq, and `diverged` checks that each client
    // ends with its room's one stored order.
    assert_eq!(outcome.report.reconnects, 0, "no broken socket");
    assert_eq!(outcome.report.live, outcome.due, "every push arrived");
    assert_eq!(outcome.report.unverified, 0);
    assert_eq!(
        outcome.report.diverged, 0,
        "each client has its room's stored history"
    );
    let stored: i64 = stack
        .ctx
        .db
        .get()
        .await
        .expect("db")
        .query_one("SELECT count(*) FROM messages", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(stored as u64, outcome.acked, "one stored message per ACK");
}
