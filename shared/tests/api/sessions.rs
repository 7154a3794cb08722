//! Sessions that end: an access token names its session, and a session that ended (logout,
//! sign-out everywhere, a reused refresh token) refuses its access tokens and its tickets at
//! once. Reuse detection holds when raced against a rotation.

use std::sync::Arc;

use testkit::{TestApp, TestUser};
use tokio::sync::Barrier;

#[tokio::test]
async fn after_logout_the_access_token_is_refused_at_once_and_no_ticket_is_issued() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    app.me(&alice.access_token).await.assert_status(200);
    app.logout(&alice.refresh_token).await.assert_status(204);
    app.me(&alice.access_token)
        .await
        .assert_error(401, "unauthorized");
    app.ws_ticket(&alice.access_token)
        .await
        .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn a_ticket_issued_before_logout_does_not_connect_after_it() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let ticket = app.ws_ticket(&alice.access_token).await;
    ticket.assert_status(201);
    let ticket = ticket.body["ticket"].as_str().unwrap().to_owned();
    app.logout(&alice.refresh_token).await.assert_status(204);
    let refused = shared::service::realtime::connect(&app.ctx, "conn-1", Some(&ticket))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), shared::contract::ErrorCode::Unauthorized);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account_only() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let phone = app.login(&alice.email, &alice.password).await;
    let phone_access = phone.body["access_token"].as_str().unwrap();
    let phone_refresh = phone.body["refresh_token"].as_str().unwrap();

    app.logout_all(&alice.access_token).await.assert_status(204);
    for access in [alice.access_token.as_str(), phone_access] {
        app.me(access).await.assert_error(401, "unauthorized");
    }
    for refresh in [alice.refresh_token.as_str(), phone_refresh] {
        app.refresh(refresh)
            .await
            .assert_error(401, "invalid_refresh_token");
    }
    app.logout_all(&alice.access_token)
        .await
        .assert_error(401, "unauthorized");
    app.me(&bob.access_token).await.assert_status(200);
    app.login(&alice.email, &alice.password)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_reused_refresh_token_refuses_the_sessions_access_tokens_too() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let rotated = app.refresh(&alice.refresh_token).await;
    rotated.assert_status(200);
    let access = rotated.body["access_token"].as_str().unwrap();
    app.me(access).await.assert_status(200);
    app.refresh(&alice.refresh_token)
        .await
        .assert_error(401, "invalid_refresh_token");
    app.me(access).await.assert_error(401, "unauthorized");
}

/// One trial: the holder has rotated once (`current`); the thief presents the first token
/// (`stolen`) while the holder rotates `current`, both at the same instant. Whatever the
/// order, nothing the rotation issued may work afterwards. Returns whether something did.
async fn reuse_raced_against_rotation(app: &TestApp, user: &TestUser) -> bool {
    let login = app.login(&user.email, &user.password).await;
    login.assert_status(200);
    let stolen = login.body["refresh_token"].as_str().unwrap().to_owned();
    let first = app.refresh(&stolen).await;
    first.assert_status(200);
    let current = first.body["refresh_token"].as_str().unwrap().to_owned();

    let barrier = Arc::new(Barrier::new(2));
    let race = |token: String| {
        let ctx = app.ctx.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            shared::service::accounts::refresh(&ctx, &token).await
        })
    };
    let thief = race(stolen);
    let holder = race(current);
    let thief = thief.await.unwrap();
    let holder = holder.await.unwrap();
    assert!(thief.is_err(), "a used token never rotates");
    let Ok(rotated) = holder else {
        // The reuse came first and the rotation found the session revoked.
        return false;
    };
    // The rotation came first: the revocation must have reached what it issued.
    let refresh_works = app.refresh(&rotated.refresh_token).await.status == 200;
    let access_works = app.me(&rotated.access_token).await.status == 200;
    refresh_works || access_works
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reuse_raced_against_rotation_never_leaves_the_rotated_session_alive() {
    const TRIALS: usize = 120;
    // Each trial signs in again: 120 sign-ins are past the per-account and per-address limits.
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_LOGIN_ACCOUNT", "off".into()),
        ("RATE_LIMIT_LOGIN_IP", "off".into()),
    ])
    .await;
    let user = app.user("Mallory's target").await;
    let mut escapes = 0;
    for _ in 0..TRIALS {
        if reuse_raced_against_rotation(&app, &user).await {
            escapes += 1;
        }
    }
    println!("reuse raced against rotation: {escapes} escapes in {TRIALS} trials");
    assert_eq!(
        escapes, 0,
        "{escapes} of {TRIALS} rotated sessions escaped revocation"
    );
}
