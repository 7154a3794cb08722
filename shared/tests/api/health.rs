use testkit::TestApp;

#[tokio::test]
async fn health_is_ok_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let r = app.health().await;
    r.assert_status(200);
    assert_eq!(r.body, testkit::json!({"status": "ok", "database": "ok"}));
}

#[tokio::test]
async fn health_is_503_with_a_json_body_when_the_database_is_down() {
    let app = TestApp::with_unreachable_database();
    let r = app.health().await;
    r.assert_status(503);
    assert_eq!(
        r.body,
        testkit::json!({"status": "unavailable", "database": "unreachable"})
    );
}

#[tokio::test]
async fn other_routes_answer_503_service_unavailable_when_the_database_is_down() {
    let app = TestApp::with_unreachable_database();
    let r = app.login("alice@example.com", "whatever-password").await;
    r.assert_error(503, "service_unavailable");
    assert!(
        !r.text.contains("127.0.0.1"),
        "no internals leak: {}",
        r.text
    );
}

#[tokio::test]
async fn sslmode_require_is_honoured_so_a_server_without_tls_is_refused() {
    let app = TestApp::spawn().await;
    let url = format!("{}?sslmode=require", app.database_url);
    let mut config = testkit::test_config(&url);
    config.db_pool_wait = std::time::Duration::from_millis(500);
    let strict = TestApp {
        ctx: shared::Ctx::new(config).unwrap(),
        database_url: url,
        aws: None,
        sdk: None,
        tokens: Default::default(),
    };
    strict.health().await.assert_status(503);
    // The default (prefer) falls back to plain text for a local cluster.
    app.health().await.assert_status(200);
}
