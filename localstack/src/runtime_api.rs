//! The Lambda Runtime API, played locally, so the real function binaries can serve the gateway
//! (`FUNCTIONS=binaries`), the tests and the cold-start benchmark. Each instance of a function
//! is its own process (`target/debug/<function>`, or any folder of built binaries) with its own
//! Runtime API listener on a free loopback port, named by `AWS_LAMBDA_RUNTIME_API` as Lambda
//! does. An instance serves one invocation at a time; a function scales out to at most
//! `max_instances` processes, and an invocation that finds them all busy waits for one, as
//! Lambda would throttle at the function's reserved concurrency.
//!
//! The endpoints are those of the 2018-06-01 Runtime API: `GET invocation/next` (long poll;
//! the event with its `Lambda-Runtime-*` headers), `POST invocation/{id}/response`,
//! `POST invocation/{id}/error` and `POST init/error`. A process that exits, or an invocation
//! past the function's timeout, fails its invocation (the instance is dropped and a new one
//! starts on the next event), as a crashed or timed-out Lambda instance does. When the
//! emulator goes away its listeners close, and the runtimes exit on their next poll.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::process::{Child, Command};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Where the binaries are and how they run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The folder holding one executable per function, named as the function.
    pub dir: PathBuf,
    /// Variables every instance gets on top of the inherited environment.
    pub env: Vec<(String, String)>,
    /// Processes per function at most.
    pub max_instances: usize,
    /// An invocation that has not answered by then fails (Lambda's function timeout).
    pub timeout: Duration,
    /// Discard the functions' output instead of passing it through (the benchmark).
    pub quiet: bool,
}

impl Settings {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            env: Vec::new(),
            max_instances: 4,
            timeout: Duration::from_secs(30),
            quiet: false,
        }
    }
}

/// Why an invocation has no response.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("function {0} has no binary at {1}")]
    Missing(String, PathBuf),
    #[error("function {function} could not start: {reason}")]
    Spawn { function: String, reason: String },
    /// The runtime reported an error (`invocation/{id}/error` or `init/error`).
    #[error("function {function} failed: {body}")]
    Function { function: String, body: String },
    #[error("function {function} exited during the invocation ({status})")]
    Exited { function: String, status: String },
    #[error("function {function} timed out after {timeout:?}")]
    Timeout { function: String, timeout: Duration },
}

/// What one invocation took, as the benchmark reports it.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Spawning the process until its first `invocation/next` (cold starts only).
    pub init: Option<Duration>,
    /// The event handed over until the response arrived.
    pub invoke: Duration,
}

/// Runs function binaries behind Runtime API listeners of its own.
pub struct Binaries {
    settings: Settings,
    functions: Mutex<HashMap<String, Arc<Function>>>,
}

