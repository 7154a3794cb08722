//! The HTTP adapter with API Gateway payload-2.0 events as Lambda receives them.

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::encodings::Body;
use shared::adapter::http::dispatch;
use shared::routes;
use testkit::TestApp;

fn fixture(name: &str) -> ApiGatewayV2httpRequest {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn body_json(body: Option<Body>) -> serde_json::Value {
    match body {
        Some(Body::Text(t)) => serde_json::from_str(&t).unwrap(),
        other => panic!("expected a text body, got {other:?}"),
    }
}

#[tokio::test]
async fn a_base64_register_event_creates_an_account() {
    let app = TestApp::spawn().await;
    let out = dispatch(
        &app.ctx,
        &routes::AUTH_REGISTER,
        fixture("apigw-v2-register.json"),
    )
    .await;
    assert_eq!(out.status_code, 201);
    assert_eq!(
        out.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body = body_json(out.body);
    assert_eq!(body["user"]["email"], "fixture@example.com");
    assert!(!out.is_base64_encoded);
}

#[tokio::test]
async fn a_get_user_event_with_a_bad_token_is_401_in_the_error_format() {
    let app = TestApp::spawn().await;
    let out = dispatch(
        &app.ctx,
        &routes::USERS_GET,
        fixture("apigw-v2-get-user.json"),
    )
    .await;
    assert_eq!(out.status_code, 401);
    assert_eq!(
        out.headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    let body = body_json(out.body);
    assert_eq!(body["error"], "unauthorized");
}

#[tokio::test]
async fn an_invalid_base64_body_is_400() {
    let app = TestApp::spawn().await;
    let mut event = fixture("apigw-v2-register.json");
    event.body = Some("%%%not base64%%%".to_owned());
    let out = dispatch(&app.ctx, &routes::AUTH_REGISTER, event).await;
    assert_eq!(out.status_code, 400);
    assert_eq!(body_json(out.body)["error"], "invalid_request");
}

#[tokio::test]
async fn unknown_routes_are_404_not_found() {
    let app = TestApp::spawn().await;
    for (method, path) in [
        ("GET", "/api/nope"),
        ("PUT", "/api/users/me"),
        ("GET", "/api"),
    ] {
        app.send(method, path, None, None)
            .await
            .assert_error(404, "not_found");
    }
}

#[tokio::test]
async fn fuzzed_bodies_never_produce_a_5xx() {
    let app = TestApp::spawn().await;
    let bodies: [&[u8]; 9] = [
        b"",
        b"null",
        b"[]",
        b"\"string\"",
        b"{\"email\": null}",
        b"{\"email\": [], \"password\": {}, \"display_name\": 1}",
        b"\xff\xfe\x00",
        b"{\"email\":\"a@b.co\",\"password\":\"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\",\"display_name\":\"x\"}",
        b"{\"refresh_token\": 12}",
    ];
    for route in routes::HTTP_ROUTES {
        let path = route
            .path
            .replace("{id}", "00000000-0000-0000-0000-000000000000");
        let path = if path == "$default" {
            "/api/x".to_owned()
        } else {
            path
        };
        for body in bodies {
            let r = app
                .send_raw(
                    route.method.replace("ANY", "GET").as_str(),
                    &path,
                    Some(body.to_vec()),
                    &[("content-type", "application/json")],
                )
                .await;
            assert!(
                (200..500).contains(&r.status),
                "{} {} with {:?} gave {}: {}",
                route.method,
                path,
                String::from_utf8_lossy(body),
                r.status,
                r.text
            );
        }
    }
}
