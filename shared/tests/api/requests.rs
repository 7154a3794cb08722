//! Chat requests: a direct chat or group add from someone one shares no chat with asks first
//! (docs/SECURITY.md, "Chat requests").

use serde_json::Value;
use testkit::consent::member_names;
use testkit::{TestApp, TestUser};

fn id_of(r: &testkit::TestResponse) -> String {
    r.body["id"].as_str().unwrap().to_owned()
}

/// The chat `chat` as it shows in `user`'s list, if it does.
async fn listed(app: &TestApp, user: &TestUser, chat: &str) -> Option<Value> {
    let list = app.list_chats(&user.access_token).await;
    list.assert_status(200);
    list.body["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == chat)
        .cloned()
}

#[tokio::test]
async fn a_strangers_direct_chat_is_a_request_that_shows_nothing_until_accepted() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let asked = app.ask_direct(&alice.access_token, &bob.id).await;
    asked.assert_status(201);
    let chat = id_of(&asked);
    assert_eq!(asked.body["title"], "Bob");
    assert_eq!(
        member_names(&asked.body),
        [("Alice".into(), false), ("Bob".into(), true)]
    );
    assert!(asked.body["request"].is_null(), "not a request to Alice");
    for text in ["hi Bob", "it's Alice"] {
        app.send_message(&alice.access_token, &chat, text)
            .await
            .assert_status(201);
    }

    // Bob sees who asks, and nothing else.
    let request = listed(&app, &bob, &chat).await.expect("listed for Bob");
    assert_eq!(request["request"]["from"], alice.id.as_str());
    assert_eq!(request["request"]["from_name"], "Alice");
    assert_eq!(request["title"], "Alice");
    assert!(request["last_message"].is_null(), "no preview: {request}");
    assert_eq!(request["unread_count"], 0);
    assert_eq!(request["last_seq"], 0);
    app.history(&bob.access_token, &chat, "")
        .await
        .assert_error(403, "chat_request_pending");
    app.send_message(&bob.access_token, &chat, "who?")
        .await
        .assert_error(403, "chat_request_pending");
    app.mark_read(&bob.access_token, &chat, 2)
        .await
        .assert_error(404, "chat_not_found");

    // Accepted: Bob is a member, and what Alice wrote meanwhile is unread.
    let accepted = app.answer_request(&bob.access_token, &chat, true).await;
    accepted.assert_status(200);
    assert!(accepted.body["request"].is_null());
    assert_eq!(accepted.body["unread_count"], 2);
    assert_eq!(
        member_names(&accepted.body),
        [("Alice".into(), false), ("Bob".into(), false)]
    );
    let history = app.history(&bob.access_token, &chat, "").await;
    assert_eq!(history.body["messages"].as_array().unwrap().len(), 2);
    app.send_message(&bob.access_token, &chat, "hi Alice")
        .await
        .assert_status(201);
    // Accepting again answers the chat.
    app.answer_request(&bob.access_token, &chat, true)
        .await
        .assert_status(200);
    let pair = vec![(bob.id.clone(), alice.id.clone(), chat.clone())];
    assert_eq!(app.audit_events("chat_request_accepted").await, pair);
    let asked = vec![(alice.id.clone(), bob.id.clone(), chat.clone())];
    assert_eq!(app.audit_events("chat_requested").await, asked);
}

#[tokio::test]
async fn a_declined_request_leaves_the_list_quietly_and_asking_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let chat = id_of(&app.ask_direct(&alice.access_token, &bob.id).await);
    app.answer_request(&bob.access_token, &chat, false)
        .await
        .assert_status(204);
    app.answer_request(&bob.access_token, &chat, false)
        .await
        .assert_status(204);
    assert!(listed(&app, &bob, &chat).await.is_none());
    app.get_chat(&bob.access_token, &chat)
        .await
        .assert_error(404, "chat_not_found");
    // Alice is not told: Bob still shows as asked, and asking again finds the same chat.
    let again = app.ask_direct(&alice.access_token, &bob.id).await;
    again.assert_status(200);
    assert_eq!(id_of(&again), chat);
    assert_eq!(
        member_names(&again.body),
        [("Alice".into(), false), ("Bob".into(), true)]
    );
    assert!(listed(&app, &bob, &chat).await.is_none());
    assert_eq!(app.audit_events("chat_request_declined").await.len(), 1);

    // Bob changes his mind and opens the chat with Alice himself: that accepts.
    let opened = app.ask_direct(&bob.access_token, &alice.id).await;
    opened.assert_status(200);
    assert_eq!(id_of(&opened), chat);
    assert!(opened.body["request"].is_null());
    app.history(&bob.access_token, &chat, "")
        .await
        .assert_status(200);
    // A member has no request to decline.
    app.answer_request(&bob.access_token, &chat, false)
        .await
        .assert_error(404, "chat_request_not_found");
}

