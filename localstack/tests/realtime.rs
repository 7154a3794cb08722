//! Real time through the gateway over real sockets: WebSocket functions, fan-out, presence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use serde_json::{Value, json};
use testkit::TestUser;
use testkit::stack::{TestStack, WsClient};

fn cid() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn pair(stack: &TestStack) -> (TestUser, TestUser, String) {
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let c = stack.create_direct(&alice.access_token, &bob.id).await;
    (alice, bob, c.body["id"].as_str().unwrap().to_owned())
}

fn send(chat: &str, client_message_id: &str, body: &str) -> Value {
    json!({"action": "send_message", "chat_id": chat, "client_message_id": client_message_id, "body": body})
}

/// Connects and waits until the others have seen this user come online, so later events are
/// not mixed with presence.
async fn online(stack: &TestStack, user: &TestUser) -> WsClient {
    stack.connect(&user.access_token).await
}

#[tokio::test]
async fn the_sender_gets_an_ack_and_the_other_member_gets_new_message() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    let mut bob_ws = online(&stack, &bob).await;
    let mut alice_ws = online(&stack, &alice).await;
    bob_ws.recv_type("presence").await;

    let id = cid();
    alice_ws.send_json(send(&chat, &id, "hello bob")).await;
    let ack = alice_ws.recv().await;
    assert_eq!(ack["type"], "message_sent");
    assert_eq!(ack["client_message_id"], id.as_str());
    assert_eq!(ack["message"]["seq"], 1);
    assert_eq!(ack["message"]["body"], "hello bob");

    let got = bob_ws.recv().await;
    assert_eq!(got["type"], "new_message");
    assert_eq!(got["message"], ack["message"]);
    assert!(
        alice_ws.barrier().await.is_empty(),
        "the sending tab gets no new_message"
    );
}

#[tokio::test]
async fn one_user_with_three_tabs_sees_their_own_message_in_the_other_tabs() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    let mut bob_ws = online(&stack, &bob).await;
    let mut tabs = Vec::new();
    for _ in 0..3 {
        tabs.push(online(&stack, &alice).await);
    }
    bob_ws.recv_type("presence").await;
    assert_eq!(
        bob_ws.barrier().await,
        Vec::<Value>::new(),
        "online once, not per tab"
    );

    tabs[0].send_json(send(&chat, &cid(), "from tab 1")).await;
    let ack = tabs[0].recv().await;
    assert_eq!(ack["type"], "message_sent");
    for tab in &mut tabs[1..] {
        let e = tab.recv().await;
        assert_eq!(e["type"], "new_message");
        assert_eq!(e["message"]["id"], ack["message"]["id"]);
    }
    assert_eq!(bob_ws.recv().await["type"], "new_message");
    assert!(tabs[0].barrier().await.is_empty());
}

