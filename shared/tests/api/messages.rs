use std::collections::HashSet;
use std::sync::Arc;

use testkit::{TestApp, TestUser, json};

async fn pair(app: &TestApp) -> (TestUser, TestUser, String) {
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let c = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = c.body["id"].as_str().unwrap().to_owned();
    (alice, bob, chat)
}

#[tokio::test]
async fn a_sent_message_is_stored_and_returned_whole() {
    let app = TestApp::spawn().await;
    let (alice, _bob, chat) = pair(&app).await;
    let cid = uuid::Uuid::new_v4().to_string();
    let r = app
        .send_message_with_id(&alice.access_token, &chat, &cid, "  hello\r\nworld  ")
        .await;
    r.assert_status(201);
    assert_eq!(r.body["chat_id"], chat.as_str());
    assert_eq!(r.body["seq"], 1);
    assert_eq!(r.body["sender_id"], alice.id.as_str());
    assert_eq!(r.body["client_message_id"], cid.as_str());
    assert_eq!(r.body["body"], "hello\nworld");
    assert_eq!(r.body["deleted"], false);
    assert_eq!(r.body["edited_at"], serde_json::Value::Null);
    assert!(r.body["id"].is_string() && r.body["created_at"].is_string());
}

#[tokio::test]
async fn message_input_is_validated() {
    let app = TestApp::spawn().await;
    let (alice, _bob, chat) = pair(&app).await;
    let t = &alice.access_token;
    for (body, code) in [
        ("   ", "invalid_body"),
        ("", "invalid_body"),
        ("bell \u{7}", "invalid_body"),
        ("nul \u{0}", "invalid_body"),
    ] {
        app.send_message(t, &chat, body)
            .await
            .assert_error(400, code);
    }
    app.send_message(t, &chat, &"x".repeat(4001))
        .await
        .assert_error(400, "invalid_body");
    app.send_message(t, &chat, &"é".repeat(4000))
        .await
        .assert_status(201);
    app.send_message(t, &chat, "tabs\tand\nnewlines")
        .await
        .assert_status(201);
    let path = format!("/api/chats/{chat}/messages");
    for body in [
        json!({"client_message_id": "not-a-uuid", "body": "x"}),
        json!({"body": "x"}),
        json!({"client_message_id": uuid::Uuid::new_v4(), "body": 5}),
    ] {
        app.send("POST", &path, Some(body), Some(t))
            .await
            .assert_error(400, "invalid_request");
    }
    // No body is an empty body, allowed only with attachments.
    app.send(
        "POST",
        &path,
        Some(json!({"client_message_id": uuid::Uuid::new_v4()})),
        Some(t),
    )
    .await
    .assert_error(400, "invalid_body");
    app.send(
        "POST",
        &path,
        Some(json!({"client_message_id": uuid::Uuid::new_v4(), "body": "x", "attachment_ids": [uuid::Uuid::new_v4()]})),
        Some(t),
    )
    .await
    .assert_error(400, "unknown_attachment");
}

