//! Limits on the WebSocket: sends over the limit get an `error` event with `rate_limited`,
//! typing beyond one frame per chat and state per period is dropped, and a user's connections
//! beyond the cap close the oldest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use testkit::TestApp;
use testkit::stack::TestStack;

async fn stack_with(extra: &[(&'static str, String)]) -> TestStack {
    let options = local_gateway::server::Options {
        in_process_pushes: true,
        ..Default::default()
    };
    TestStack::around(TestApp::spawn_with(extra).await, options).await
}

fn send(chat: &str, body: &str) -> (String, Value) {
    let id = uuid::Uuid::new_v4().to_string();
    let frame =
        json!({"action": "send_message", "chat_id": chat, "client_message_id": id, "body": body});
    (id, frame)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_over_the_limit_gets_a_rate_limited_error_event_and_stores_nothing() {
    let stack = stack_with(&[("RATE_LIMIT_SEND_USER", "2/60".into())]).await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let c = stack.create_direct(&alice.access_token, &bob.id).await;
    let chat = c.body["id"].as_str().unwrap();
    let mut ws = stack.connect(&alice.access_token).await;
    for i in 0..2 {
        ws.send_json(send(chat, &format!("m{i}")).1).await;
        ws.recv_type("message_sent").await;
    }
    let (id, frame) = send(chat, "one too many");
    ws.send_json(frame).await;
    let e = ws.recv_type("error").await;
    assert_eq!(e["code"], "rate_limited", "{e}");
    assert_eq!(e["client_message_id"], id.as_str());
    let wait = e["retry_after"].as_u64().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    let h = stack.history(&bob.access_token, chat, "").await;
    assert_eq!(h.body["messages"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_passes_once_per_chat_and_state_per_period() {
    let stack = stack_with(&[("RATE_LIMIT_TYPING_CHAT", "1/60".into())]).await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let c = stack.create_direct(&alice.access_token, &bob.id).await;
    let chat = c.body["id"].as_str().unwrap();
    let mut bob_ws = stack.connect(&bob.access_token).await;
    let mut alice_ws = stack.connect(&alice.access_token).await;
    bob_ws.barrier().await;
    for _ in 0..5 {
        alice_ws
            .send_json(json!({"action": "typing", "chat_id": chat, "is_typing": true}))
            .await;
    }
    alice_ws
        .send_json(json!({"action": "typing", "chat_id": chat, "is_typing": false}))
        .await;
    // Alice's frames are handled in order: after her barrier, every relay has been pushed.
    let dropped: Vec<Value> = alice_ws.barrier().await;
    assert!(
        dropped.is_empty(),
        "dropped typing gets no answer: {dropped:?}"
    );
    let seen: Vec<Value> = bob_ws
        .barrier()
        .await
        .into_iter()
        .filter(|e| e["type"] == "typing")
        .map(|e| e["is_typing"].clone())
        .collect();
    assert_eq!(seen, vec![json!(true), json!(false)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_beyond_the_cap_closes_the_oldest() {
    let stack = stack_with(&[("MAX_CONNECTIONS_PER_USER", "2".into())]).await;
    let alice = stack.user("Alice").await;
    let mut first = stack.connect(&alice.access_token).await;
    let mut second = stack.connect(&alice.access_token).await;
    first.barrier().await;
    let mut third = stack.connect(&alice.access_token).await;
    assert!(first.closed().await, "the oldest socket is closed");
    second.barrier().await;
    third.barrier().await;
    assert_eq!(stack.connection_count(&alice.id).await, 2);
}
