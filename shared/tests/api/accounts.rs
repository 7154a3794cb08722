//! Accounts people can trust: e-mail verification, password reset (also taking back an
//! address someone else registered), password change and account deletion.

use std::time::{Duration, Instant};

use testkit::accounts::email_verified;
use testkit::{TestApp, json};

const VERIFY: &str = "/verify-email";
const RESET: &str = "/reset-password";

async fn app() -> TestApp {
    TestApp::spawn_with_aws(&[
        ("ACCOUNT_MAIL_INTERVAL_SECS", "0".into()),
        ("PASSWORD_RESET_FLOOR_MS", "300".into()),
    ])
    .await
}

#[tokio::test]
async fn registration_mails_a_link_that_verifies_the_address_once() {
    let app = app().await;
    let alice = app.user("Alice").await;
    assert!(!email_verified(&app.me(&alice.access_token).await.body));

    let mail = app.mail_to(&alice.email).await;
    assert_eq!(mail.len(), 1, "{mail:#?}");
    assert!(mail[0].subject.contains("Messenger"), "{}", mail[0].subject);
    assert!(
        !mail[0].body.contains("Alice"),
        "the mail carries nothing the registrant typed: {}",
        mail[0].body
    );
    let token = app.mailed_token(&alice.email, VERIFY).await.unwrap();

    app.verify_email(&token).await.assert_status(204);
    assert!(email_verified(&app.me(&alice.access_token).await.body));
    // Single use.
    app.verify_email(&token)
        .await
        .assert_error(400, "invalid_verification_token");
    app.verify_email("made-up")
        .await
        .assert_error(400, "invalid_verification_token");
}