#[tokio::test]
async fn people_who_share_a_chat_join_groups_at_once_and_strangers_are_asked() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let carol = app.user("Carol").await;
    let dave = app.user("Dave").await;
    // Alice and Bob know each other.
    app.create_direct(&alice.access_token, &bob.id)
        .await
        .assert_status(201);
    let group = app
        .ask_group(&alice.access_token, "Team", &[&bob.id, &carol.id])
        .await;
    group.assert_status(201);
    let chat = id_of(&group);
    assert_eq!(
        member_names(&group.body),
        [
            ("Alice".into(), false),
            ("Bob".into(), false),
            ("Carol".into(), true)
        ]
    );
    assert_eq!(group.body["member_count"], 2);
    // Carol's request shows only who asked (and her), not who else is in the group.
    let request = listed(&app, &carol, &chat).await.expect("listed for Carol");
    assert_eq!(request["request"]["from_name"], "Alice");
    assert_eq!(
        member_names(&request),
        [("Alice".into(), false), ("Carol".into(), true)]
    );
    // A later add of a stranger is a request too (201: newly asked; again: 200).
    app.ask_member(&alice.access_token, &chat, &dave.id)
        .await
        .assert_status(201);
    app.ask_member(&alice.access_token, &chat, &dave.id)
        .await
        .assert_status(200);
    let accepted = app.answer_request(&carol.access_token, &chat, true).await;
    accepted.assert_status(200);
    assert_eq!(accepted.body["member_count"], 3);
    // Declining a group request: Dave does not join, and nobody else is told.
    app.answer_request(&dave.access_token, &chat, false)
        .await
        .assert_status(204);
    let seen_by_alice = app.get_chat(&alice.access_token, &chat).await;
    assert!(
        member_names(&seen_by_alice.body).contains(&("Dave".into(), true)),
        "{}",
        seen_by_alice.text
    );
}

#[tokio::test]
async fn blocking_the_one_who_asked_declines_their_requests() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let chat = id_of(&app.ask_direct(&alice.access_token, &bob.id).await);
    app.block(&bob.access_token, &alice.id)
        .await
        .assert_status(204);
    assert!(listed(&app, &bob, &chat).await.is_none());
    app.send_message(&alice.access_token, &chat, "hello?")
        .await
        .assert_error(403, "user_unavailable");
}

#[tokio::test]
async fn a_request_mails_the_one_asked_once_with_no_message_text() {
    let app = TestApp::spawn_with_aws(&[]).await;
    let alice = app.verified_user("Alice").await;
    let bob = app.verified_user("Bob").await;
    let chat = id_of(&app.ask_direct(&alice.access_token, &bob.id).await);
    app.send_message(&alice.access_token, &chat, "a secret offer")
        .await
        .assert_status(201);
    // Three groups of Alice's with Bob: asked three times, mailed no more.
    for title in ["One", "Two", "Three"] {
        app.ask_group(&alice.access_token, title, &[&bob.id])
            .await
            .assert_status(201);
    }
    let mails: Vec<_> = app
        .mail_to(&bob.email)
        .await
        .into_iter()
        .filter(|m| !m.body.contains("/verify-email#token="))
        .collect();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    assert_eq!(mails[0].subject, "Alice wants to chat with you");
    assert!(!mails[0].body.contains("secret"), "{}", mails[0].body);
    assert!(mails[0].body.contains(&format!("/chats/{chat}")));
    // The e-mail worker has no job for Bob: he is no member yet.
    let jobs = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM email_notifications WHERE user_id = $1::text::uuid",
            &[&bob.id],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(jobs, 0);
}
