use testkit::{TestApp, json};

#[tokio::test]
async fn register_returns_the_user_and_a_session() {
    let app = TestApp::spawn().await;
    let r = app
        .register("  Alice@Example.COM ", "correct horse", "  Alice  ")
        .await;
    r.assert_status(201);
    assert_eq!(r.body["user"]["email"], "alice@example.com");
    assert_eq!(r.body["user"]["display_name"], "Alice");
    assert_eq!(r.body["user"]["email_notifications"], true);
    assert_eq!(r.body["expires_in"], 900);
    assert!(
        r.body["access_token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3)
    );
    assert!(
        r.body["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 40)
    );
    assert!(r.body["user"].get("password_hash").is_none());

    let me = app.me(r.body["access_token"].as_str().unwrap_or("")).await;
    me.assert_status(200);
    assert_eq!(me.body["id"], r.body["user"]["id"]);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = TestApp::spawn().await;
    app.register("bob@example.com", "correct horse", "Bob")
        .await
        .assert_status(201);
    let row = app
        .db()
        .await
        .query_one("SELECT password_hash FROM users", &[])
        .await
        .unwrap();
    let hash: String = row.get(0);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn a_duplicate_email_in_any_case_is_409_email_taken() {
    let app = TestApp::spawn().await;
    app.register("carol@example.com", "correct horse", "Carol")
        .await
        .assert_status(201);
    app.register("CAROL@example.com", "another password", "Carol 2")
        .await
        .assert_error(409, "email_taken");
}

#[tokio::test]
async fn register_validates_every_field() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"email": "not-an-email", "password": "correct horse", "display_name": "A"}),
            "invalid_email",
        ),
        (
            json!({"email": "a@example.com", "password": "short", "display_name": "A"}),
            "invalid_password",
        ),
        (
            json!({"email": "a@example.com", "password": "x".repeat(129), "display_name": "A"}),
            "invalid_password",
        ),
        (
            json!({"email": "a@example.com", "password": "correct horse", "display_name": "   "}),
            "invalid_display_name",
        ),
        (
            json!({"email": "a@example.com", "password": "correct horse", "display_name": "x".repeat(65)}),
            "invalid_display_name",
        ),
    ];
    for (body, code) in cases {
        app.send("POST", "/api/auth/register", Some(body), None)
            .await
            .assert_error(400, code);
    }
}

#[tokio::test]
async fn malformed_json_wrong_types_and_missing_fields_name_the_problem() {
    let app = TestApp::spawn().await;
    let r = app
        .send_raw(
            "POST",
            "/api/auth/register",
            Some(b"{not json".to_vec()),
            &[("content-type", "application/json")],
        )
        .await;
    r.assert_error(400, "invalid_request");

    let r = app
        .send(
            "POST",
            "/api/auth/register",
            Some(json!({"email": 5, "password": "correct horse", "display_name": "A"})),
            None,
        )
        .await;
    r.assert_error(400, "invalid_request");
    assert!(
        r.body["message"].as_str().unwrap().contains("email"),
        "{}",
        r.text
    );

    let r = app
        .send(
            "POST",
            "/api/auth/register",
            Some(json!({"email": "a@example.com", "password": "correct horse"})),
            None,
        )
        .await;
    r.assert_error(400, "invalid_request");
    assert!(
        r.body["message"].as_str().unwrap().contains("display_name"),
        "{}",
        r.text
    );

    let r = app.send("POST", "/api/auth/register", None, None).await;
    r.assert_error(400, "invalid_request");
}

#[tokio::test]
async fn a_body_over_64_kib_is_413() {
    let app = TestApp::spawn().await;
    let big = json!({"email": "a@example.com", "password": "correct horse", "display_name": "x".repeat(70 * 1024)});
    app.send("POST", "/api/auth/register", Some(big), None)
        .await
        .assert_error(413, "payload_too_large");
}

#[tokio::test]
async fn login_works_with_the_right_password_in_any_email_case() {
    let app = TestApp::spawn().await;
    let u = app.user("Dave").await;
    let r = app.login(&u.email.to_uppercase(), &u.password).await;
    r.assert_status(200);
    assert_eq!(r.body["user"]["id"], u.id.as_str());
    assert!(r.body["access_token"].is_string());
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = TestApp::spawn().await;
    let u = app.user("Erin").await;
    let wrong = app.login(&u.email, "wrong password").await;
    let unknown = app.login("nobody@example.com", "wrong password").await;
    wrong.assert_error(401, "invalid_credentials");
    unknown.assert_error(401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn refresh_rotates_the_token() {
    let app = TestApp::spawn().await;
    let u = app.user("Frank").await;
    let r = app.refresh(&u.refresh_token).await;
    r.assert_status(200);
    let new_refresh = r.body["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, u.refresh_token);
    app.me(r.body["access_token"].as_str().unwrap())
        .await
        .assert_status(200);
    app.refresh(new_refresh).await.assert_status(200);
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let u = app.user("Grace").await;
    let rotated = app.refresh(&u.refresh_token).await;
    rotated.assert_status(200);
    let rotated_token = rotated.body["refresh_token"].as_str().unwrap().to_owned();

    app.refresh(&u.refresh_token)
        .await
        .assert_error(401, "invalid_refresh_token");
    // The rotated token died with its family.
    app.refresh(&rotated_token)
        .await
        .assert_error(401, "invalid_refresh_token");

    // Another login (another family) is unaffected.
    let other = app.login(&u.email, &u.password).await;
    other.assert_status(200);
    app.refresh(other.body["refresh_token"].as_str().unwrap())
        .await
        .assert_status(200);
}

#[tokio::test]
async fn an_unknown_refresh_token_is_401() {
    let app = TestApp::spawn().await;
    app.refresh("made-up-token")
        .await
        .assert_error(401, "invalid_refresh_token");
}

#[tokio::test]
async fn an_expired_refresh_token_is_401() {
    let app = TestApp::spawn().await;
    let u = app.user("Heidi").await;
    app.db()
        .await
        .execute(
            "UPDATE refresh_tokens SET expires_at = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();
    app.refresh(&u.refresh_token)
        .await
        .assert_error(401, "invalid_refresh_token");
}

#[tokio::test]
async fn logout_revokes_the_family_and_is_idempotent() {
    let app = TestApp::spawn().await;
    let u = app.user("Ivan").await;
    let rotated = app.refresh(&u.refresh_token).await;
    let rotated_token = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    let r = app.logout(&rotated_token).await;
    r.assert_status(204);
    assert!(r.text.is_empty());
    app.refresh(&rotated_token)
        .await
        .assert_error(401, "invalid_refresh_token");
    app.logout(&rotated_token).await.assert_status(204);
    app.logout("never-issued").await.assert_status(204);
}

#[tokio::test]
async fn logout_without_a_token_is_400() {
    let app = TestApp::spawn().await;
    app.send("POST", "/api/auth/logout", Some(json!({})), None)
        .await
        .assert_error(400, "invalid_request");
}