impl Binaries {
    pub fn new(settings: Settings) -> Arc<Self> {
        Arc::new(Self {
            settings,
            functions: Mutex::new(HashMap::new()),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The functions of `names` that have no executable in the folder.
    pub fn missing<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        names
            .into_iter()
            .filter(|n| !self.settings.dir.join(n).is_file())
            .collect()
    }

    /// Invokes `function` with `event` (JSON) and returns its response body.
    pub async fn invoke(&self, function: &str, event: Vec<u8>) -> Result<Vec<u8>, InvokeError> {
        self.invoke_timed(function, event)
            .await
            .map(|(body, _)| body)
    }

    /// As `invoke`, also saying how long the cold start and the invocation took.
    pub async fn invoke_timed(
        &self,
        function: &str,
        event: Vec<u8>,
    ) -> Result<(Vec<u8>, Timing), InvokeError> {
        let f = {
            let mut functions = lock(&self.functions);
            functions
                .entry(function.to_owned())
                .or_insert_with(|| {
                    Arc::new(Function {
                        name: function.to_owned(),
                        slots: Semaphore::new(self.settings.max_instances.max(1)),
                        idle: Mutex::new(Vec::new()),
                    })
                })
                .clone()
        };
        f.invoke(&self.settings, event).await
    }

    /// The process ids of the running instances of `function` (for the benchmark's RSS).
    pub fn pids(&self, function: &str) -> Vec<u32> {
        let f = lock(&self.functions).get(function).cloned();
        f.map(|f| lock(&f.idle).iter().filter_map(|i| i.child.id()).collect())
            .unwrap_or_default()
    }

    /// Stops every idle instance (the next invocation of each function is cold).
    pub fn stop_all(&self) {
        for f in lock(&self.functions).values() {
            lock(&f.idle).clear();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

struct Function {
    name: String,
    /// One permit per instance that may exist: running or idle.
    slots: Semaphore,
    idle: Mutex<Vec<Instance>>,
}

impl Function {
    async fn invoke(
        &self,
        settings: &Settings,
        event: Vec<u8>,
    ) -> Result<(Vec<u8>, Timing), InvokeError> {
        let _slot = self.slots.acquire().await.map_err(|_| InvokeError::Spawn {
            function: self.name.clone(),
            reason: "shutting down".into(),
        })?;
        let idle = lock(&self.idle).pop();
        let (mut instance, mut init) = match idle {
            Some(instance) => (instance, None),
            None => {
                let started = Instant::now();
                (Instance::spawn(&self.name, settings).await?, Some(started))
            }
        };
        let result = instance
            .invoke(&self.name, event, settings.timeout, &mut init)
            .await;
        if result.as_ref().is_ok_and(|(_, healthy)| *healthy) {
            lock(&self.idle).push(instance);
        }
        result.map(|(outcome, _)| outcome)
    }
}

/// One handed-over invocation, waiting for the runtime's answer.
struct Pending {
    id: String,
    event: Vec<u8>,
    deadline_ms: u128,
    function_arn: String,
    reply: Reply,
}

/// Where an invocation's answer goes, with how long the runtime held the event
/// (`Timing::invoke`: from handing it over at `next` to the answer, not counting any wait for the
/// instance to ask for it).
type Reply = oneshot::Sender<(Answer, Duration)>;

enum Answer {
    Response(Vec<u8>),
    Error(String),
}

struct RuntimeState {
    /// Events for this instance; `next` takes them one by one.
    events: tokio::sync::Mutex<mpsc::Receiver<Pending>>,
    /// The invocation the runtime holds: its id and where its answer goes.
    current: Mutex<Option<(String, Instant, Reply)>>,
    /// Signalled at the first `next`: the runtime is ready (its init is done).
    ready: Mutex<Option<oneshot::Sender<Instant>>>,
    /// An `init/error` report, failing the cold start.
    init_error: Mutex<Option<oneshot::Sender<String>>>,
}

struct Instance {
    child: Child,
    events: mpsc::Sender<Pending>,
    ready: Option<oneshot::Receiver<Instant>>,
    init_error: Option<oneshot::Receiver<String>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        // Killed first, so the runtime does not see its listener go and report an error.
        let _ = self.child.start_kill();
        self.server.abort();
    }
}

impl Instance {
    async fn spawn(function: &str, settings: &Settings) -> Result<Self, InvokeError> {
        let binary = settings.dir.join(function);
        if !binary.is_file() {
            return Err(InvokeError::Missing(function.to_owned(), binary));
        }
        let spawn_err = |reason: String| InvokeError::Spawn {
            function: function.to_owned(),
            reason,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| spawn_err(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| spawn_err(e.to_string()))?;
        let (events_tx, events_rx) = mpsc::channel(1);
        let (ready_tx, ready_rx) = oneshot::channel();
        let (init_tx, init_rx) = oneshot::channel();
        let state = Arc::new(RuntimeState {
            events: tokio::sync::Mutex::new(events_rx),
            current: Mutex::new(None),
            ready: Mutex::new(Some(ready_tx)),
            init_error: Mutex::new(Some(init_tx)),
        });
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router(state)).await;
        });
        let child = command(&binary, function, &addr.to_string(), settings)
            .spawn()
            .map_err(|e| spawn_err(format!("{}: {e}", binary.display())))?;
        Ok(Self {
            child,
            events: events_tx,
            ready: Some(ready_rx),
            init_error: Some(init_rx),
            server,
        })
    }

    /// Hands `event` to the runtime and waits for its answer. The flag says whether the
    /// instance may serve again.
    async fn invoke(
        &mut self,
        function: &str,
        event: Vec<u8>,
        timeout: Duration,
        cold: &mut Option<Instant>,
    ) -> Result<((Vec<u8>, Timing), bool), InvokeError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut init = None;
        if let (Some(ready), Some(started)) = (self.ready.take(), cold.take()) {
            let init_error = self.init_error.take();
            let init_failed = async move {
                match init_error {
                    Some(rx) => rx.await.ok(),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                at = ready => {
                    init = at.ok().map(|at| at.duration_since(started));
                }
                Some(body) = init_failed => {
                    return Err(InvokeError::Function { function: function.to_owned(), body });
                }
                status = self.child.wait() => {
                    return Err(exited(function, status));
                }
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(InvokeError::Timeout { function: function.to_owned(), timeout });
                }
            }
        }
        let (reply_tx, reply_rx) = oneshot::channel();
        let deadline_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| (d + timeout).as_millis())
            .unwrap_or_default();
        let pending = Pending {
            id: uuid::Uuid::new_v4().to_string(),
            event,
            deadline_ms,
            function_arn: format!("arn:aws:lambda:us-east-1:000000000000:function:{function}"),
            reply: reply_tx,
        };
        if self.events.send(pending).await.is_err() {
            return Err(InvokeError::Exited {
                function: function.to_owned(),
                status: "its Runtime API listener stopped".into(),
            });
        }
        tokio::select! {
            answer = reply_rx => {
                match answer {
                    Ok((Answer::Response(body), invoke)) => Ok(((body, Timing { init, invoke }), true)),
                    // Lambda keeps an instance whose handler returned an error.
                    Ok((Answer::Error(body), _)) => Err(InvokeError::Function { function: function.to_owned(), body }),
                    Err(_) => Err(InvokeError::Exited { function: function.to_owned(), status: "no answer".into() }),
                }
            }
            status = self.child.wait() => Err(exited(function, status)),
            _ = tokio::time::sleep_until(deadline) => {
                Err(InvokeError::Timeout { function: function.to_owned(), timeout })
            }
        }
    }
}

