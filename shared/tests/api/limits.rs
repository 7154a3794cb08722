//! Rate limits that hold across instances (the buckets are rows in PostgreSQL), and the audit
//! log of security events.

use std::time::Duration;

use testkit::{TestApp, json};

fn retry_after(r: &testkit::TestResponse) -> u64 {
    let header = r.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert_eq!(r.body["retry_after"].as_u64(), Some(header), "{}", r.text);
    assert!(header >= 1, "{header}");
    header
}

#[tokio::test]
async fn wrong_passwords_meet_429s_long_before_the_three_hundredth_and_the_right_one_waits_too() {
    // The defaults: 10 sign-in attempts per account per 5 minutes.
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let mut first_refusal = None;
    for attempt in 1..=300 {
        if attempt == 20 {
            // Another account from the same address is not locked out by Alice's limit.
            app.login(&bob.email, &bob.password)
                .await
                .assert_status(200);
        }
        let r = app.login(&alice.email, "not-the-password").await;
        match r.status {
            401 => assert!(first_refusal.is_none(), "a 401 after a 429 at {attempt}"),
            429 => {
                r.assert_error(429, "rate_limited");
                let wait = retry_after(&r);
                assert!(wait <= 300, "{wait}");
                first_refusal.get_or_insert(attempt);
            }
            other => panic!("attempt {attempt}: {other} {}", r.text),
        }
    }
    assert_eq!(first_refusal, Some(11));
    // The right password waits like the rest: the limit does not tell which one is right.
    app.login(&alice.email, &alice.password)
        .await
        .assert_error(429, "rate_limited");
    // But 300 attempts are past the address's own limit (100 per 5 minutes): Bob waits too.
    app.login(&bob.email, &bob.password)
        .await
        .assert_error(429, "rate_limited");
    // Each failure is in the audit log, naming the account tried and the address.
    let db = app.db().await;
    let row = db
        .query_one(
            "SELECT count(*), count(DISTINCT source_ip), bool_and(actor_id IS NULL) \
             FROM audit_events WHERE event = 'sign_in_failed' AND target_id = $1::text::uuid",
            &[&alice.id],
        )
        .await
        .unwrap();
    assert_eq!(
        row.get::<_, i64>(0),
        10,
        "only the attempts that were tried"
    );
    assert_eq!(row.get::<_, i64>(1), 1);
    assert!(row.get::<_, bool>(2));
}

#[tokio::test]
async fn the_address_limit_holds_for_attempts_spread_over_many_accounts() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_LOGIN_IP", "5/60".into())]).await;
    for i in 0..5 {
        app.login(&format!("nobody{i}@example.com"), "whatever-password")
            .await
            .assert_error(401, "invalid_credentials");
    }
    app.login("nobody9@example.com", "whatever-password")
        .await
        .assert_error(429, "rate_limited");
}

#[tokio::test]
async fn concurrent_sends_over_the_limit_store_exactly_the_limit_gap_free() {
    let app =
        std::sync::Arc::new(TestApp::spawn_with(&[("RATE_LIMIT_SEND_USER", "5/60".into())]).await);
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let chat = app.create_direct(&alice.access_token, &bob.id).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (app, token, chat) = (app.clone(), alice.access_token.clone(), chat.clone());
        tasks.push(tokio::spawn(async move {
            app.send_message(&token, &chat, &format!("m{i}")).await
        }));
    }
    let (mut stored, mut limited) = (0, 0);
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            201 => stored += 1,
            429 => {
                r.assert_error(429, "rate_limited");
                retry_after(&r);
                limited += 1;
            }
            other => panic!("{other}: {}", r.text),
        }
    }
    assert_eq!((stored, limited), (5, 15));
    let history = app.history(&bob.access_token, &chat, "").await;
    let seqs: Vec<i64> = history.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        vec![1, 2, 3, 4, 5],
        "no seq was taken by a refused send"
    );
    // Bob has his own bucket.
    app.send_message(&bob.access_token, &chat, "hi")
        .await
        .assert_status(201);
}

#[tokio::test]
async fn a_retry_of_a_stored_send_is_answered_even_over_the_limit() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_SEND_USER", "1/60".into())]).await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let c = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = c.body["id"].as_str().unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    let first = app
        .send_message_with_id(&alice.access_token, chat, &id, "once")
        .await;
    first.assert_status(201);
    let again = app
        .send_message_with_id(&alice.access_token, chat, &id, "once")
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["id"], first.body["id"]);
    app.send_message(&alice.access_token, chat, "another")
        .await
        .assert_error(429, "rate_limited");
}

