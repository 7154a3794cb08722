//! Test support. Every test gets its own database, cloned from a migrated template in the one
//! throwaway PostgreSQL cluster the test run started (`TEST_DATABASE_URL`, set by
//! `localstack/with-test-services.sh`), so tests run in parallel without seeing each other.
//! `TestApp` sends requests through the same path the local gateway uses: an API Gateway
//! payload-2.0 event, the route table, the function's dispatch.

pub mod accounts;
pub mod attachments;
pub mod aws;
pub mod consent;
pub mod stack;

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use shared::Ctx;
use shared::config::Config;
use tokio_postgres::NoTls;

pub use serde_json::json;

const TEMPLATE_DB: &str = "messenger_template";

/// The admin URL of the test cluster.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_DATABASE_URL is not set: run the tests with `make test`, or wrap the command in \
             `localstack/with-test-services.sh`"
        )
    })
}

fn url_for_db(admin: &str, db: &str) -> String {
    let mut cfg: tokio_postgres::Config = admin.parse().expect("TEST_DATABASE_URL parses");
    cfg.dbname(db);
    // tokio_postgres::Config has no Display; rebuild the URL from its parts.
    let host = match cfg.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "127.0.0.1".to_owned(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432);
    let user = cfg.get_user().unwrap_or("postgres");
    format!("postgres://{user}@{host}:{port}/{db}")
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls)
        .await
        .expect("connect to the test cluster");
    tokio::spawn(conn);
    client
}

/// A fresh, migrated database of its own; returns its URL.
pub async fn fresh_database() -> String {
    let admin = admin_url();
    let client = admin_client(&admin).await;
    // One process migrates the template; the others wait on the lock, then find it there.
    client
        .execute("SELECT pg_advisory_lock(4242)", &[])
        .await
        .expect("lock");
    let exists = client
        .query_opt(
            "SELECT 1 FROM pg_database WHERE datname = $1",
            &[&TEMPLATE_DB],
        )
        .await
        .expect("look for the template")
        .is_some();
    if !exists {
        client
            .batch_execute(&format!("CREATE DATABASE {TEMPLATE_DB}"))
            .await
            .expect("create the template database");
        shared::db::migrate(&url_for_db(&admin, TEMPLATE_DB))
            .await
            .expect("migrate the template database");
    }
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}"))
        .await
        .expect("create the test database");
    client
        .execute("SELECT pg_advisory_unlock(4242)", &[])
        .await
        .expect("unlock");
    url_for_db(&admin, &name)
}

/// The JWT secret of `test_config`, for processes that must accept the tests' tokens.
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256";

/// Configuration for tests: a fixed JWT secret, a small pool, quiet logs unless `TEST_LOG`.
pub fn test_config(database_url: &str) -> Config {
    test_config_with(database_url, &[])
}

/// `test_config` with more variables set (or defaults overridden).
pub fn test_config_with(database_url: &str, extra: &[(&'static str, String)]) -> Config {
    let mut env = std::collections::HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("JWT_SECRET", TEST_JWT_SECRET.to_owned()),
        ("DB_POOL_SIZE", "16".to_owned()),
        ("DB_CONNECT_TIMEOUT_MS", "2000".to_owned()),
        // As the local gateway runs: one process, each chat's announcements in seq order.
        ("ANNOUNCE_ORDER_WAIT_MS", "50".to_owned()),
        // Every test user registers and refreshes from 127.0.0.1, and some tests start
        // hundreds of chats or send hundreds of messages in a second: these limits are lifted;
        // the sign-in limits stay at their defaults (the limit tests set the others).
        ("RATE_LIMIT_REGISTER_IP", "off".to_owned()),
        ("RATE_LIMIT_REFRESH_IP", "off".to_owned()),
        ("RATE_LIMIT_NEW_CHAT_USER", "off".to_owned()),
        ("RATE_LIMIT_SEND_USER", "off".to_owned()),
    ]);
    env.extend(extra.iter().cloned());
    Config::from_source(&env).expect("test config")
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        shared::telemetry::init(shared::config::LogFormat::Pretty);
    }
}

/// An answer, with its body parsed as JSON where it is JSON.
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl TestResponse {
    /// The `error` code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected error; body: {}",
            self.text
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "an error carries a message: {}",
            self.text
        );
        self
    }
}

/// A registered user with a live session.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub access_token: String,
    pub refresh_token: String,
}

