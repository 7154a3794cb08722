//! The event fixtures in `functions/<name>/event.json`: one per function, shaped as its
//! trigger sends it (API Gateway HTTP payload 2.0, WebSocket `$connect`/`$disconnect`/message
//! events, SQS batches, EventBridge scheduled events, a CloudFormation custom-resource request).
//! They are what `cargo lambda invoke <function> --data-file functions/<name>/event.json`
//! sends (docs/DEVELOPMENT.md); here each goes through its adapter against a real database.

use std::path::PathBuf;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayWebsocketProxyRequest};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::sqs::SqsEvent;
use serde_json::Value;
use shared::routes::{self, Trigger};
use testkit::TestApp;

fn functions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../functions")
}

fn raw(function: &str) -> String {
    let path = functions_dir().join(function).join("event.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (every function needs an event fixture)",
            path.display()
        )
    })
}

fn http_event(function: &str, token: &str) -> ApiGatewayV2httpRequest {
    let text = raw(function).replace("REPLACE_WITH_ACCESS_TOKEN", token);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{function}/event.json: {e}"))
}

fn ws_event(function: &str) -> ApiGatewayWebsocketProxyRequest {
    serde_json::from_str(&raw(function)).unwrap_or_else(|e| panic!("{function}/event.json: {e}"))
}

fn body(out: &Option<Body>) -> Value {
    match out {
        Some(Body::Text(t)) => serde_json::from_str(t).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

#[test]
fn every_function_has_an_event_fixture_of_its_own_trigger() {
    let functions = routes::functions();
    assert!(functions.len() >= 38, "found only {functions:?}");
    for (name, trigger, _) in &functions {
        let value: Value = serde_json::from_str(&raw(name))
            .unwrap_or_else(|e| panic!("{name}/event.json is not JSON: {e}"));
        match trigger {
            Trigger::Http => {
                let route = routes::HTTP_ROUTES
                    .iter()
                    .find(|r| r.function == *name)
                    .unwrap();
                let event = http_event(name, "x");
                assert_eq!(
                    event.route_key.as_deref(),
                    Some(route.route_key().as_str()),
                    "{name}"
                );
                assert_eq!(value["version"], "2.0", "{name}: payload format 2.0");
            }
            Trigger::WebSocket => {
                let route = routes::WS_ROUTES
                    .iter()
                    .find(|r| r.function == *name)
                    .unwrap();
                let event = ws_event(name);
                assert_eq!(
                    event.request_context.route_key.as_deref(),
                    Some(route.route_key),
                    "{name}"
                );
                assert!(event.request_context.connection_id.is_some(), "{name}");
            }
            Trigger::Sqs => {
                let event: SqsEvent = serde_json::from_value(value).unwrap();
                assert!(
                    !event.records.is_empty(),
                    "{name}: an SQS batch of at least one record"
                );
                for record in &event.records {
                    assert_eq!(record.event_source.as_deref(), Some("aws:sqs"));
                    let job: Value = serde_json::from_str(record.body.as_deref().unwrap()).unwrap();
                    assert!(job.is_object(), "{name}: the job is a JSON object");
                }
            }
            Trigger::Schedule => {
                assert_eq!(value["detail-type"], "Scheduled Event", "{name}");
                assert_eq!(value["source"], "aws.events", "{name}");
            }
            // The deploy invokes migrate as a CloudFormation custom resource.
            Trigger::Invoked => {
                assert_eq!(value["RequestType"], "Create", "{name}");
                assert!(value["ResponseURL"].is_string(), "{name}");
            }
        }
    }
}

#[tokio::test]
async fn http_fixtures_answer_as_the_gateway_would() {
    let app = TestApp::spawn_with_aws(&[]).await;
    let dispatch = |function: &str, token: &str| {
        let route = *routes::HTTP_ROUTES
            .iter()
            .find(|r| r.function == function)
            .unwrap();
        let event = http_event(function, token);
        let ctx = app.ctx.clone();
        async move { shared::adapter::http::dispatch(&ctx, &route, event).await }
    };

    let registered = dispatch("auth-register", "").await;
    assert_eq!(registered.status_code, 201, "{:?}", registered.body);
    let token = body(&registered.body)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let login = dispatch("auth-login", "").await;
    assert_eq!(login.status_code, 200);
    assert_eq!(dispatch("health", "").await.status_code, 200);
    assert_eq!(dispatch("not-found", "").await.status_code, 404);
    let me = dispatch("users-me", &token).await;
    assert_eq!(me.status_code, 200);
    assert_eq!(body(&me.body)["email"], "fixture@example.com");
    assert_eq!(dispatch("chats-list", &token).await.status_code, 200);
    assert_eq!(dispatch("chats-create", &token).await.status_code, 201);
    // The fixtures name a chat and a message that do not exist: 404s in the error format.
    let send = dispatch("messages-send", &token).await;
    assert_eq!(
        (send.status_code, body(&send.body)["error"].clone()),
        (404, "chat_not_found".into())
    );

    // Signing out everywhere ends the fixture's session: it goes last, so every other route
    // is tried with a live token.
    let (last, first): (Vec<&shared::adapter::http::HttpRoute>, Vec<_>) = routes::HTTP_ROUTES
        .iter()
        .partition(|r| r.function == "auth-logout-all");
    for route in first.into_iter().chain(last) {
        let with_token = dispatch(route.function, &token).await;
        assert!(
            with_token.status_code < 500,
            "{}: {} {:?}",
            route.function,
            with_token.status_code,
            with_token.body
        );
        let raw = raw(route.function);
        if raw.contains("REPLACE_WITH_ACCESS_TOKEN") {
            let without = dispatch(route.function, "not-a-token").await;
            assert_eq!(
                without.status_code, 401,
                "{} without a valid token",
                route.function
            );
        }
    }
}

#[tokio::test]
async fn websocket_fixtures_answer_as_the_gateway_would() {
    let app = TestApp::spawn().await;
    for route in routes::WS_ROUTES {
        let out = shared::adapter::ws::dispatch(&app.ctx, route, ws_event(route.function)).await;
        let expected = if route.route_key == "$connect" {
            401
        } else {
            200
        };
        assert_eq!(
            out.status_code, expected,
            "{}: {:?}",
            route.function, out.body
        );
    }
}

#[tokio::test]
async fn sqs_fixtures_are_batches_their_workers_accept() {
    let app = TestApp::spawn_with_aws(&[]).await;
    for worker in routes::SQS_WORKERS {
        let event: SqsEvent = serde_json::from_str(&raw(worker.function)).unwrap();
        let records = event.records.len();
        let out =
            shared::adapter::sqs::dispatch(&app.ctx, worker.function, worker.handler, event).await;
        // The job names an attachment or a chat that does not exist: nothing to do, and
        // nothing to retry.
        assert!(records > 0);
        assert!(
            out.batch_item_failures.is_empty(),
            "{}: {:?}",
            worker.function,
            out.batch_item_failures
        );
    }
}
