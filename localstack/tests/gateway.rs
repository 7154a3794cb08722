//! The gateway over real HTTP: requests become payload-2.0 events for the same functions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use testkit::TestApp;

struct Running {
    base: String,
    client: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(app: &TestApp) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let ctx = app.ctx.clone();
    tokio::spawn(async move {
        local_gateway::server::serve(listener, ctx, Default::default(), async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Running {
        base,
        client: reqwest::Client::new(),
        _stop: tx,
    }
}

#[tokio::test]
async fn a_new_user_registers_logs_in_and_reads_their_profile_over_http() {
    let app = TestApp::spawn().await;
    let gw = start(&app).await;

    let r = gw
        .client
        .get(format!("{}/api/health", gw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["database"], "ok");

    let r = gw
        .client
        .post(format!("{}/api/auth/register", gw.base))
        .json(&json!({"email": "web@example.com", "password": "correct horse", "display_name": "Web"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["content-type"], "application/json");

    let r = gw
        .client
        .post(format!("{}/api/auth/login", gw.base))
        .json(&json!({"email": "web@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let session: Value = r.json().await.unwrap();
    let token = session["access_token"].as_str().unwrap();

    let r = gw
        .client
        .get(format!("{}/api/users/me", gw.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["email"], "web@example.com");

    let r = gw
        .client
        .get(format!("{}/api/users?query=w%65b", gw.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "percent-encoded query strings are decoded");
}

#[tokio::test]
async fn errors_over_http_keep_the_json_format() {
    let app = TestApp::spawn().await;
    let gw = start(&app).await;

    let r = gw
        .client
        .get(format!("{}/api/nope", gw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "not_found");

    let r = gw
        .client
        .get(format!("{}/elsewhere", gw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let r = gw
        .client
        .post(format!("{}/api/auth/register", gw.base))
        .header("content-type", "application/json")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "payload_too_large"
    );

    let r = gw
        .client
        .get(format!("{}/api/users/me", gw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
}