/// The lifetime of the stored token of `purpose`, in seconds, and whether it is stored only
/// as a digest of `token`.
async fn stored(app: &TestApp, purpose: &str, token: &str) -> (f64, bool) {
    let row = app
        .db()
        .await
        .query_one(
            "SELECT extract(epoch FROM expires_at - created_at)::float8, \
                    token_hash = sha256(convert_to($2, 'UTF8')) \
             FROM account_tokens WHERE purpose = $1 ORDER BY created_at DESC LIMIT 1",
            &[&purpose, &token],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test]
async fn account_links_are_stored_hashed_live_24_hours_or_1_hour_and_then_stop_working() {
    let app = app().await;
    let alice = app.user("Alice").await;
    let verify = app.mailed_token(&alice.email, VERIFY).await.unwrap();
    let (lifetime, hashed) = stored(&app, "verify_email", &verify).await;
    assert!((lifetime - 24.0 * 3600.0).abs() < 60.0, "{lifetime}");
    assert!(hashed);
    app.password_reset(&alice.email).await.assert_status(202);
    let reset = app.mailed_token(&alice.email, RESET).await.unwrap();
    let (lifetime, hashed) = stored(&app, "password_reset", &reset).await;
    assert!((lifetime - 3600.0).abs() < 60.0, "{lifetime}");
    assert!(hashed);

    app.db()
        .await
        .execute(
            "UPDATE account_tokens SET expires_at = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();
    app.verify_email(&verify)
        .await
        .assert_error(400, "invalid_verification_token");
    app.password_reset_confirm(&reset, "a brand new password")
        .await
        .assert_error(400, "invalid_reset_token");
}

#[tokio::test]
async fn resending_mails_a_new_link_until_verified_and_not_too_often() {
    let app = app().await;
    let alice = app.user("Alice").await;
    app.resend_verification(&alice.access_token)
        .await
        .assert_status(202);
    assert_eq!(app.mail_to(&alice.email).await.len(), 2);
    let token = app.mailed_token(&alice.email, VERIFY).await.unwrap();
    app.verify_email(&token).await.assert_status(204);
    app.resend_verification(&alice.access_token)
        .await
        .assert_error(409, "email_already_verified");

    // With the default interval, a second mail within a minute is refused.
    let strict = TestApp::spawn_with_aws(&[]).await;
    let bob = strict.user("Bob").await;
    strict
        .resend_verification(&bob.access_token)
        .await
        .assert_error(429, "rate_limited");
    assert_eq!(strict.mail_to(&bob.email).await.len(), 1);
}

#[tokio::test]
async fn a_reset_request_answers_the_same_for_any_address_and_mails_only_an_account() {
    let app = app().await;
    let alice = app.user("Alice").await;
    let nobody = format!("nobody-{}@example.com", uuid::Uuid::new_v4().simple());
    let mut answers = Vec::new();
    for email in [alice.email.as_str(), nobody.as_str()] {
        let started = Instant::now();
        let r = app.password_reset(email).await;
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(300), "{email}: {took:?}");
        answers.push((r.status, r.text.clone(), took));
    }
    assert_eq!((answers[0].0, &answers[0].1), (202, &String::new()));
    assert_eq!((answers[1].0, &answers[1].1), (202, &String::new()));
    assert!(app.mailed_token(&alice.email, RESET).await.is_some());
    assert!(app.mail_to(&nobody).await.is_empty());
    app.password_reset("not an address")
        .await
        .assert_error(400, "invalid_email");
    app.send("POST", "/api/auth/password-reset", Some(json!({})), None)
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn a_reset_sets_the_password_verifies_the_address_and_ends_every_session() {
    let app = app().await;
    let alice = app.user("Alice").await;
    let other = app.login(&alice.email, &alice.password).await;
    app.password_reset(&alice.email).await.assert_status(202);
    let token = app.mailed_token(&alice.email, RESET).await.unwrap();

    app.password_reset_confirm(&token, "short")
        .await
        .assert_error(400, "invalid_password");
    app.password_reset_confirm(&token, "a brand new password")
        .await
        .assert_status(204);
    app.password_reset_confirm(&token, "another new password")
        .await
        .assert_error(400, "invalid_reset_token");

    for access in [
        &alice.access_token,
        other.body["access_token"].as_str().unwrap(),
    ] {
        app.me(access).await.assert_error(401, "unauthorized");
    }
    app.refresh(&alice.refresh_token)
        .await
        .assert_error(401, "invalid_refresh_token");
    app.login(&alice.email, &alice.password)
        .await
        .assert_error(401, "invalid_credentials");
    let back = app.login(&alice.email, "a brand new password").await;
    back.assert_status(200);
    assert_eq!(back.body["user"]["email_verified"], true);
}

#[tokio::test]
async fn the_owner_of_an_address_takes_it_back_from_whoever_registered_it() {
    let app = app().await;
    let colleague = app.verified_user("Carol").await;
    // A squatter registers the owner's address; the owner cannot register it again.
    let squatter = app.user("Password expires today").await;
    app.register(&squatter.email, "the owner's own password", "Owner")
        .await
        .assert_error(409, "email_taken");
    let r = app
        .search_users(&colleague.access_token, &squatter.email)
        .await;
    assert_eq!(
        r.body["users"],
        json!([]),
        "an unverified address is not found"
    );

    // The owner proves the mailbox with a reset: the account is theirs from now on.
    app.password_reset(&squatter.email).await.assert_status(202);
    let token = app.mailed_token(&squatter.email, RESET).await.unwrap();
    app.password_reset_confirm(&token, "the owner's own password")
        .await
        .assert_status(204);
    app.me(&squatter.access_token)
        .await
        .assert_error(401, "unauthorized");
    let owner = app.login(&squatter.email, "the owner's own password").await;
    owner.assert_status(200);
    let owner_token = owner.body["access_token"].as_str().unwrap();
    app.update_me(owner_token, json!({"display_name": "Owner"}))
        .await
        .assert_status(200);
    let r = app
        .search_users(&colleague.access_token, &squatter.email)
        .await;
    assert_eq!(r.body["users"][0]["display_name"], "Owner");
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_the_other_sessions() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let other = app.login(&alice.email, &alice.password).await;
    let other_access = other.body["access_token"].as_str().unwrap();

    app.change_password(&alice.access_token, "not it at all", "a brand new password")
        .await
        .assert_error(403, "wrong_password");
    app.change_password(&alice.access_token, &alice.password, "short")
        .await
        .assert_error(400, "invalid_password");
    app.send(
        "POST",
        "/api/users/me/password",
        Some(json!({"new_password": "x"})),
        Some(&alice.access_token),
    )
    .await
    .assert_error(400, "invalid_request");
    app.me(other_access).await.assert_status(200);

    app.change_password(&alice.access_token, &alice.password, "a brand new password")
        .await
        .assert_status(204);
    app.me(&alice.access_token).await.assert_status(200);
    app.refresh(&alice.refresh_token).await.assert_status(200);
    app.me(other_access).await.assert_error(401, "unauthorized");
    app.login(&alice.email, &alice.password)
        .await
        .assert_error(401, "invalid_credentials");
    app.login(&alice.email, "a brand new password")
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_deleted_account_leaves_its_messages_under_deleted_account_and_its_groups_whole() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let direct = app.create_direct(&alice.access_token, &bob.id).await;
    let direct = direct.body["id"].as_str().unwrap().to_owned();
    app.send_message(&alice.access_token, &direct, "hello Bob")
        .await
        .assert_status(201);
    let group = app
        .create_group(&alice.access_token, "Alice's group", &[&bob.id])
        .await;
    group.assert_status(201);
    let group = group.body["id"].as_str().unwrap().to_owned();
    app.send_message(&alice.access_token, &group, "welcome")
        .await
        .assert_status(201);

    app.delete_me(&alice.access_token, "not my password")
        .await
        .assert_error(403, "wrong_password");
    app.send("DELETE", "/api/users/me", None, Some(&alice.access_token))
        .await
        .assert_error(400, "invalid_request");
    app.delete_me(&alice.access_token, &alice.password)
        .await
        .assert_status(204);

    // Signed out everywhere; the address is free; the account cannot be found or reached.
    app.me(&alice.access_token)
        .await
        .assert_error(401, "unauthorized");
    app.login(&alice.email, &alice.password)
        .await
        .assert_error(401, "invalid_credentials");
    let profile = app.get_user(&bob.access_token, &alice.id).await;
    assert_eq!(profile.body["display_name"], "Deleted account");
    let r = app.search_users(&bob.access_token, "Deleted").await;
    assert_eq!(r.body["users"], json!([]));
    app.create_direct(&bob.access_token, &alice.id)
        .await
        .assert_error(400, "unknown_user");

    // Bob keeps both chats with Alice's messages; the group is his now.
    let history = app.history(&bob.access_token, &direct, "").await;
    assert_eq!(history.body["messages"][0]["body"], "hello Bob");
    assert_eq!(history.body["messages"][0]["sender_id"], alice.id.as_str());
    let history = app.history(&bob.access_token, &group, "").await;
    assert!(history.text.contains("welcome"), "{}", history.text);
    let chat = app.get_chat(&bob.access_token, &group).await;
    chat.assert_status(200);
    let members = chat.body["members"].as_array().unwrap();
    assert_eq!(members.len(), 1, "{members:?}");
    assert_eq!(members[0]["role"], "owner");
    app.add_member(&bob.access_token, &group, &alice.id)
        .await
        .assert_error(400, "unknown_user");

    // A new account may take the address.
    app.register(&alice.email, "a different password", "New Alice")
        .await
        .assert_status(201);
}

#[tokio::test]
async fn removing_a_users_row_cannot_take_others_messages_with_it() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let chat = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = chat.body["id"].as_str().unwrap().to_owned();
    app.send_message(&alice.access_token, &chat, "kept")
        .await
        .assert_status(201);
    let err = app
        .db()
        .await
        .execute("DELETE FROM users WHERE id = $1::text::uuid", &[&alice.id])
        .await
        .unwrap_err();
    let constraint = err.as_db_error().and_then(|e| e.constraint());
    assert_eq!(constraint, Some("messages_sender_id_fkey"), "{err:?}");
}