pub struct TestApp {
    pub ctx: Ctx,
    pub database_url: String,
    /// The test's own bucket, queues and sender in the emulator (`spawn_with_aws`).
    pub aws: Option<aws::TestAws>,
    /// Raw SDK clients of the emulator (`spawn_with_aws`).
    pub sdk: Option<aws::Aws>,
    /// The access token of each user `user` registered, by id: the helpers that start chats
    /// answer the requests they make for the ones asked (`consent.rs`).
    pub tokens: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// A TestApp with more variables set (or defaults overridden), e.g. a low rate limit.
    pub async fn spawn_with(extra: &[(&'static str, String)]) -> Self {
        init_logs();
        let database_url = fresh_database().await;
        let ctx = Ctx::new(test_config_with(&database_url, extra)).expect("context");
        Self {
            ctx,
            database_url,
            aws: None,
            sdk: None,
            tokens: Default::default(),
        }
    }

    /// A TestApp with S3, SQS and SESv2 of the emulator: a bucket, queues and sender identity
    /// of its own, configured as the functions would be. `extra` sets more variables.
    pub async fn spawn_with_aws(extra: &[(&'static str, String)]) -> Self {
        init_logs();
        let database_url = fresh_database().await;
        let endpoint = aws::endpoint();
        let clients = aws::Aws::local(&endpoint);
        let resources = aws::provision(&clients, &endpoint).await;
        let mut env = resources.env();
        env.extend(extra.iter().cloned());
        let ctx = Ctx::new(test_config_with(&database_url, &env))
            .expect("context")
            .with_clients(&shared::clients::local_sdk_config(&endpoint));
        Self {
            ctx,
            database_url,
            aws: Some(resources),
            sdk: Some(clients),
            tokens: Default::default(),
        }
    }

    /// The raw SDK clients of a `spawn_with_aws` app.
    pub fn aws_clients(&self) -> &aws::Aws {
        self.sdk.as_ref().expect("spawn_with_aws")
    }

    /// A context whose database cannot be reached (a closed port).
    pub fn with_unreachable_database() -> Self {
        init_logs();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let url = format!("postgres://postgres@127.0.0.1:{port}/nothing");
        let mut config = test_config(&url);
        config.db_connect_timeout = Duration::from_millis(500);
        config.db_pool_wait = Duration::from_millis(500);
        Self {
            ctx: Ctx::new(config).expect("context"),
            database_url: url,
            aws: None,
            sdk: None,
            tokens: Default::default(),
        }
    }

    pub async fn db(&self) -> tokio_postgres::Client {
        admin_client(&self.database_url).await
    }

    /// How many connection rows `user_id` has.
    pub async fn connection_count(&self, user_id: &str) -> i64 {
        self.db()
            .await
            .query_one(
                "SELECT count(*) FROM connections WHERE user_id = $1::text::uuid",
                &[&user_id],
            )
            .await
            .expect("count connections")
            .get(0)
    }

    /// Sends any request: method, path with optional query, raw body, extra headers.
    pub async fn send_raw(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let mut map = HeaderMap::new();
        map.insert("host", HeaderValue::from_static("127.0.0.1:3000"));
        for (k, v) in headers {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                HeaderValue::from_str(v).expect("header value"),
            );
        }
        let incoming = local_gateway::http_api::Incoming {
            method: method.to_owned(),
            path: path.to_owned(),
            raw_query: query.to_owned(),
            headers: map,
            body: body.unwrap_or_default(),
            source_ip: "127.0.0.1".to_owned(),
        };
        let out = local_gateway::http_api::invoke(&self.ctx, &incoming).await;
        let text = match out.body {
            Some(aws_lambda_events::encodings::Body::Text(t)) => t,
            Some(aws_lambda_events::encodings::Body::Binary(b)) => {
                String::from_utf8_lossy(&b).into_owned()
            }
            _ => String::new(),
        };
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        TestResponse {
            status: u16::try_from(out.status_code).expect("status"),
            headers: out.headers,
            text,
            body,
        }
    }

    /// Sends JSON (or nothing), with a bearer token when given.
    pub async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> TestResponse {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("content-type", "application/json")];
        if let Some(a) = auth.as_deref() {
            headers.push(("authorization", a));
        }
        let body = body.map(|b| serde_json::to_vec(&b).expect("json"));
        self.send_raw(method, path_and_query, body, &headers).await
    }

    // ---- one helper per route ----

    pub async fn health(&self) -> TestResponse {
        self.send("GET", "/api/health", None, None).await
    }

    pub async fn register(&self, email: &str, password: &str, display_name: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/register",
            Some(json!({"email": email, "password": password, "display_name": display_name})),
            None,
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/login",
            Some(json!({"email": email, "password": password})),
            None,
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/refresh",
            Some(json!({ "refresh_token": refresh_token })),
            None,
        )
        .await
    }

    pub async fn logout(&self, refresh_token: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/logout",
            Some(json!({ "refresh_token": refresh_token })),
            None,
        )
        .await
    }

    pub async fn me(&self, token: &str) -> TestResponse {
        self.send("GET", "/api/users/me", None, Some(token)).await
    }