#[tokio::test]
async fn a_retried_client_message_id_is_acked_again_and_broadcast_once() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    let mut bob_ws = online(&stack, &bob).await;
    let mut alice_ws = online(&stack, &alice).await;
    bob_ws.recv_type("presence").await;

    let id = cid();
    alice_ws.send_json(send(&chat, &id, "only once")).await;
    let first = alice_ws.recv().await;
    alice_ws.send_json(send(&chat, &id, "only once")).await;
    let second = alice_ws.recv().await;
    assert_eq!(second["type"], "message_sent");
    assert_eq!(second["message"], first["message"]);
    alice_ws.barrier().await;

    let events = bob_ws.barrier().await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "new_message");
    let h = stack.history(&bob.access_token, &chat, "").await;
    assert_eq!(h.body["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn typing_reaches_the_other_members_only() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    let mut bob_ws = online(&stack, &bob).await;
    let mut alice_ws = online(&stack, &alice).await;
    let mut alice_tab2 = online(&stack, &alice).await;
    bob_ws.recv_type("presence").await;

    alice_ws
        .send_json(json!({"action": "typing", "chat_id": chat, "is_typing": true}))
        .await;
    let e = bob_ws.recv().await;
    assert_eq!(
        e,
        json!({"type": "typing", "chat_id": chat, "user_id": alice.id, "is_typing": true})
    );
    alice_ws.barrier().await;
    assert!(
        alice_tab2.barrier().await.is_empty(),
        "not to the typist's own tabs"
    );
}

#[tokio::test]
async fn typing_in_a_direct_chat_with_a_block_reaches_nobody_either_way_and_takes_no_token() {
    // One typing frame per chat and state a minute: a frame the block dropped must not have
    // used the one that follows the unblock.
    let app = testkit::TestApp::spawn_with(&[("RATE_LIMIT_TYPING_CHAT", "1/60".into())]).await;
    let options = local_gateway::server::Options {
        in_process_pushes: true,
        ..Default::default()
    };
    let stack = TestStack::around(app, options).await;
    let (alice, bob, chat) = pair(&stack).await;
    let group = stack
        .create_group(&alice.access_token, "Both", &[&bob.id])
        .await;
    let group = group.body["id"].as_str().unwrap().to_owned();
    stack
        .block(&alice.access_token, &bob.id)
        .await
        .assert_status(204);
    let mut bob_ws = online(&stack, &bob).await;
    let mut alice_ws = online(&stack, &alice).await;
    bob_ws.barrier().await;
    let typing = |chat: &str| json!({"action": "typing", "chat_id": chat, "is_typing": true});

    alice_ws.send_json(typing(&chat)).await;
    assert!(
        alice_ws.barrier().await.is_empty(),
        "dropped without an answer"
    );
    bob_ws.send_json(typing(&chat)).await;
    assert!(
        bob_ws.barrier().await.is_empty(),
        "dropped without an answer"
    );
    assert!(
        alice_ws.barrier().await.is_empty(),
        "the blocker sees no typing"
    );
    assert!(
        bob_ws.barrier().await.is_empty(),
        "the blocked sees no typing"
    );

    // A group they share is left alone, as its messages are.
    bob_ws.send_json(typing(&group)).await;
    bob_ws.barrier().await;
    let e = alice_ws.recv_type("typing").await;
    assert_eq!(e["chat_id"], group.as_str());

    stack
        .unblock(&alice.access_token, &bob.id)
        .await
        .assert_status(204);
    alice_ws.send_json(typing(&chat)).await;
    let e = bob_ws.recv_type("typing").await;
    assert_eq!(
        e,
        json!({"type": "typing", "chat_id": chat, "user_id": alice.id, "is_typing": true})
    );
}

#[tokio::test]
async fn mark_read_moves_the_marker_and_tells_the_others_and_the_readers_other_tabs() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    for i in 0..3 {
        stack
            .send_message(&alice.access_token, &chat, &format!("m{i}"))
            .await;
    }
    let mut alice_ws = online(&stack, &alice).await;
    let mut bob_ws = online(&stack, &bob).await;
    let mut bob_tab = online(&stack, &bob).await;
    alice_ws.recv_type("presence").await;

    bob_ws
        .send_json(json!({"action": "mark_read", "chat_id": chat, "seq": 2}))
        .await;
    let read = json!({"type": "read", "chat_id": chat, "user_id": bob.id, "seq": 2});
    assert_eq!(alice_ws.recv().await, read);
    assert_eq!(bob_tab.recv_type("read").await, read);
    bob_ws.barrier().await;
    let list = stack.list_chats(&bob.access_token).await;
    assert_eq!(list.body["chats"][0]["last_read_seq"], 2);
    assert_eq!(list.body["chats"][0]["unread_count"], 1);

    // Moving back changes nothing and tells nobody.
    bob_ws
        .send_json(json!({"action": "mark_read", "chat_id": chat, "seq": 1}))
        .await;
    bob_ws.barrier().await;
    assert!(alice_ws.barrier().await.is_empty());
    assert!(bob_tab.barrier().await.is_empty());
}

