//! The load generator's short run, as `make test` makes it: 200 users in rooms of 10 connect
//! through real tickets and `$connect` to a gateway over a fresh database and send for 10 s.
//! Every acknowledged message must reach every other connected member of its room exactly once
//! and in seq order. No timing is asserted: this keeps the benchmark's own checks working.

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
    let connected = run::connect_all(&stack.base, &seeded, usize::MAX, 50)
        .await
        .expect("connect");
    assert_eq!(connected.failed, 0, "every $connect succeeds");
    assert_eq!(connected.members.len(), 200);

    let running = run::start(connected.members, 0.2);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let send_secs = running.stop_sending();
    let outcome = running
        .finish(send_secs, Duration::from_secs(30))
        .await
        .expect("finish");

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
    assert_eq!(outcome.report.out_of_order, 0, "seq order per room");
    assert_eq!(outcome.report.errors, 0, "no error event, no broken socket");
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