    pub async fn update_me(&self, token: &str, patch: Value) -> TestResponse {
        self.send("PATCH", "/api/users/me", Some(patch), Some(token))
            .await
    }

    pub async fn get_user(&self, token: &str, id: &str) -> TestResponse {
        self.send("GET", &format!("/api/users/{id}"), None, Some(token))
            .await
    }

    pub async fn search_users(&self, token: &str, query: &str) -> TestResponse {
        let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        self.send("GET", &format!("/api/users?query={q}"), None, Some(token))
            .await
    }

    pub async fn ws_ticket(&self, token: &str) -> TestResponse {
        self.send("POST", "/api/ws/ticket", None, Some(token)).await
    }

    /// `POST /api/chats` for a direct chat, as is: with a stranger it is a request
    /// (`create_direct` also accepts it).
    pub async fn ask_direct(&self, token: &str, other: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/chats",
            Some(json!({"kind": "direct", "member_ids": [other]})),
            Some(token),
        )
        .await
    }

    /// `POST /api/chats` for a group, as is: strangers are asked (`create_group` also accepts
    /// for them).
    pub async fn ask_group(&self, token: &str, title: &str, members: &[&str]) -> TestResponse {
        self.send(
            "POST",
            "/api/chats",
            Some(json!({"kind": "group", "title": title, "member_ids": members})),
            Some(token),
        )
        .await
    }

    pub async fn list_chats(&self, token: &str) -> TestResponse {
        self.send("GET", "/api/chats", None, Some(token)).await
    }

    pub async fn get_chat(&self, token: &str, chat: &str) -> TestResponse {
        self.send("GET", &format!("/api/chats/{chat}"), None, Some(token))
            .await
    }

    /// `POST /api/chats/{id}/members`, as is: a stranger is asked (`add_member` also accepts
    /// for them).
    pub async fn ask_member(&self, token: &str, chat: &str, user: &str) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/chats/{chat}/members"),
            Some(json!({ "user_id": user })),
            Some(token),
        )
        .await
    }

    pub async fn remove_member(&self, token: &str, chat: &str, user: &str) -> TestResponse {
        self.send(
            "DELETE",
            &format!("/api/chats/{chat}/members/{user}"),
            None,
            Some(token),
        )
        .await
    }

    /// `query` is the raw query string, e.g. `before_seq=10&limit=5` (may be empty).
    pub async fn history(&self, token: &str, chat: &str, query: &str) -> TestResponse {
        self.send(
            "GET",
            &format!("/api/chats/{chat}/messages?{query}"),
            None,
            Some(token),
        )
        .await
    }

    pub async fn send_message_with_id(
        &self,
        token: &str,
        chat: &str,
        client_message_id: &str,
        body: &str,
    ) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/chats/{chat}/messages"),
            Some(json!({"client_message_id": client_message_id, "body": body})),
            Some(token),
        )
        .await
    }

    pub async fn send_message(&self, token: &str, chat: &str, body: &str) -> TestResponse {
        let id = uuid::Uuid::new_v4().to_string();
        self.send_message_with_id(token, chat, &id, body).await
    }

    pub async fn edit_message(
        &self,
        token: &str,
        chat: &str,
        msg: &str,
        body: &str,
    ) -> TestResponse {
        self.send(
            "PATCH",
            &format!("/api/chats/{chat}/messages/{msg}"),
            Some(json!({ "body": body })),
            Some(token),
        )
        .await
    }

    pub async fn delete_message(&self, token: &str, chat: &str, msg: &str) -> TestResponse {
        self.send(
            "DELETE",
            &format!("/api/chats/{chat}/messages/{msg}"),
            None,
            Some(token),
        )
        .await
    }

    pub async fn mark_read(&self, token: &str, chat: &str, seq: i64) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/chats/{chat}/read"),
            Some(json!({ "seq": seq })),
            Some(token),
        )
        .await
    }

    /// Registers `name` with a unique e-mail and returns the session.
    pub async fn user(&self, name: &str) -> TestUser {
        let email = format!(
            "{}-{}@example.com",
            name.to_lowercase().replace(' ', "."),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let password = "correct horse battery".to_owned();
        let r = self.register(&email, &password, name).await;
        r.assert_status(201);
        let id = r.body["user"]["id"].as_str().expect("id").to_owned();
        let token = r.body["access_token"].as_str().expect("access").to_owned();
        self.tokens.lock().unwrap().insert(id.clone(), token);
        TestUser {
            id,
            email,
            password,
            display_name: name.to_owned(),
            access_token: r.body["access_token"].as_str().expect("access").to_owned(),
            refresh_token: r.body["refresh_token"]
                .as_str()
                .expect("refresh")
                .to_owned(),
        }
    }
}
