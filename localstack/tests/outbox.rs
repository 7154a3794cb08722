//! What follows a write, through the gateway over real sockets: the outbox row a change
//! leaves is announced and deleted; one a writer left behind is announced by the drainer;
//! a large chat's changes go through the fan-out worker; a text send costs one statement.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use testkit::stack::{TestStack, WsClient};
use testkit::{TestApp, TestUser};

fn send(chat: &str, body: &str) -> Value {
    json!({"action": "send_message", "chat_id": chat, "client_message_id": uuid::Uuid::new_v4(), "body": body})
}

async fn group(stack: &TestStack, owner: &TestUser, others: &[&TestUser]) -> String {
    let ids: Vec<&str> = others.iter().map(|u| u.id.as_str()).collect();
    let r = stack.create_group(&owner.access_token, "Team", &ids).await;
    r.assert_status(201);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn outbox_rows(app: &TestApp) -> i64 {
    app.db()
        .await
        .query_one("SELECT count(*) FROM outbox", &[])
        .await
        .unwrap()
        .get(0)
}

/// Waits until the gateway's flush has deleted every finished outbox row.
async fn outbox_empties(app: &TestApp) {
    let deadline = std::time::Instant::now() + testkit::stack::EVENT_TIMEOUT;
    while outbox_rows(app).await > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox did not empty"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_stored_message_is_announced_and_its_outbox_row_deleted() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let chat = group(&stack, &alice, &[&bob]).await;
    let mut bob_ws = stack.connect(&bob.access_token).await;
    let mut alice_ws = stack.connect(&alice.access_token).await;
    bob_ws.recv_type("presence").await;

    alice_ws.send_json(send(&chat, "hello")).await;
    alice_ws.recv_type("message_sent").await;
    assert_eq!(
        bob_ws.recv_type("new_message").await["message"]["body"],
        "hello"
    );
    outbox_empties(&stack).await;
}

#[tokio::test]
async fn the_drainer_announces_what_a_writer_left_unfinished() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let chat = group(&stack, &alice, &[&bob]).await;
    // A writer that stored its message and died before announcing it: the row stays behind.
    let stored = stack
        .send_message(&alice.access_token, &chat, "left behind")
        .await;
    stored.assert_status(201);
    outbox_empties(&stack).await;
    let message_id = stored.body["id"].as_str().unwrap();
    stack
        .db()
        .await
        .execute(
            "INSERT INTO outbox (change, due_at) VALUES \
             (jsonb_build_object('change', 'message_stored', 'chat_id', $1::text::uuid, 'message_id', $2::text::uuid), now())",
            &[&chat, &message_id],
        )
        .await
        .unwrap();
    let mut bob_ws = stack.connect(&bob.access_token).await;

    let report = shared::service::outbox::drain(&stack.ctx).await.unwrap();
    assert_eq!(report.announced, 1);
    let e = bob_ws.recv_type("new_message").await;
    assert_eq!(e["message"]["id"], message_id);
    assert_eq!(e["message"]["body"], "left behind");
    assert_eq!(outbox_rows(&stack).await, 0);
    // Nothing is due any more: a second drain announces nothing.
    assert_eq!(
        shared::service::outbox::drain(&stack.ctx).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn a_row_still_within_its_writers_lease_is_left_to_the_writer() {
    let stack = TestStack::spawn().await;
    stack
        .db()
        .await
        .execute(
            "INSERT INTO outbox (change, due_at) VALUES \
             ('{\"change\":\"read_moved\",\"chat_id\":\"00000000-0000-0000-0000-000000000000\",\
               \"user_id\":\"00000000-0000-0000-0000-000000000000\",\"seq\":1}', now() + interval '1 minute')",
            &[],
        )
        .await
        .unwrap();
    let report = shared::service::outbox::drain(&stack.ctx).await.unwrap();
    assert_eq!(report, Default::default());
    assert_eq!(outbox_rows(&stack).await, 1);
}

async fn connect_all(stack: &TestStack, users: &[&TestUser]) -> Vec<WsClient> {
    let mut sockets = Vec::new();
    for u in users {
        sockets.push(stack.connect(&u.access_token).await);
    }
    sockets
}

#[tokio::test]
async fn a_large_chats_message_reaches_everyone_through_the_fanout_worker() {
    // Chats of more than 2 members count as large here.
    let stack = TestStack::spawn_with_aws(&[("FANOUT_INLINE_MAX", "2".to_owned())]).await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let carol = stack.user("Carol").await;
    let chat = group(&stack, &alice, &[&bob, &carol]).await;
    let mut sockets = connect_all(&stack, &[&alice, &bob, &carol]).await;

    sockets[0].send_json(send(&chat, "to the crowd")).await;
    let ack = sockets[0].recv_type("message_sent").await;
    for ws in &mut sockets[1..] {
        let e = ws.recv_type("new_message").await;
        assert_eq!(e["message"], ack["message"]);
    }
    // Typing is not relayed in a large chat.
    sockets[0]
        .send_json(json!({"action": "typing", "chat_id": chat, "is_typing": true}))
        .await;
    sockets[0].barrier().await;
    assert!(
        !sockets[1]
            .barrier()
            .await
            .iter()
            .any(|e| e["type"] == "typing")
    );
    outbox_empties(&stack).await;
}

/// Statements this test's database ran so far: (sends, outbox deletes, anything else,
/// transactions opened), not counting this query and the tests' own outbox polls.
async fn statements(app: &TestApp) -> (i64, i64, i64, i64) {
    let row = app
        .db()
        .await
        .query_one(
            "SELECT coalesce(sum(calls) FILTER (WHERE query LIKE 'WITH conn AS%INSERT INTO messages%'), 0)::bigint, \
                    coalesce(sum(calls) FILTER (WHERE query LIKE 'DELETE FROM outbox%'), 0)::bigint, \
                    coalesce(sum(calls) FILTER (WHERE query NOT LIKE 'WITH conn AS%INSERT INTO messages%' \
                        AND query NOT LIKE 'DELETE FROM outbox%' AND query NOT ILIKE '%pg_stat%' \
                        AND query NOT LIKE 'SELECT count(*) FROM outbox%'), 0)::bigint, \
                    coalesce(sum(calls) FILTER (WHERE query ILIKE 'START TRANSACTION%' OR query ILIKE 'BEGIN%'), 0)::bigint \
             FROM pg_stat_statements \
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2), row.get(3))
}

#[tokio::test]
async fn a_text_message_sent_over_the_websocket_costs_one_statement_and_no_transaction() {
    let stack = TestStack::spawn().await;
    stack
        .db()
        .await
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .await
        .unwrap();
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let chat = group(&stack, &alice, &[&bob]).await;
    let mut bob_ws = stack.connect(&bob.access_token).await;
    let mut alice_ws = stack.connect(&alice.access_token).await;
    bob_ws.recv_type("presence").await;
    // Warm up: statements are prepared once per connection.
    alice_ws.send_json(send(&chat, "warm")).await;
    alice_ws.recv_type("message_sent").await;
    bob_ws.recv_type("new_message").await;
    outbox_empties(&stack).await;

    let before = statements(&stack).await;
    const N: i64 = 10;
    for i in 0..N {
        alice_ws.send_json(send(&chat, &format!("m{i}"))).await;
        alice_ws.recv_type("message_sent").await;
        bob_ws.recv_type("new_message").await;
    }
    outbox_empties(&stack).await;
    let after = statements(&stack).await;
    let (sends, deletes, other, transactions) = (
        after.0 - before.0,
        after.1 - before.1,
        after.2 - before.2,
        after.3 - before.3,
    );
    assert_eq!(sends, N, "one statement per send");
    // The outbox rows the sends finished are deleted in batches: at most one delete each.
    assert!((1..=N).contains(&deletes), "{deletes} deletes");
    assert_eq!(other, 0, "nothing else runs for a send");
    assert_eq!(transactions, 0, "a text send opens no transaction");
}