fn exited(function: &str, status: std::io::Result<std::process::ExitStatus>) -> InvokeError {
    InvokeError::Exited {
        function: function.to_owned(),
        status: match status {
            Ok(s) => s.to_string(),
            Err(e) => e.to_string(),
        },
    }
}

fn command(binary: &Path, function: &str, runtime_api: &str, settings: &Settings) -> Command {
    let mut cmd = Command::new(binary);
    cmd.env("AWS_LAMBDA_RUNTIME_API", runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", function)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env(
            "AWS_LAMBDA_LOG_GROUP_NAME",
            format!("/aws/lambda/{function}"),
        )
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        // One invocation at a time per instance needs no more (as in Lambda).
        .env("DB_POOL_SIZE", "2")
        .envs(settings.env.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    if settings.quiet {
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
    }
    cmd
}

const BASE: &str = "/2018-06-01/runtime";

fn router(state: Arc<RuntimeState>) -> Router {
    Router::new()
        .route(&format!("{BASE}/invocation/next"), get(next))
        .route(
            &format!("{BASE}/invocation/{{id}}/response"),
            post(response),
        )
        .route(&format!("{BASE}/invocation/{{id}}/error"), post(error))
        .route(&format!("{BASE}/init/error"), post(init_error))
        .with_state(state)
}

async fn next(State(state): State<Arc<RuntimeState>>) -> Response {
    if let Some(ready) = lock(&state.ready).take() {
        let _ = ready.send(Instant::now());
    }
    let pending = state.events.lock().await.recv().await;
    let Some(p) = pending else {
        return StatusCode::GONE.into_response();
    };
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set("lambda-runtime-aws-request-id", &p.id);
    set("lambda-runtime-deadline-ms", &p.deadline_ms.to_string());
    set("lambda-runtime-invoked-function-arn", &p.function_arn);
    set("lambda-runtime-trace-id", &format!("Root=1-{}", p.id));
    set("content-type", "application/json");
    *lock(&state.current) = Some((p.id, Instant::now(), p.reply));
    (StatusCode::OK, headers, p.event).into_response()
}

fn answer(state: &RuntimeState, id: &str, answer: Answer) -> Response {
    let mut current = lock(&state.current);
    match current.take() {
        Some((held, handed_over, reply)) if held == id => {
            let _ = reply.send((answer, handed_over.elapsed()));
            StatusCode::ACCEPTED.into_response()
        }
        other => {
            *current = other;
            (StatusCode::BAD_REQUEST, "unknown request id").into_response()
        }
    }
}

async fn response(
    State(state): State<Arc<RuntimeState>>,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    answer(&state, &id, Answer::Response(body.to_vec()))
}

async fn error(
    State(state): State<Arc<RuntimeState>>,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    answer(
        &state,
        &id,
        Answer::Error(String::from_utf8_lossy(&body).into_owned()),
    )
}

async fn init_error(State(state): State<Arc<RuntimeState>>, body: Bytes) -> Response {
    if let Some(tx) = lock(&state.init_error).take() {
        let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
    }
    StatusCode::ACCEPTED.into_response()
}
