use shared::auth::opaque;
use testkit::TestApp;

#[tokio::test]
async fn a_ticket_is_issued_hashed_valid_for_60_seconds_and_single_use() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let r = app.ws_ticket(&u.access_token).await;
    r.assert_status(201);
    assert_eq!(r.body["expires_in"], 60);
    let ticket = r.body["ticket"].as_str().unwrap();

    let db = app.db().await;
    let row = db
        .query_one(
            "SELECT ticket_hash, extract(epoch FROM expires_at - created_at)::int AS ttl FROM ws_tickets",
            &[],
        )
        .await
        .unwrap();
    let stored: Vec<u8> = row.get("ticket_hash");
    assert_eq!(stored, opaque::digest(ticket), "only the digest is stored");
    assert_eq!(row.get::<_, i32>("ttl"), 60);

    let pooled = app.ctx.db.get().await.unwrap();
    let first = shared::repo::ws_tickets::consume(&pooled, &opaque::digest(ticket))
        .await
        .unwrap();
    assert_eq!(first.map(|(u, _)| u.to_string()), Some(u.id.clone()));
    let second = shared::repo::ws_tickets::consume(&pooled, &opaque::digest(ticket))
        .await
        .unwrap();
    assert_eq!(second, None, "a ticket works once");
}

#[tokio::test]
async fn an_expired_ticket_is_refused() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let r = app.ws_ticket(&u.access_token).await;
    let ticket = r.body["ticket"].as_str().unwrap();
    let db = app.db().await;
    db.execute(
        "UPDATE ws_tickets SET expires_at = now() - interval '1 second'",
        &[],
    )
    .await
    .unwrap();
    let pooled = app.ctx.db.get().await.unwrap();
    let used = shared::repo::ws_tickets::consume(&pooled, &opaque::digest(ticket))
        .await
        .unwrap();
    assert_eq!(used, None);
}
