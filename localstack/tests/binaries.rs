//! The real function binaries, each in its own process behind the gateway's Lambda Runtime API
//! emulator (`FUNCTIONS=binaries`): one function of every trigger kind answers its event as the
//! in-process handlers do. Needs the debug binaries (`cargo build --workspace --bins`, which
//! `make rust-test` runs first).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::sqs::SqsBatchResponse;
use local_gateway::runtime_api::{Binaries, InvokeError, Settings};
use serde_json::Value;
use testkit::TestApp;

/// `target/debug`, where cargo put this test's own executable (`target/debug/deps/...`).
fn binaries_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FUNCTIONS_DIR") {
        return dir.into();
    }
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .to_path_buf()
}

fn fixture(function: &str) -> String {
    let path = format!(
        "{}/../functions/{function}/event.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn binaries(app: &TestApp) -> std::sync::Arc<Binaries> {
    let mut settings = Settings::new(binaries_dir());
    settings.env = vec![
        ("DATABASE_URL".into(), app.database_url.clone()),
        ("JWT_SECRET".into(), testkit::TEST_JWT_SECRET.into()),
        ("LOG_FORMAT".into(), "json".into()),
        ("RUST_LOG".into(), "warn".into()),
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID".into(), "local".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "local".into()),
    ];
    if let Some(aws) = &app.aws {
        settings
            .env
            .extend(aws.env().into_iter().map(|(k, v)| (k.to_owned(), v)));
    }
    settings.timeout = Duration::from_secs(20);
    let b = Binaries::new(settings);
    let missing = b.missing([
        "health",
        "users-me",
        "ws-connect",
        "media-worker",
        "ws-sweeper",
    ]);
    assert!(
        missing.is_empty(),
        "no binary in {} for {missing:?}: run `cargo build --workspace --bins` first",
        b.settings().dir.display()
    );
    b
}

async fn invoke<T: serde::de::DeserializeOwned>(b: &Binaries, function: &str, event: String) -> T {
    let body = b.invoke(function, event.into_bytes()).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn json_body(body: &Option<Body>) -> Value {
    match body {
        Some(Body::Text(t)) => serde_json::from_str(t).unwrap(),
        other => panic!("expected a text body, got {other:?}"),
    }
}

#[tokio::test]
async fn http_functions_answer_from_their_own_process_cold_and_warm() {
    let app = TestApp::spawn().await;
    let b = binaries(&app);
    let user = app.user("Binary").await;

    let (body, timing) = b
        .invoke_timed("health", fixture("health").into_bytes())
        .await
        .unwrap();
    let health: ApiGatewayV2httpResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(health.status_code, 200);
    assert_eq!(json_body(&health.body)["database"], "ok");
    assert!(
        timing.init.is_some(),
        "the first invocation is a cold start"
    );
    let (_, warm) = b
        .invoke_timed("health", fixture("health").into_bytes())
        .await
        .unwrap();
    assert!(warm.init.is_none(), "the second reuses the instance");
    assert_eq!(b.pids("health").len(), 1);

    let event = fixture("users-me").replace("REPLACE_WITH_ACCESS_TOKEN", &user.access_token);
    let me: ApiGatewayV2httpResponse = invoke(&b, "users-me", event).await;
    assert_eq!(me.status_code, 200);
    assert_eq!(json_body(&me.body)["email"], user.email.as_str());
    let anonymous: ApiGatewayV2httpResponse = invoke(&b, "users-me", fixture("users-me")).await;
    assert_eq!(anonymous.status_code, 401);
}

#[tokio::test]
async fn websocket_connect_authenticates_by_ticket_in_its_own_process() {
    let app = TestApp::spawn().await;
    let b = binaries(&app);
    let user = app.user("Socket").await;
    let ticket = app.ws_ticket(&user.access_token).await;
    let ticket = ticket.body["ticket"].as_str().unwrap().to_owned();
    let event = fixture("ws-connect")
        .replace("REPLACE_WITH_TICKET", &ticket)
        .replace("REPLACE_WITH_CONNECTION_ID=", "bin-conn-1=");

    let out: ApiGatewayProxyResponse = invoke(&b, "ws-connect", event.clone()).await;
    assert_eq!(out.status_code, 200, "{:?}", out.body);
    let rows = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM connections WHERE connection_id = 'bin-conn-1='",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(rows, 1);
    // Tickets are single use.
    let again: ApiGatewayProxyResponse = invoke(&b, "ws-connect", event).await;
    assert_eq!(again.status_code, 401);
}

#[tokio::test]
async fn the_media_worker_binary_takes_its_queue_through_the_gateways_poller() {
    let app = TestApp::spawn_with_aws(&[]).await;
    let b = binaries(&app);
    let user = app.user("Uploader").await;
    let chat = app.create_group(&user.access_token, "Files", &[]).await;
    let chat = chat.body["id"].as_str().unwrap().to_owned();
    let png = testkit::attachments::png(40, 30);
    let id = app
        .upload(&user.access_token, &chat, "dot.png", "image/png", &png)
        .await;

    let functions = local_gateway::functions::Functions::Binaries(b.clone());
    let queue = app.aws.as_ref().unwrap().media_queue.clone();
    let worker = shared::routes::MEDIA_WORKER;
    let handled = local_gateway::sqs_poller::poll_once_with(
        &app.ctx,
        &functions,
        &worker,
        testkit::aws::POLL_WAIT,
    )
    .await
    .unwrap();
    assert_eq!(handled, 1);
    assert_eq!(
        b.pids("media-worker").len(),
        1,
        "the worker ran as its own process"
    );
    let got = app.get_attachment(&user.access_token, &id).await;
    assert_eq!(got.body["attachment"]["status"], "ready", "{}", got.text);
    assert_eq!(got.body["attachment"]["width"], 40);
    assert_eq!(
        testkit::aws::queue_depth(app.aws_clients(), &queue).await,
        0
    );
}

#[tokio::test]
async fn an_sqs_batch_fixture_reaches_the_worker_binary() {
    let app = TestApp::spawn_with_aws(&[]).await;
    let b = binaries(&app);
    // The fixture's job names an attachment that does not exist: nothing to do or retry.
    let out: SqsBatchResponse = invoke(&b, "media-worker", fixture("media-worker")).await;
    assert!(out.batch_item_failures.is_empty(), "{out:?}");
}

/// A send's announcement is marked done (its outbox row deleted) by the instance that stored
/// it, after posting the answer and before taking its next event (`shared::runtime`): nothing is
/// left for the drainer to announce a second time.
#[tokio::test]
async fn a_send_marks_its_announcement_done_before_its_instance_takes_the_next_event() {
    let app = TestApp::spawn().await;
    let b = binaries(&app);
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let chat = app.create_direct(&alice.access_token, &bob.id).await;
    let chat_id = chat.body["id"].as_str().unwrap().to_owned();
    let send = |client_message_id: uuid::Uuid| {
        fixture("messages-send")
            .replace("0190f3a2-7c4d-7a10-8e2b-5f6a7b8c9d01", &chat_id)
            .replace(
                "3f9c1a52-8e47-4f0b-9d2e-6a1b2c3d4e5f",
                &client_message_id.to_string(),
            )
            .replace("REPLACE_WITH_ACCESS_TOKEN", &alice.access_token)
    };
    let first: ApiGatewayV2httpResponse =
        invoke(&b, "messages-send", send(uuid::Uuid::new_v4())).await;
    assert_eq!(first.status_code, 201, "{:?}", first.body);
    let first_id = json_body(&first.body)["id"].as_str().unwrap().to_owned();
    let second: ApiGatewayV2httpResponse =
        invoke(&b, "messages-send", send(uuid::Uuid::new_v4())).await;
    assert_eq!(second.status_code, 201, "{:?}", second.body);
    assert_eq!(b.pids("messages-send").len(), 1, "one instance took both");
    let rows: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM outbox WHERE change->>'message_id' = $1",
            &[&first_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0, "the first send's outbox row outlived its event");
}

#[tokio::test]
async fn a_scheduled_function_answers_its_report() {
    let app = TestApp::spawn().await;
    let b = binaries(&app);
    let report: Value = invoke(&b, "ws-sweeper", fixture("ws-sweeper")).await;
    assert_eq!(report["expired_tickets"], 0, "{report}");
}

#[tokio::test]
async fn a_binary_reads_its_token_key_and_database_from_secrets_manager() {
    let app = TestApp::spawn_with_aws(&[]).await;
    let user = app.user("Secretive").await;
    // As the template sets them up: the key as a string, the database as RDS's JSON.
    let aws = app.aws.as_ref().unwrap();
    let secrets =
        aws_sdk_secretsmanager::Client::new(&shared::clients::local_sdk_config(&aws.endpoint));
    let (base, db_name) = app.database_url.rsplit_once('/').unwrap();
    let host_port = base.rsplit_once('@').unwrap().1;
    let (host, port) = host_port.split_once(':').unwrap();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let mut ids = Vec::new();
    for (name, value) in [
        ("jwt", testkit::TEST_JWT_SECRET.to_owned()),
        (
            "db",
            serde_json::json!({"username": "postgres", "password": "", "port": port.parse::<u16>().unwrap()})
                .to_string(),
        ),
    ] {
        let out = secrets
            .create_secret()
            .name(format!("{name}-{suffix}"))
            .secret_string(value)
            .send()
            .await
            .unwrap();
        ids.push(out.arn.unwrap());
    }
    let mut settings = binaries(&app).settings().clone();
    settings
        .env
        .retain(|(k, _)| k != "JWT_SECRET" && k != "DATABASE_URL");
    settings.env.extend([
        ("JWT_SECRET_ID".to_owned(), ids[0].clone()),
        ("DATABASE_SECRET_ID".to_owned(), ids[1].clone()),
        ("DATABASE_HOST".to_owned(), host.to_owned()),
        ("DATABASE_NAME".to_owned(), db_name.to_owned()),
    ]);
    let b = Binaries::new(settings.clone());
    let event = fixture("users-me").replace("REPLACE_WITH_ACCESS_TOKEN", &user.access_token);
    let me: ApiGatewayV2httpResponse = invoke(&b, "users-me", event.clone()).await;
    assert_eq!(me.status_code, 200, "{:?}", me.body);
    assert_eq!(json_body(&me.body)["email"], user.email.as_str());

    // A secret that cannot be read stops the cold start.
    settings.env.retain(|(k, _)| k != "JWT_SECRET_ID");
    settings
        .env
        .push(("JWT_SECRET_ID".into(), format!("missing-{suffix}")));
    let err = Binaries::new(settings)
        .invoke("users-me", event.into_bytes())
        .await
        .unwrap_err();
    assert!(matches!(err, InvokeError::Exited { .. }), "{err}");
}

#[tokio::test]
async fn a_function_that_cannot_start_fails_its_invocation() {
    let app = TestApp::spawn().await;
    let b = binaries(&app);
    // The same binary without its configuration exits at cold start, as in Lambda.
    let mut settings = b.settings().clone();
    settings.env.retain(|(k, _)| k != "JWT_SECRET");
    settings.env.push(("JWT_SECRET".into(), "short".into()));
    let broken = Binaries::new(settings);
    let err = broken
        .invoke("health", fixture("health").into_bytes())
        .await
        .unwrap_err();
    assert!(matches!(err, InvokeError::Exited { .. }), "{err}");
}

/// A stand-in for CloudFormation's presigned response URL: the bodies PUT to it.
async fn response_url() -> (String, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/cfn-response",
        axum::routing::put(move |body: String| {
            let _ = tx.send(serde_json::from_str::<Value>(&body).unwrap_or(Value::Null));
            async { "" }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cfn-response", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

#[tokio::test]
async fn the_deploy_migrates_through_the_migrate_custom_resource() {
    let app = TestApp::spawn().await;
    let empty = format!("cfn_{}", uuid::Uuid::new_v4().simple());
    app.db()
        .await
        .batch_execute(&format!("CREATE DATABASE {empty}"))
        .await
        .unwrap();
    let (base, _) = app.database_url.rsplit_once('/').unwrap();
    let mut settings = binaries(&app).settings().clone();
    settings
        .env
        .push(("DATABASE_URL".into(), format!("{base}/{empty}")));
    let b = Binaries::new(settings);
    let (url, mut answers) = response_url().await;

    let create = fixture("migrate").replace("http://127.0.0.1:9/REPLACE_WITH_RESPONSE_URL", &url);
    let out: Value = invoke(&b, "migrate", create.clone()).await;
    let answer = answers.recv().await.unwrap();
    assert_eq!(answer["Status"], "SUCCESS", "{answer}");
    assert_eq!(answer, out);
    assert_eq!(answer["LogicalResourceId"], "Migrations");
    assert!(
        answer["Data"]["Applied"]
            .as_str()
            .unwrap()
            .contains("connections"),
        "{answer}"
    );

    // The same deploy again (an Update): nothing left to apply, same physical id.
    let update = create.replace("\"Create\"", "\"Update\"");
    let _: Value = invoke(&b, "migrate", update).await;
    let again = answers.recv().await.unwrap();
    assert_eq!(again["Status"], "SUCCESS");
    assert_eq!(again["Data"]["Applied"], "");
    assert_eq!(again["PhysicalResourceId"], answer["PhysicalResourceId"]);
}

#[tokio::test]
async fn a_failed_migration_fails_the_deploy_and_a_delete_migrates_nothing() {
    let app = TestApp::spawn().await;
    let mut settings = binaries(&app).settings().clone();
    settings.env.push((
        "DATABASE_URL".into(),
        "postgres://postgres@127.0.0.1:9/nothing".into(),
    ));
    let b = Binaries::new(settings);
    let (url, mut answers) = response_url().await;
    let create = fixture("migrate").replace("http://127.0.0.1:9/REPLACE_WITH_RESPONSE_URL", &url);

    let _: Value = invoke(&b, "migrate", create.clone()).await;
    let failed = answers.recv().await.unwrap();
    assert_eq!(failed["Status"], "FAILED", "{failed}");
    assert!(
        failed["Reason"].as_str().unwrap().contains("connect"),
        "{failed}"
    );

    let delete = create.replace("\"Create\"", "\"Delete\"");
    let _: Value = invoke(&b, "migrate", delete).await;
    assert_eq!(answers.recv().await.unwrap()["Status"], "SUCCESS");
}

#[tokio::test]
async fn a_rollback_runs_an_older_migrate_on_a_newer_schema_without_failing() {
    let app = TestApp::spawn().await;
    // The database already has a migration this binary does not know (a newer release's).
    app.db()
        .await
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES (9999, 'from_a_newer_release', '2026-12-01T00:00:00Z', '0')",
            &[],
        )
        .await
        .unwrap();
    let b = binaries(&app);
    let (url, mut answers) = response_url().await;
    let update = fixture("migrate")
        .replace("http://127.0.0.1:9/REPLACE_WITH_RESPONSE_URL", &url)
        .replace("\"Create\"", "\"Update\"");
    let _: Value = invoke(&b, "migrate", update).await;
    let answer = answers.recv().await.unwrap();
    assert_eq!(answer["Status"], "SUCCESS", "{answer}");
}