#[tokio::test]
async fn a_retried_client_message_id_returns_the_original_and_stores_nothing_new() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat) = pair(&app).await;
    let cid = uuid::Uuid::new_v4().to_string();
    let first = app
        .send_message_with_id(&alice.access_token, &chat, &cid, "once")
        .await;
    first.assert_status(201);
    let retry = app
        .send_message_with_id(&alice.access_token, &chat, &cid, "once (retried)")
        .await;
    retry.assert_status(200);
    assert_eq!(retry.body, first.body);
    let h = app.history(&alice.access_token, &chat, "").await;
    assert_eq!(h.body["messages"].as_array().unwrap().len(), 1);

    // Another sender may use the same client id; it is unique per sender.
    app.send_message_with_id(&bob.access_token, &chat, &cid, "mine")
        .await
        .assert_status(201);
    // The same sender reusing it in another chat is a conflict, not a silent success.
    let carol = app.user("Carol").await;
    let other = app.create_direct(&alice.access_token, &carol.id).await;
    app.send_message_with_id(
        &alice.access_token,
        other.body["id"].as_str().unwrap(),
        &cid,
        "elsewhere",
    )
    .await
    .assert_error(409, "client_message_id_reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_of_one_send_store_one_message() {
    let app = Arc::new(TestApp::spawn().await);
    let (alice, _bob, chat) = pair(&app).await;
    let cid = uuid::Uuid::new_v4().to_string();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (app, alice, chat, cid) = (app.clone(), alice.clone(), chat.clone(), cid.clone());
        tasks.push(tokio::spawn(async move {
            let r = app
                .send_message_with_id(&alice.access_token, &chat, &cid, "racing")
                .await;
            assert!(r.status == 200 || r.status == 201, "{}", r.text);
            (r.status, r.body["id"].as_str().unwrap().to_owned())
        }));
    }
    let mut ids = HashSet::new();
    let mut created = 0;
    for t in tasks {
        let (status, id) = t.await.unwrap();
        created += usize::from(status == 201);
        ids.insert(id);
    }
    assert_eq!((ids.len(), created), (1, 1));
    // The seq given up by the losers is reused: the next message is 2.
    let next = app.send_message(&alice.access_token, &chat, "next").await;
    assert_eq!(next.body["seq"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_get_consecutive_seqs_without_gaps_or_repeats() {
    let app = Arc::new(TestApp::spawn().await);
    let owner = app.user("Owner").await;
    let mut users = vec![owner.clone()];
    for i in 0..7 {
        users.push(app.user(&format!("Sender {i}")).await);
    }
    let ids: Vec<&str> = users[1..].iter().map(|u| u.id.as_str()).collect();
    let g = app.create_group(&owner.access_token, "Busy", &ids).await;
    let chat = g.body["id"].as_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for user in users {
        let (app, chat) = (app.clone(), chat.clone());
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for i in 0..25 {
                let r = app
                    .send_message(
                        &user.access_token,
                        &chat,
                        &format!("{} #{i}", user.display_name),
                    )
                    .await;
                r.assert_status(201);
                seqs.push(r.body["seq"].as_i64().unwrap());
            }
            seqs
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        let seqs = t.await.unwrap();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "one sender's seqs rise"
        );
        all.extend(seqs);
    }
    all.sort_unstable();
    assert_eq!(all, (1..=200).collect::<Vec<i64>>());
    let chat_row = app.get_chat(&owner.access_token, &chat).await;
    assert_eq!(chat_row.body["last_seq"], 200);
}

async fn fill(app: &TestApp, user: &TestUser, chat: &str, n: usize) {
    for i in 1..=n {
        app.send_message(&user.access_token, chat, &format!("m{i}"))
            .await
            .assert_status(201);
    }
}

fn seqs(page: &serde_json::Value) -> Vec<i64> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn paging_backwards_and_forwards_over_250_messages_returns_each_once() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat) = pair(&app).await;
    fill(&app, &alice, &chat, 250).await;
    let t = &bob.access_token;

    // Without cursors: the latest page, ascending.
    let latest = app.history(t, &chat, "").await;
    latest.assert_status(200);
    assert_eq!(seqs(&latest.body), (201..=250).collect::<Vec<_>>());
    assert_eq!(latest.body["has_more"], true);

    // Backwards with before_seq.
    let mut seen = Vec::new();
    let mut cursor: Option<i64> = None;
    loop {
        let q = match cursor {
            Some(c) => format!("before_seq={c}&limit=100"),
            None => "limit=100".to_owned(),
        };
        let page = app.history(t, &chat, &q).await;
        page.assert_status(200);
        let s = seqs(&page.body);
        assert!(s.windows(2).all(|w| w[1] == w[0] + 1), "ascending, no gaps");
        cursor = s.first().copied();
        seen.extend(s);
        if page.body["has_more"] == false {
            break;
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=250).collect::<Vec<_>>());

    // Forwards with after_seq (catching up).
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = app
            .history(t, &chat, &format!("after_seq={after}&limit=100"))
            .await;
        let s = seqs(&page.body);
        after = s.last().copied().unwrap_or(after);
        seen.extend(s);
        if page.body["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen, (1..=250).collect::<Vec<_>>());

    // Both cursors: the range between them.
    let mid = app.history(t, &chat, "after_seq=10&before_seq=15").await;
    assert_eq!(seqs(&mid.body), [11, 12, 13, 14]);
    assert_eq!(mid.body["has_more"], false);
    let caught_up = app.history(t, &chat, "after_seq=250").await;
    assert_eq!(seqs(&caught_up.body), Vec::<i64>::new());
    assert_eq!(caught_up.body["has_more"], false);
}

