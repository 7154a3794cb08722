//! Sessions that end close their sockets: logout, sign-out everywhere, a password change and
//! an account's deletion close the WebSocket connections of the sessions they end (a close
//! frame through the management API's DeleteConnection, then the connection is gone), and a
//! frame on a connection of an ended session is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use testkit::stack::TestStack;

#[tokio::test]
async fn logout_closes_that_sessions_sockets_and_signing_out_everywhere_closes_the_rest() {
    // Pushes (and closes) over HTTP to the gateway's management API, as API Gateway's are.
    let stack = TestStack::spawn_with_http_pushes().await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    stack
        .create_direct(&alice.access_token, &bob.id)
        .await
        .assert_status(201);
    let phone = stack.login(&alice.email, &alice.password).await;
    let phone_access = phone.body["access_token"].as_str().unwrap().to_owned();

    let mut bob_ws = stack.connect(&bob.access_token).await;
    let mut laptop_ws = stack.connect(&alice.access_token).await;
    assert_eq!(bob_ws.recv_type("presence").await["online"], true);
    let mut phone_ws = stack.connect(&phone_access).await;

    stack.logout(&alice.refresh_token).await.assert_status(204);
    assert!(laptop_ws.closed().await, "the laptop's socket is closed");
    phone_ws.barrier().await;
    assert_eq!(
        stack.connection_count(&alice.id).await,
        1,
        "only the phone's connection is left"
    );

    stack.logout_all(&phone_access).await.assert_status(204);
    assert!(phone_ws.closed().await, "the phone's socket is closed");
    let offline = bob_ws.recv_type("presence").await;
    assert_eq!(offline["user_id"], alice.id.as_str());
    assert_eq!(offline["online"], false);
}

#[tokio::test]
async fn a_frame_on_a_connection_of_an_ended_session_is_refused() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let chat = stack.create_direct(&alice.access_token, &bob.id).await;
    let chat = chat.body["id"].as_str().unwrap().to_owned();
    let mut ws = stack.connect(&alice.access_token).await;
    ws.barrier().await;

    // End the session in the database only, as if closing the socket had failed: the
    // connection's row went with the session, so its frames are not anyone's.
    let db = stack.db().await;
    db.execute(
        "UPDATE sessions SET revoked_at = now() WHERE user_id = $1::text::uuid",
        &[&alice.id],
    )
    .await
    .unwrap();
    db.execute(
        "DELETE FROM connections WHERE session_id IN \
         (SELECT id FROM sessions WHERE user_id = $1::text::uuid)",
        &[&alice.id],
    )
    .await
    .unwrap();
    ws.send_json(json!({
        "action": "send_message", "chat_id": chat,
        "client_message_id": uuid::Uuid::new_v4(), "body": "after logout"
    }))
    .await;
    let refused = ws.recv_type("error").await;
    assert_eq!(refused["code"], "unauthorized");
    let history = stack.history(&bob.access_token, &chat, "").await;
    assert_eq!(history.body["messages"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn a_password_change_closes_the_other_sessions_sockets_and_keeps_this_one() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let phone = stack.login(&alice.email, &alice.password).await;
    let phone_access = phone.body["access_token"].as_str().unwrap().to_owned();
    let mut laptop_ws = stack.connect(&alice.access_token).await;
    let mut phone_ws = stack.connect(&phone_access).await;

    stack
        .change_password(&alice.access_token, &alice.password, "a brand new password")
        .await
        .assert_status(204);
    assert!(phone_ws.closed().await);
    laptop_ws.barrier().await;
}

#[tokio::test]
async fn deleting_the_account_closes_its_sockets() {
    let stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let mut ws = stack.connect(&alice.access_token).await;
    ws.barrier().await;
    stack
        .delete_me(&alice.access_token, &alice.password)
        .await
        .assert_status(204);
    assert!(ws.closed().await);
}
