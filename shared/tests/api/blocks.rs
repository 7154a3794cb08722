//! Blocking: what a block stops, what it leaves, and how the routes answer.

use testkit::{TestApp, TestUser};

fn id_of(r: &testkit::TestResponse) -> String {
    r.body["id"].as_str().unwrap().to_owned()
}

/// Alice, Bob and their direct chat with one message of Bob's in it.
async fn alice_bob_and_their_chat(app: &TestApp) -> (TestUser, TestUser, String, String) {
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let chat = id_of(&app.create_direct(&alice.access_token, &bob.id).await);
    let sent = app.send_message(&bob.access_token, &chat, "hello").await;
    sent.assert_status(201);
    let message = id_of(&sent);
    (alice, bob, chat, message)
}

#[tokio::test]
async fn neither_side_of_a_block_can_message_the_other_in_their_direct_chat_until_unblocked() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat, bobs_message) = alice_bob_and_their_chat(&app).await;
    app.block(&alice.access_token, &bob.id)
        .await
        .assert_status(204);

    app.send_message(&bob.access_token, &chat, "are you there?")
        .await
        .assert_error(403, "user_unavailable");
    app.send_message(&alice.access_token, &chat, "go away")
        .await
        .assert_error(403, "user_unavailable");
    app.edit_message(&bob.access_token, &chat, &bobs_message, "new text")
        .await
        .assert_error(403, "user_unavailable");
    let history = app.history(&alice.access_token, &chat, "").await;
    assert_eq!(
        history.body["messages"].as_array().unwrap().len(),
        1,
        "nothing refused was stored; what came before stays readable"
    );
    app.delete_message(&bob.access_token, &chat, &bobs_message)
        .await
        .assert_status(200);

    app.unblock(&alice.access_token, &bob.id)
        .await
        .assert_status(204);
    app.send_message(&bob.access_token, &chat, "hi again")
        .await
        .assert_status(201);
}

#[tokio::test]
async fn a_blocked_user_cannot_start_a_direct_chat_or_put_the_blocker_into_a_group() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let carol = app.user("Carol").await;
    app.block(&alice.access_token, &bob.id)
        .await
        .assert_status(204);

    let r = app.create_direct(&bob.access_token, &alice.id).await;
    r.assert_error(403, "user_unavailable");
    assert!(
        !r.text.contains("block"),
        "the refusal does not say who blocked whom: {}",
        r.text
    );
    app.create_direct(&alice.access_token, &bob.id)
        .await
        .assert_error(403, "user_unavailable");
    app.create_group(&bob.access_token, "Trap", &[&carol.id, &alice.id])
        .await
        .assert_error(403, "user_unavailable");
    let group = id_of(
        &app.create_group(&bob.access_token, "Later", &[&carol.id])
            .await,
    );
    app.add_member(&bob.access_token, &group, &alice.id)
        .await
        .assert_error(403, "user_unavailable");
    let chats = app.list_chats(&alice.access_token).await;
    assert_eq!(chats.body["chats"].as_array().unwrap().len(), 0);

    // The blocker may still add the one they blocked (they chose to).
    let alices = id_of(&app.create_group(&alice.access_token, "Mine", &[]).await);
    app.add_member(&alice.access_token, &alices, &bob.id)
        .await
        .assert_status(201);
}

#[tokio::test]
async fn an_existing_direct_chat_still_opens_for_both_after_a_block() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat, _) = alice_bob_and_their_chat(&app).await;
    app.block(&alice.access_token, &bob.id)
        .await
        .assert_status(204);
    for (token, other) in [
        (&bob.access_token, &alice.id),
        (&alice.access_token, &bob.id),
    ] {
        let r = app.create_direct(token, other).await;
        r.assert_status(200);
        assert_eq!(id_of(&r), chat);
    }
}

#[tokio::test]
async fn a_blocked_user_does_not_see_the_blockers_presence() {
    let app = TestApp::spawn().await;
    let (alice, bob, chat, _) = alice_bob_and_their_chat(&app).await;
    app.db()
        .await
        .execute("UPDATE users SET last_seen_at = now()", &[])
        .await
        .unwrap();
    app.block(&alice.access_token, &bob.id)
        .await
        .assert_status(204);

    let bobs_view = app.get_chat(&bob.access_token, &chat).await;
    let members = bobs_view.body["members"].as_array().unwrap();
    let alice_there = members
        .iter()
        .find(|m| m["id"] == alice.id.as_str())
        .unwrap();
    assert_eq!(alice_there["last_seen_at"], serde_json::Value::Null);
    assert_eq!(alice_there["online"], false);
    let profile = app.get_user(&bob.access_token, &alice.id).await;
    assert_eq!(profile.body["last_seen_at"], serde_json::Value::Null);

    let alices_view = app.get_chat(&alice.access_token, &chat).await;
    let members = alices_view.body["members"].as_array().unwrap();
    let bob_there = members.iter().find(|m| m["id"] == bob.id.as_str()).unwrap();
    assert!(
        bob_there["last_seen_at"].is_string(),
        "the blocker still sees the one they blocked"
    );
}

#[tokio::test]
async fn blocking_is_idempotent_listed_audited_and_validated() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let t = &alice.access_token;
    app.block(t, &alice.id)
        .await
        .assert_error(400, "cannot_block_self");
    app.block(t, &uuid::Uuid::new_v4().to_string())
        .await
        .assert_error(404, "user_not_found");
    app.block(t, "not-a-uuid")
        .await
        .assert_error(404, "user_not_found");
    app.block(t, &bob.id).await.assert_status(204);
    app.block(t, &bob.id).await.assert_status(204);

    let list = app.blocks(t).await;
    list.assert_status(200);
    let users = list.body["users"].as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["id"], bob.id.as_str());
    assert_eq!(users[0]["display_name"], "Bob");
    let bobs = app.blocks(&bob.access_token).await;
    assert_eq!(bobs.body["users"].as_array().unwrap().len(), 0);

    app.unblock(t, &bob.id).await.assert_status(204);
    app.unblock(t, &bob.id).await.assert_status(204);
    assert_eq!(
        app.blocks(t).await.body["users"].as_array().unwrap().len(),
        0
    );

    let once = vec![(alice.id.clone(), bob.id.clone(), String::new())];
    assert_eq!(app.audit_events("user_blocked").await, once);
    assert_eq!(app.audit_events("user_unblocked").await, once);
    app.send("POST", &format!("/api/users/{}/block", bob.id), None, None)
        .await
        .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn adding_and_removing_members_is_audited() {
    let app = TestApp::spawn().await;
    let owner = app.user("Owner").await;
    let bob = app.user("Bob").await;
    // They know each other (a direct chat), so the add is no request.
    app.create_direct(&owner.access_token, &bob.id)
        .await
        .assert_status(201);
    let group = id_of(&app.create_group(&owner.access_token, "Team", &[]).await);
    app.add_member(&owner.access_token, &group, &bob.id)
        .await
        .assert_status(201);
    app.add_member(&owner.access_token, &group, &bob.id)
        .await
        .assert_status(200);
    app.remove_member(&owner.access_token, &group, &bob.id)
        .await
        .assert_status(204);
    let once = vec![(owner.id.clone(), bob.id.clone(), group)];
    assert_eq!(app.audit_events("member_added").await, once);
    assert_eq!(app.audit_events("member_removed").await, once);
}