#[tokio::test]
async fn edits_new_chats_member_adds_and_tickets_have_their_limits() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_EDIT_USER", "2/60".into()),
        ("RATE_LIMIT_NEW_CHAT_USER", "2/60".into()),
        ("RATE_LIMIT_MEMBER_ADD_USER", "3/60".into()),
        ("RATE_LIMIT_TICKET_USER", "2/60".into()),
    ])
    .await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let carol = app.user("Carol").await;
    let dave = app.user("Dave").await;
    let d = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = d.body["id"].as_str().unwrap().to_owned();
    let m = app.send_message(&alice.access_token, &chat, "typo").await;
    let msg = m.body["id"].as_str().unwrap();
    for _ in 0..2 {
        app.edit_message(&alice.access_token, &chat, msg, "fixed")
            .await
            .assert_status(200);
    }
    app.delete_message(&alice.access_token, &chat, msg)
        .await
        .assert_error(429, "rate_limited");
    let body = app.history(&bob.access_token, &chat, "").await.body;
    assert_eq!(
        body["messages"][0]["deleted"], false,
        "the refused delete did nothing"
    );

    // A group of two members costs two member adds and one new chat.
    let g = app
        .create_group(&alice.access_token, "G", &[&bob.id, &carol.id])
        .await;
    g.assert_status(201);
    let group = g.body["id"].as_str().unwrap();
    app.add_member(&alice.access_token, group, &dave.id)
        .await
        .assert_status(201);
    let eve = app.user("Eve").await;
    app.add_member(&alice.access_token, group, &eve.id)
        .await
        .assert_error(429, "rate_limited");
    app.create_group(&alice.access_token, "H", &[])
        .await
        .assert_error(429, "rate_limited");

    for _ in 0..2 {
        app.ws_ticket(&alice.access_token).await.assert_status(201);
    }
    app.ws_ticket(&alice.access_token)
        .await
        .assert_error(429, "rate_limited");
}

async fn reset(app: &TestApp) -> testkit::TestResponse {
    let body = json!({"email": "someone@example.com"});
    app.send("POST", "/api/auth/password-reset", Some(body), None)
        .await
}

#[tokio::test]
async fn a_bucket_fills_again_after_its_period() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_PASSWORD_RESET_IP", "2/1".into()),
        ("PASSWORD_RESET_FLOOR_MS", "0".into()),
    ])
    .await;
    reset(&app).await.assert_status(202);
    reset(&app).await.assert_status(202);
    let r = reset(&app).await;
    r.assert_error(429, "rate_limited");
    assert_eq!(retry_after(&r), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    reset(&app).await.assert_status(202);
    // Full buckets are swept.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let swept = shared::repo::limits::sweep(&app.ctx.db.get().await.unwrap())
        .await
        .unwrap();
    assert_eq!(swept, 1);
}

#[tokio::test]
async fn security_events_are_audited_without_secrets() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    app.login(&alice.email, &alice.password)
        .await
        .assert_status(200);
    let r = app.refresh(&alice.refresh_token).await;
    r.assert_status(200);
    // The old refresh token again: reuse, the session ends.
    app.refresh(&alice.refresh_token)
        .await
        .assert_error(401, "invalid_refresh_token");
    let fresh = app.login(&alice.email, &alice.password).await;
    let token = fresh.body["access_token"].as_str().unwrap();
    app.send("POST", "/api/auth/logout-all", None, Some(token))
        .await
        .assert_status(204);

    let db = app.db().await;
    let rows = db
        .query(
            "SELECT event, host(source_ip), detail::text FROM audit_events \
             WHERE actor_id = $1::text::uuid OR target_id = $1::text::uuid ORDER BY id",
            &[&alice.id],
        )
        .await
        .unwrap();
    let events: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        events,
        [
            "account_registered",
            "sign_in",
            "refresh_token_reused",
            "sign_in",
            "signed_out_everywhere"
        ]
    );
    for row in &rows {
        assert_eq!(
            row.get::<_, Option<String>>(1).as_deref(),
            Some("127.0.0.1")
        );
        let detail: String = row.get(2);
        for secret in [&alice.password, &alice.refresh_token, &alice.access_token] {
            assert!(!detail.contains(secret.as_str()), "{detail}");
        }
    }
}