#[tokio::test]
async fn history_parameters_are_validated() {
    let app = TestApp::spawn().await;
    let (alice, _bob, chat) = pair(&app).await;
    let t = &alice.access_token;
    for (q, code) in [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=-5", "invalid_limit"),
        ("before_seq=-1", "invalid_cursor"),
        ("limit=abc", "invalid_request"),
        ("before_seq=1.5", "invalid_request"),
        ("after_seq=99999999999999999999999", "invalid_request"),
        ("offset=10", "invalid_request"),
    ] {
        app.history(t, &chat, q).await.assert_error(400, code);
    }
    app.history(t, &chat, "limit=100").await.assert_status(200);
}

#[tokio::test]
async fn the_sender_edits_and_deletes_and_the_seq_stays() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat) = pair(&app).await;
    app.send_message(&alice.access_token, &chat, "first").await;
    let m = app.send_message(&alice.access_token, &chat, "typo").await;
    let id = m.body["id"].as_str().unwrap().to_owned();

    let e = app
        .edit_message(&alice.access_token, &chat, &id, "fixed")
        .await;
    e.assert_status(200);
    assert_eq!(e.body["body"], "fixed");
    assert_eq!(e.body["seq"], 2);
    assert!(e.body["edited_at"].is_string());

    app.edit_message(&bob.access_token, &chat, &id, "not yours")
        .await
        .assert_error(403, "not_message_sender");
    app.delete_message(&bob.access_token, &chat, &id)
        .await
        .assert_error(403, "not_message_sender");
    app.edit_message(&alice.access_token, &chat, &id, "  ")
        .await
        .assert_error(400, "invalid_body");

    let d = app.delete_message(&alice.access_token, &chat, &id).await;
    d.assert_status(200);
    assert_eq!(d.body["deleted"], true);
    assert_eq!(d.body["body"], "");
    assert_eq!(d.body["seq"], 2);
    app.delete_message(&alice.access_token, &chat, &id)
        .await
        .assert_status(200);
    app.edit_message(&alice.access_token, &chat, &id, "undo")
        .await
        .assert_error(409, "message_deleted");

    let h = app.history(&bob.access_token, &chat, "").await;
    let msgs = h.body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[1]["deleted"], true);
    assert_eq!(msgs[1]["body"], "");
    let list = app.list_chats(&bob.access_token).await;
    assert_eq!(
        list.body["chats"][0]["unread_count"], 1,
        "deleted messages are not unread"
    );
}

#[tokio::test]
async fn a_message_is_found_only_in_its_own_chat() {
    let app = TestApp::spawn().await;
    let (alice, _bob, chat) = pair(&app).await;
    let carol = app.user("Carol").await;
    let other = app.create_direct(&alice.access_token, &carol.id).await;
    let other = other.body["id"].as_str().unwrap().to_owned();
    let m = app.send_message(&alice.access_token, &chat, "here").await;
    let id = m.body["id"].as_str().unwrap();
    app.edit_message(&alice.access_token, &other, id, "there")
        .await
        .assert_error(404, "message_not_found");
    app.delete_message(&alice.access_token, &chat, "not-a-uuid")
        .await
        .assert_error(404, "message_not_found");
    app.delete_message(
        &alice.access_token,
        &chat,
        &uuid::Uuid::new_v4().to_string(),
    )
    .await
    .assert_error(404, "message_not_found");
}

#[tokio::test]
async fn the_read_marker_only_moves_forward_and_never_past_the_last_message() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat) = pair(&app).await;
    fill(&app, &alice, &chat, 5).await;
    let t = &bob.access_token;
    let r = app.mark_read(t, &chat, 3).await;
    r.assert_status(200);
    assert_eq!(r.body, json!({"chat_id": chat, "last_read_seq": 3}));
    assert_eq!(app.mark_read(t, &chat, 2).await.body["last_read_seq"], 3);
    assert_eq!(app.mark_read(t, &chat, 99).await.body["last_read_seq"], 5);
    app.mark_read(t, &chat, -1)
        .await
        .assert_error(400, "invalid_seq");
    app.send(
        "POST",
        &format!("/api/chats/{chat}/read"),
        Some(json!({"seq": "3"})),
        Some(t),
    )
    .await
    .assert_error(400, "invalid_request");
    let list = app.list_chats(t).await;
    assert_eq!(list.body["chats"][0]["unread_count"], 0);
    fill(&app, &alice, &chat, 2).await;
    let list = app.list_chats(t).await;
    assert_eq!(list.body["chats"][0]["unread_count"], 2);
}