#[tokio::test]
async fn presence_goes_on_with_the_first_connection_and_off_with_the_last() {
    let stack = TestStack::spawn().await;
    let (alice, bob, _chat) = pair(&stack).await;
    let stranger = stack.user("Stranger").await;
    let mut stranger_ws = online(&stack, &stranger).await;
    let mut alice_ws = online(&stack, &alice).await;

    let bob1 = online(&stack, &bob).await;
    let on = alice_ws.recv().await;
    assert_eq!(on["type"], "presence");
    assert_eq!(on["user_id"], bob.id.as_str());
    assert_eq!(on["online"], true);
    let list = stack.list_chats(&alice.access_token).await;
    let bob_member = list.body["chats"][0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == bob.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(bob_member["online"], true);

    let bob2 = online(&stack, &bob).await;
    bob1.close().await;
    assert!(
        alice_ws.barrier().await.is_empty(),
        "still online through the second tab"
    );
    bob2.close().await;
    let off = alice_ws.recv().await;
    assert_eq!(off["type"], "presence");
    assert_eq!(off["online"], false);
    assert!(off["last_seen_at"].is_string());
    let list = stack.list_chats(&alice.access_token).await;
    assert!(
        list.body["chats"][0]["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != bob.id.as_str() || m["online"] == false)
    );
    assert!(
        stranger_ws.barrier().await.is_empty(),
        "no chat in common, no presence"
    );
}

#[tokio::test]
async fn connect_needs_a_valid_unused_unexpired_ticket() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    assert_eq!(stack.connect_with("").await.err(), Some(401));
    assert_eq!(stack.connect_with("?ticket=").await.err(), Some(401));
    assert_eq!(stack.connect_with("?ticket=made-up").await.err(), Some(401));
    // An access token is not a ticket.
    assert_eq!(
        stack
            .connect_with(&format!("?ticket={}", alice.access_token))
            .await
            .err(),
        Some(401)
    );

    let r = stack.ws_ticket(&alice.access_token).await;
    let ticket = r.body["ticket"].as_str().unwrap().to_owned();
    let ws = stack.connect_with(&format!("?ticket={ticket}")).await;
    assert!(ws.is_ok());
    assert_eq!(
        stack.connect_with(&format!("?ticket={ticket}")).await.err(),
        Some(401),
        "a ticket works once"
    );

    let r = stack.ws_ticket(&alice.access_token).await;
    let ticket = r.body["ticket"].as_str().unwrap().to_owned();
    stack
        .db()
        .await
        .execute(
            "UPDATE ws_tickets SET expires_at = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        stack.connect_with(&format!("?ticket={ticket}")).await.err(),
        Some(401),
        "an expired ticket is refused"
    );
    let rows: i64 = stack
        .db()
        .await
        .query_one("SELECT count(*) FROM connections", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "only the admitted socket has a row");
}

#[tokio::test]
async fn bad_frames_get_an_error_event_and_the_socket_stays_usable() {
    let stack = TestStack::spawn().await;
    let (alice, _bob, chat) = pair(&stack).await;
    let outsider = stack.user("Outsider").await;
    let mut ws = online(&stack, &outsider).await;

    ws.send_text("not json at all").await;
    let e = ws.recv().await;
    assert_eq!(e["type"], "error");
    assert_eq!(e["code"], "invalid_json");

    ws.send_json(json!({"action": "dance"})).await;
    let e = ws.recv().await;
    assert_eq!(
        (e["type"].as_str(), e["code"].as_str()),
        (Some("error"), Some("unknown_action"))
    );
    ws.send_json(json!({"no_action": true})).await;
    assert_eq!(ws.recv().await["code"], "unknown_action");

    let id = cid();
    ws.send_json(send(&chat, &id, "let me in")).await;
    let e = ws.recv().await;
    assert_eq!(e["code"], "chat_not_found");
    assert_eq!(
        e["client_message_id"],
        id.as_str(),
        "the failed send is named"
    );

    ws.send_json(json!({"action": "send_message", "chat_id": chat, "client_message_id": "nope", "body": "x"}))
        .await;
    let e = ws.recv().await;
    assert_eq!(e["code"], "invalid_request");
    assert!(e["message"].as_str().unwrap().contains("client_message_id"));

    let mut alice_ws = online(&stack, &alice).await;
    alice_ws.send_json(send(&chat, &id, "   ")).await;
    let e = alice_ws.recv_type("error").await;
    assert_eq!(e["code"], "invalid_body");
    assert_eq!(e["client_message_id"], id.as_str());
    alice_ws
        .send_json(json!({"action": "typing", "chat_id": chat}))
        .await;
    assert_eq!(alice_ws.recv_type("error").await["code"], "invalid_request");

    // Still open and working.
    assert!(ws.barrier().await.is_empty());
    alice_ws.send_json(send(&chat, &cid(), "fine now")).await;
    assert_eq!(
        alice_ws.recv_type("message_sent").await["message"]["seq"],
        1
    );
}

#[tokio::test]
async fn rest_sends_edits_and_deletes_reach_websocket_clients() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    let mut bob_ws = online(&stack, &bob).await;
    let mut alice_ws = online(&stack, &alice).await;
    bob_ws.recv_type("presence").await;

    let sent = stack
        .send_message(&alice.access_token, &chat, "via REST")
        .await;
    sent.assert_status(201);
    let e = bob_ws.recv().await;
    assert_eq!(e["type"], "new_message");
    assert_eq!(e["message"]["body"], "via REST");
    assert_eq!(
        alice_ws.recv().await["type"],
        "new_message",
        "the sender's tabs too"
    );

    let id = sent.body["id"].as_str().unwrap();
    stack
        .edit_message(&alice.access_token, &chat, id, "edited")
        .await;
    let e = bob_ws.recv().await;
    assert_eq!(e["type"], "message_updated");
    assert_eq!(e["message"]["body"], "edited");
    stack.delete_message(&alice.access_token, &chat, id).await;
    let e = bob_ws.recv().await;
    assert_eq!(e["type"], "message_updated");
    assert_eq!(e["message"]["deleted"], true);

    stack.mark_read(&bob.access_token, &chat, 1).await;
    assert_eq!(alice_ws.recv_type("read").await["seq"], 1);
}

