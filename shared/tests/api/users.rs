use testkit::{TestApp, json};

#[tokio::test]
async fn me_shows_the_own_profile_with_email() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let r = app.me(&u.access_token).await;
    r.assert_status(200);
    assert_eq!(r.body["email"], u.email.as_str());
    assert_eq!(r.body["display_name"], "Alice");
    assert_eq!(r.body["email_notifications"], true);
}

#[tokio::test]
async fn patch_me_changes_only_the_given_fields() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let r = app
        .update_me(&u.access_token, json!({"display_name": "  Alice B. "}))
        .await;
    r.assert_status(200);
    assert_eq!(r.body["display_name"], "Alice B.");
    assert_eq!(r.body["email_notifications"], true);

    let r = app
        .update_me(&u.access_token, json!({"email_notifications": false}))
        .await;
    r.assert_status(200);
    assert_eq!(r.body["display_name"], "Alice B.");
    assert_eq!(r.body["email_notifications"], false);
    assert_eq!(
        app.me(&u.access_token).await.body["email_notifications"],
        false
    );
}

#[tokio::test]
async fn patch_me_refuses_bad_input() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    app.update_me(&u.access_token, json!({"display_name": ""}))
        .await
        .assert_error(400, "invalid_display_name");
    app.update_me(&u.access_token, json!({"email_notifications": "yes"}))
        .await
        .assert_error(400, "invalid_request");
    let r = app
        .update_me(&u.access_token, json!({"displayName": "typo"}))
        .await;
    r.assert_error(400, "invalid_request");
    assert!(r.body["message"].as_str().unwrap().contains("displayName"));
}

/// Names that reorder, hide or fake text (docs/SECURITY.md, "Input").
const DECEPTIVE_NAMES: [&str; 6] = [
    "Eve\u{202E}nimda",
    "Eve\u{2066}x\u{2069}",
    "Eve\u{200F}",
    "Eve\u{2028}Admin",
    "\u{200B}\u{200D}\u{FEFF}",
    "\u{3164}",
];

#[tokio::test]
async fn display_names_are_stored_nfkc_and_refused_when_they_reorder_split_or_hide() {
    let app = TestApp::spawn().await;
    for (i, name) in DECEPTIVE_NAMES.iter().enumerate() {
        let email = format!("eve{i}@example.com");
        app.register(&email, "correct horse", name)
            .await
            .assert_error(400, "invalid_display_name");
    }
    let r = app
        .register("wide@example.com", "correct horse", "ｆｕｌｌｗｉｄｔｈ")
        .await;
    r.assert_status(201);
    assert_eq!(r.body["user"]["display_name"], "fullwidth");

    let u = app.user("Alice").await;
    for name in DECEPTIVE_NAMES {
        app.update_me(&u.access_token, json!({ "display_name": name }))
            .await
            .assert_error(400, "invalid_display_name");
    }
    let family = "Alice \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
    let r = app
        .update_me(&u.access_token, json!({ "display_name": family }))
        .await;
    r.assert_status(200);
    assert_eq!(r.body["display_name"], family, "joiners in an emoji stay");
    let r = app
        .update_me(&u.access_token, json!({ "display_name": "Ａｌｉｃｅ" }))
        .await;
    assert_eq!(r.body["display_name"], "Alice");
    let stored: String = app
        .db()
        .await
        .query_one(
            "SELECT display_name FROM users WHERE id = $1::text::uuid",
            &[&u.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, "Alice");

    // A search in the compatibility form finds the normalised name.
    let r = app.search_users(&u.access_token, "ｆｕｌｌ").await;
    assert_eq!(r.body["users"][0]["display_name"], "fullwidth");
}

#[tokio::test]
async fn another_users_profile_is_public_fields_only() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let r = app.get_user(&alice.access_token, &bob.id).await;
    r.assert_status(200);
    let mut keys: Vec<_> = r.body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["display_name", "id", "last_seen_at"]);
    assert_eq!(r.body["display_name"], "Bob");
    assert!(!r.text.contains(&bob.email));
}

#[tokio::test]
async fn an_unknown_or_malformed_user_id_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    app.get_user(&alice.access_token, &uuid::Uuid::new_v4().to_string())
        .await
        .assert_error(404, "user_not_found");
    app.get_user(&alice.access_token, "not-a-uuid")
        .await
        .assert_error(404, "user_not_found");
}

#[tokio::test]
async fn search_finds_by_name_prefix_in_any_case_or_exact_verified_email_and_never_the_caller() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let _alina = app.user("Alina Smith").await;
    let bob = app.verified_user("Bob").await;

    let r = app.search_users(&bob.access_token, "ali").await;
    r.assert_status(200);
    let names: Vec<_> = r.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["display_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Alice", "Alina Smith"]);
    assert!(!r.text.contains("@example.com"), "no e-mails in results");

    let r = app.search_users(&alice.access_token, "ali").await;
    assert_eq!(
        r.body["users"].as_array().unwrap().len(),
        1,
        "caller excluded"
    );

    let r = app
        .search_users(&alice.access_token, &bob.email.to_uppercase())
        .await;
    assert_eq!(r.body["users"][0]["id"], bob.id.as_str());

    // A partial e-mail finds nobody; LIKE wildcards are literal.
    let partial = &bob.email[..5];
    let r = app.search_users(&alice.access_token, partial).await;
    assert_eq!(r.body["users"].as_array().unwrap().len(), 0);
    let r = app.search_users(&alice.access_token, "%").await;
    assert_eq!(r.body["users"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_search_with_control_characters_is_a_400_not_a_500() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    for query in ["\0", "al\0i", "a\u{1b}[2J", "\u{7f}"] {
        app.search_users(&alice.access_token, query)
            .await
            .assert_error(400, "invalid_request");
    }
}

#[tokio::test]
async fn search_returns_at_most_20() {
    let app = TestApp::spawn().await;
    let caller = app.user("Zed").await;
    let db = app.db().await;
    for i in 0..25 {
        db.execute(
            "INSERT INTO users (id, email, password_hash, display_name) VALUES ($1, $2, 'x', $3)",
            &[
                &uuid::Uuid::now_v7(),
                &format!("m{i}@example.com"),
                &format!("Member {i:02}"),
            ],
        )
        .await
        .unwrap();
    }
    let r = app.search_users(&caller.access_token, "member").await;
    assert_eq!(r.body["users"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn search_needs_a_query() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    app.send("GET", "/api/users", None, Some(&u.access_token))
        .await
        .assert_error(400, "invalid_request");
    app.search_users(&u.access_token, "   ")
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn user_routes_need_a_valid_access_token() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    for (method, path) in [
        ("GET", "/api/users/me".to_owned()),
        ("PATCH", "/api/users/me".to_owned()),
        ("GET", format!("/api/users/{}", u.id)),
        ("GET", "/api/users?query=a".to_owned()),
        ("POST", "/api/ws/ticket".to_owned()),
    ] {
        let r = app.send(method, &path, None, None).await;
        r.assert_error(401, "unauthorized");
        assert_eq!(
            r.headers
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer"),
            "{method} {path}"
        );
    }
}
