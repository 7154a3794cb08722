//! The local gateway running on a free port with real sockets, and a WebSocket client.

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApp;

/// How long a test waits for an event before failing.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

/// A TestApp whose pushes go to a running gateway, and that gateway.
pub struct TestStack {
    pub app: TestApp,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub registry: Arc<local_gateway::ws_api::Registry>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    options: local_gateway::server::Options,
}

impl std::ops::Deref for TestStack {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

impl TestStack {
    /// The gateway in front of a fresh app; the app's functions push through the management
    /// API inside the process, as in `make dev`.
    pub async fn spawn() -> Self {
        Self::spawn_with(local_gateway::server::Options {
            in_process_pushes: true,
            ..Default::default()
        })
        .await
    }

    /// As `spawn`, but pushes go over HTTP to the gateway's management API routes, as function
    /// binaries and API Gateway's real endpoint are reached.
    pub async fn spawn_with_http_pushes() -> Self {
        Self::spawn_with(local_gateway::server::Options::default()).await
    }

    pub async fn spawn_with(options: local_gateway::server::Options) -> Self {
        Self::around(TestApp::spawn().await, options).await
    }

    /// A gateway over a `TestApp::spawn_with_aws` app that also polls the test's queues and
    /// runs their workers, as Lambda's event source mappings do.
    pub async fn spawn_with_aws(extra: &[(&'static str, String)]) -> Self {
        let options = local_gateway::server::Options {
            poll_queues: true,
            in_process_pushes: true,
            ..Default::default()
        };
        Self::around(TestApp::spawn_with_aws(extra).await, options).await
    }

    /// Runs a gateway in front of `app`, whose pushes reach it in-process or over HTTP as
    /// `options.in_process_pushes` says.
    pub async fn around(mut app: TestApp, mut options: local_gateway::server::Options) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        app.ctx.push = if options.in_process_pushes {
            let management = local_gateway::management::Management {
                registry: options.registry.clone(),
                limits: options.ws_limits,
            };
            shared::clients::push::Pusher::with_http_client(
                &base,
                &app.ctx.config,
                &shared::clients::local_sdk_config(&base),
                local_gateway::management::InProcess::client(management),
            )
        } else {
            shared::clients::push::Pusher::local(&base, &app.ctx.config)
        };
        // The gateway's functions share the app's context (and its pusher).
        options.in_process_pushes = false;
        let registry = options.registry.clone();
        let mut stack = Self {
            app,
            base,
            registry,
            stop: None,
            server: None,
            options,
        };
        stack.serve(listener);
        stack
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (ctx, options) = (self.app.ctx.clone(), self.options.clone());
        self.server = Some(tokio::spawn(async move {
            local_gateway::server::serve(listener, ctx, options, async {
                let _ = rx.await;
            })
            .await
            .expect("gateway");
        }));
        self.stop = Some(tx);
    }

    /// Stops the gateway as `stop_gateway` does and starts it again on the same address, as a
    /// restarted gateway: its clients must reconnect.
    pub async fn restart_gateway(&mut self) {
        self.stop_gateway().await;
        let addr = self.base.trim_start_matches("http://").to_owned();
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind again");
        self.serve(listener);
    }

    /// Stops the gateway as Ctrl-C or SIGTERM does and waits until it has stopped (its
    /// sockets closed and their `$disconnect`s run).
    pub async fn stop_gateway(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("gateway task");
        }
    }

    pub fn ws_url(&self, query: &str) -> String {
        format!("{}/ws{query}", self.base.replacen("http://", "ws://", 1))
    }

    /// A fresh ticket for `token`'s user, then a socket with it.
    pub async fn connect(&self, token: &str) -> WsClient {
        let r = self.ws_ticket(token).await;
        r.assert_status(201);
        let ticket = r.body["ticket"].as_str().expect("ticket");
        self.connect_with(&format!("?ticket={ticket}"))
            .await
            .expect("connect")
    }

    /// Opens `/ws{query}`; `Err(status)` when the upgrade is refused.
    pub async fn connect_with(&self, query: &str) -> Result<WsClient, u16> {
        match tokio_tungstenite::connect_async(self.ws_url(query)).await {
            Ok((stream, _)) => Ok(WsClient { stream }),
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("websocket connect failed: {e}"),
        }
    }
}

pub struct WsClient {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl WsClient {
    pub async fn send_json(&mut self, value: Value) {
        self.send_text(&value.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::Text(text.to_owned().into()))
            .await
            .expect("send");
    }

    /// The next event (JSON), failing the test after EVENT_TIMEOUT.
    pub async fn recv(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(EVENT_TIMEOUT, self.stream.next())
                .await
                .expect("timed out waiting for an event")
                .expect("socket closed")
                .expect("socket error");
            match frame {
                Message::Text(t) => return serde_json::from_str(&t).expect("event is JSON"),
                Message::Close(c) => panic!("socket closed by the server: {c:?}"),
                _ => continue,
            }
        }
    }

    /// Skips events until one of type `ty` arrives; returns it.
    pub async fn recv_type(&mut self, ty: &str) -> Value {
        loop {
            let e = self.recv().await;
            if e["type"] == ty {
                return e;
            }
        }
    }

    /// Sends `ping` and returns every event that arrived before the `pong`. Frames of one
    /// connection are handled in order and pushes to it are queued in order, so an event
    /// caused by anything that finished earlier is in the returned list.
    pub async fn barrier(&mut self) -> Vec<Value> {
        self.send_json(serde_json::json!({"action": "ping"})).await;
        let mut before = Vec::new();
        loop {
            let e = self.recv().await;
            if e["type"] == "pong" {
                return before;
            }
            before.push(e);
        }
    }

    /// Waits for the server to close the socket; returns true when it did.
    pub async fn closed(&mut self) -> bool {
        loop {
            match tokio::time::timeout(EVENT_TIMEOUT, self.stream.next()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
        // Drain until the server's close arrives.
        while let Ok(Some(Ok(_))) =
            tokio::time::timeout(Duration::from_secs(2), self.stream.next()).await
        {}
    }
}