#[tokio::test]
async fn a_socket_dropped_without_a_close_frame_is_cleaned_up() {
    let stack = TestStack::spawn().await;
    let (alice, bob, _chat) = pair(&stack).await;
    let mut alice_ws = online(&stack, &alice).await;
    let bob_ws = online(&stack, &bob).await;
    alice_ws.recv_type("presence").await;

    // Drop the TCP connection without a close frame.
    drop(bob_ws);
    let off = alice_ws.recv_type("presence").await;
    assert_eq!(
        (off["user_id"].as_str(), off["online"].as_bool()),
        (Some(bob.id.as_str()), Some(false))
    );
    let rows: i64 = stack
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM connections WHERE user_id = $1",
            &[&bob.id.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn a_stale_connection_row_is_removed_when_a_push_to_it_is_gone() {
    gone_rows_are_removed(TestStack::spawn().await).await;
}

#[tokio::test]
async fn over_http_too_a_push_to_a_gone_connection_removes_its_row() {
    gone_rows_are_removed(TestStack::spawn_with_http_pushes().await).await;
}

async fn gone_rows_are_removed(stack: TestStack) {
    let (alice, bob, chat) = pair(&stack).await;
    // A row whose $disconnect never arrived: the gateway no longer knows the id.
    let db = stack.db().await;
    db.execute(
        "INSERT INTO connections (connection_id, user_id) VALUES ('STALEid0=', $1)",
        &[&bob.id.parse::<uuid::Uuid>().unwrap()],
    )
    .await
    .unwrap();
    let mut alice_ws = online(&stack, &alice).await;
    alice_ws.send_json(send(&chat, &cid(), "anyone?")).await;
    assert_eq!(alice_ws.recv().await["type"], "message_sent");
    alice_ws.barrier().await;
    let rows: i64 = db
        .query_one(
            "SELECT count(*) FROM connections WHERE connection_id = 'STALEid0='",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0, "the Gone connection's row was deleted");
    let alice_rows: i64 = db
        .query_one("SELECT count(*) FROM connections", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(alice_rows, 1, "only that row: the sender's stays");
}

#[tokio::test]
async fn the_sweeper_removes_connections_past_the_two_hour_limit() {
    let stack = TestStack::spawn().await;
    let (alice, bob, _chat) = pair(&stack).await;
    let mut alice_ws = online(&stack, &alice).await;
    let _bob_ws = online(&stack, &bob).await;
    alice_ws.recv_type("presence").await;
    let db = stack.db().await;
    db.execute(
        "UPDATE connections SET connected_at = now() - interval '3 hours' WHERE user_id = $1",
        &[&bob.id.parse::<uuid::Uuid>().unwrap()],
    )
    .await
    .unwrap();
    let report = shared::service::realtime::sweep(&stack.ctx).await.unwrap();
    assert_eq!(report.expired, 1);
    let off = alice_ws.recv_type("presence").await;
    assert_eq!(off["online"], false);
}

#[tokio::test]
async fn the_sweeper_asks_api_gateway_about_idle_connections() {
    idle_connections_are_checked(TestStack::spawn().await).await;
}

#[tokio::test]
async fn over_http_too_the_sweeper_asks_about_idle_connections() {
    idle_connections_are_checked(TestStack::spawn_with_http_pushes().await).await;
}

async fn idle_connections_are_checked(stack: TestStack) {
    let (alice, bob, _chat) = pair(&stack).await;
    let _alice_ws = online(&stack, &alice).await;
    let db = stack.db().await;
    db.execute(
        "INSERT INTO connections (connection_id, user_id, last_seen_at) VALUES ('GONEid0=', $1, now() - interval '1 hour')",
        &[&bob.id.parse::<uuid::Uuid>().unwrap()],
    )
    .await
    .unwrap();
    db.execute(
        "UPDATE connections SET last_seen_at = now() - interval '1 hour'",
        &[],
    )
    .await
    .unwrap();
    let report = shared::service::realtime::sweep(&stack.ctx).await.unwrap();
    assert_eq!(
        report.gone, 1,
        "only the connection the gateway does not know"
    );
    let rows: i64 = db
        .query_one("SELECT count(*) FROM connections", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn a_client_offline_during_20_messages_catches_up_in_order_once() {
    let stack = TestStack::spawn().await;
    let (alice, bob, chat) = pair(&stack).await;
    let mut alice_ws = online(&stack, &alice).await;
    for i in 1..=20 {
        alice_ws
            .send_json(send(&chat, &cid(), &format!("missed {i}")))
            .await;
        assert_eq!(alice_ws.recv().await["type"], "message_sent");
    }
    // Bob comes back: the chat list tells him what he lacks, after_seq fetches it.
    let list = stack.list_chats(&bob.access_token).await;
    let c = &list.body["chats"][0];
    assert_eq!(
        (c["last_seq"].as_i64(), c["unread_count"].as_i64()),
        (Some(20), Some(20))
    );
    let known = 0;
    let page = stack
        .history(&bob.access_token, &chat, &format!("after_seq={known}"))
        .await;
    let bodies: Vec<String> = page.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        bodies,
        (1..=20).map(|i| format!("missed {i}")).collect::<Vec<_>>()
    );
    assert_eq!(page.body["has_more"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_in_twenty_groups_each_get_every_other_members_message_once() {
    const GROUPS: usize = 20;
    const PER_GROUP: usize = 10;
    const MESSAGES: usize = 10;
    let stack = TestStack::spawn().await;
    let mut users = Vec::new();
    for i in 0..GROUPS * PER_GROUP {
        users.push(stack.user(&format!("Member {i:03}")).await);
    }
    let mut chats = Vec::new();
    for g in 0..GROUPS {
        let members: Vec<&str> = users[g * PER_GROUP + 1..(g + 1) * PER_GROUP]
            .iter()
            .map(|u| u.id.as_str())
            .collect();
        let r = stack
            .create_group(
                &users[g * PER_GROUP].access_token,
                &format!("Group {g}"),
                &members,
            )
            .await;
        chats.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let mut clients = Vec::new();
    for u in &users {
        clients.push(stack.connect(&u.access_token).await);
    }
    assert_eq!(stack.registry.len(), GROUPS * PER_GROUP);

    // Everyone sends 10 messages, all at once.
    let mut tasks = Vec::new();
    for (i, mut ws) in clients.into_iter().enumerate() {
        let chat = chats[i / PER_GROUP].clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..MESSAGES {
                ws.send_json(send(&chat, &cid(), &format!("{i}:{n}"))).await;
            }
            // Collect until this client has its 10 acks and the others' 90 messages.
            let want = MESSAGES + (PER_GROUP - 1) * MESSAGES;
            let mut acks = 0;
            let mut received: Vec<Value> = Vec::new();
            while acks + received.len() < want {
                let e = ws.recv().await;
                match e["type"].as_str() {
                    Some("message_sent") => acks += 1,
                    Some("new_message") => received.push(e["message"].clone()),
                    Some("presence") => {}
                    other => panic!("unexpected event {other:?}: {e}"),
                }
            }
            let extra = ws.barrier().await;
            assert!(
                extra.iter().all(|e| e["type"] == "presence"),
                "nothing twice: {extra:?}"
            );
            (i, received)
        }));
    }
    let mut by_chat: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for t in tasks {
        let (i, mut received) = t.await.unwrap();
        // Clients order by seq; no duplicates, and all from the other members.
        received.sort_by_key(|m| m["seq"].as_i64().unwrap());
        let seqs: Vec<i64> = received
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect();
        let mut dedup = seqs.clone();
        dedup.dedup();
        assert_eq!(seqs, dedup, "client {i} got a message twice");
        assert!(
            received
                .iter()
                .all(|m| !m["body"].as_str().unwrap().starts_with(&format!("{i}:")))
        );
        assert_eq!(received.len(), (PER_GROUP - 1) * MESSAGES);
        let chat = chats[i / PER_GROUP].clone();
        assert!(received.iter().all(|m| m["chat_id"] == chat.as_str()));
        by_chat
            .entry(chat)
            .or_default()
            .extend(received.iter().map(|m| {
                (
                    m["seq"].as_i64().unwrap(),
                    m["body"].as_str().unwrap().to_owned(),
                )
            }));
    }
    // Every member saw the same seq for the same message: one order for everybody.
    for (chat, mut seen) in by_chat {
        seen.sort();
        seen.dedup();
        let seqs: Vec<i64> = seen.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            seqs,
            (1..=(PER_GROUP * MESSAGES) as i64).collect::<Vec<_>>(),
            "chat {chat}"
        );
    }
}

#[tokio::test]
async fn a_frame_over_32_kb_is_refused_like_api_gateway_does() {
    let stack = TestStack::spawn().await;
    let (alice, _bob, chat) = pair(&stack).await;
    let mut ws = online(&stack, &alice).await;
    ws.send_json(send(&chat, &cid(), &"x".repeat(33 * 1024)))
        .await;
    assert!(ws.closed().await, "the oversized frame closes the socket");
    let h = stack.history(&alice.access_token, &chat, "").await;
    assert_eq!(
        h.body["messages"].as_array().unwrap().len(),
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn adding_and_removing_a_group_member_is_announced_to_the_members_and_to_them() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let carol = stack.user("Carol").await;
    let group = stack
        .create_group(&alice.access_token, "Team", &[&bob.id])
        .await;
    group.assert_status(201);
    let chat = group.body["id"].as_str().unwrap().to_owned();
    let mut bob_ws = online(&stack, &bob).await;
    let mut carol_ws = online(&stack, &carol).await;
    let mut alice_ws = online(&stack, &alice).await;
    bob_ws.recv_type("presence").await;

    let token = &alice.access_token;
    stack
        .add_member(token, &chat, &carol.id)
        .await
        .assert_status(201);
    for ws in [&mut alice_ws, &mut bob_ws, &mut carol_ws] {
        let e = ws.recv_type("member_added").await;
        assert_eq!(e["chat_id"], chat.as_str());
        assert_eq!(e["member"]["id"], carol.id.as_str());
        assert_eq!(e["member"]["display_name"], "Carol");
        assert_eq!(e["member"]["role"], "member");
    }
    // Adding again changes nothing and announces nothing.
    stack
        .add_member(token, &chat, &carol.id)
        .await
        .assert_status(200);
    assert!(
        !bob_ws
            .barrier()
            .await
            .iter()
            .any(|e| e["type"] == "member_added")
    );

    stack
        .remove_member(token, &chat, &bob.id)
        .await
        .assert_status(204);
    for ws in [&mut alice_ws, &mut bob_ws, &mut carol_ws] {
        let e = ws.recv_type("member_removed").await;
        assert_eq!(e["chat_id"], chat.as_str());
        assert_eq!(e["user_id"], bob.id.as_str());
        assert_eq!(e["removed_by"], alice.id.as_str());
    }
    // Bob is out: the chat's next message does not reach him.
    alice_ws.send_json(send(&chat, &cid(), "after bob")).await;
    alice_ws.recv_type("message_sent").await;
    carol_ws.recv_type("new_message").await;
    assert!(
        !bob_ws
            .barrier()
            .await
            .iter()
            .any(|e| e["type"] == "new_message")
    );
}
