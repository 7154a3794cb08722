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
