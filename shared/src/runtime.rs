//! Runners: what a function's `main` calls. Each sets up tracing, typed config, the pool and
//! the clients once per cold start, then hands every event to its adapter, and once the answer
//! is posted marks done the announcements the event finished (`service::outbox::flush`, in
//! `AfterAnswer`: between posting the answer and asking for the next event, so the caller does
//! not wait for it, and before Lambda may freeze the instance). A configuration error stops the
//! cold start with a message naming the variable.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayWebsocketProxyRequest};
use aws_lambda_events::sqs::SqsEvent;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use lambda_runtime::layers::TracingLayer;
use lambda_runtime::tower::{Layer, Service};
use lambda_runtime::{LambdaEvent, LambdaInvocation, Runtime, service_fn};

use crate::adapter::http::{self, HttpRoute};
use crate::adapter::sqs;
use crate::adapter::ws::{self, WsRoute};
use crate::config::{Config, Env, LogFormat};
use crate::ctx::Ctx;
use crate::routes::{Invoked, ScheduledJob, SqsWorker};
use crate::secrets;

pub type Error = lambda_runtime::Error;

/// One thread: a Lambda instance serves one event at a time on (a share of) one vCPU, so a
/// multi-threaded runtime only hands the event's tasks (the pushes, the database connection's)
/// between threads. On one thread the send's 10 pushes cost 0.87x the CPU (bench/coldstart,
/// docs/PERFORMANCE.md). Password hashing still leaves it (`spawn_blocking`).
fn block_on<F: std::future::Future<Output = Result<(), Error>>>(f: F) -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

/// Reads the secrets and the config, starts tracing and builds the context; the one cold-start
/// path.
pub async fn cold_start() -> Result<Ctx, Error> {
    let sdk = crate::ctx::sdk_config().await;
    let config = if secrets::wanted(&Env) {
        let src = secrets::resolve(&Env, &sdk)
            .await
            .inspect_err(|e| config_failed(&format!("{e:#}")))?;
        Config::from_source(&src).inspect_err(|e| config_failed(&e.to_string()))?
    } else {
        read_config()?
    };
    crate::telemetry::init(config.log_format);
    Ok(Ctx::from_config_with(config, &sdk)?)
}

/// The configuration from the environment alone; an invalid one is logged before failing.
pub fn read_config() -> Result<Config, Error> {
    Ok(Config::from_env().inspect_err(|e| config_failed(&e.to_string()))?)
}

fn config_failed(error: &str) {
    crate::telemetry::init(LogFormat::Json);
    tracing::error!(error, "invalid configuration");
}

/// Starts tracing and builds the context from a configuration.
pub async fn start(config: Config) -> Result<Ctx, Error> {
    crate::telemetry::init(config.log_format);
    Ok(Ctx::from_config(config).await?)
}

/// `lambda_runtime::run` with `AfterAnswer` for `ctx` inside its tracing layer (the flush logs
/// under the event's span).
async fn serve<F, A, R, B, S, D, E>(ctx: Ctx, handler: F) -> Result<(), Error>
where
    F: Service<LambdaEvent<A>, Response = R> + 'static,
    F::Future: Future<Output = Result<R, F::Error>> + 'static,
    F::Error: Into<lambda_runtime::Diagnostic> + std::fmt::Debug + 'static,
    A: for<'de> serde::Deserialize<'de> + 'static,
    R: lambda_runtime::IntoFunctionResponse<B, S> + 'static,
    B: serde::Serialize + 'static,
    S: futures::Stream<Item = Result<D, E>> + Unpin + Send + 'static,
    D: Into<bytes::Bytes> + Send + 'static,
    E: Into<Error> + Send + std::fmt::Debug + 'static,
{
    Runtime::new(handler)
        .layer(AfterAnswer(ctx))
        .layer(TracingLayer::new())
        .run()
        .await
}

/// Marks done the announcements an event finished (`service::outbox::flush`) once its answer
/// is posted: this layer wraps the Runtime API client, whose future ends when the answer is
/// sent, and the runtime asks for the next event only after it. So the caller does not wait
/// for the mark (a statement and its commit: the send's answer comes that much sooner), and
/// the mark is done before Lambda may freeze the instance, as it was when it came before the
/// answer.
#[derive(Clone)]
struct AfterAnswer(Ctx);

impl<S> Layer<S> for AfterAnswer {
    type Service = Answered<S>;

    fn layer(&self, inner: S) -> Answered<S> {
        Answered {
            inner,
            ctx: self.0.clone(),
        }
    }
}

struct Answered<S> {
    inner: S,
    ctx: Ctx,
}

impl<S> Service<LambdaInvocation> for Answered<S>
where
    S: Service<LambdaInvocation, Response = (), Error = Error>,
    S::Future: 'static,
{
    type Response = ();
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<(), Error>>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, invocation: LambdaInvocation) -> Self::Future {
        let answered = self.inner.call(invocation);
        let ctx = self.ctx.clone();
        Box::pin(async move {
            let result = answered.await;
            crate::service::outbox::flush(&ctx).await;
            result
        })
    }
}

/// Serves one REST route (API Gateway HTTP API, payload format 2.0).
pub fn run_http(route: HttpRoute) -> Result<(), Error> {
    block_on(async move {
        let ctx = cold_start().await?;
        serve(
            ctx.clone(),
            service_fn(move |event: LambdaEvent<ApiGatewayV2httpRequest>| {
                let ctx = ctx.clone();
                async move { Ok::<_, Error>(http::dispatch(&ctx, &route, event.payload).await) }
            }),
        )
        .await
    })
}

/// Serves one WebSocket route (API Gateway WebSocket API).
pub fn run_ws(route: WsRoute) -> Result<(), Error> {
    block_on(async move {
        let ctx = cold_start().await?;
        serve(
            ctx.clone(),
            service_fn(move |event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| {
                let ctx = ctx.clone();
                async move { Ok::<_, Error>(ws::dispatch(&ctx, &route, event.payload).await) }
            }),
        )
        .await
    })
}

/// Serves an SQS-triggered worker, reporting partial batch failures.
pub fn run_sqs(worker: SqsWorker) -> Result<(), Error> {
    block_on(async move {
        let ctx = cold_start().await?;
        serve(
            ctx.clone(),
            service_fn(move |event: LambdaEvent<SqsEvent>| {
                let ctx = ctx.clone();
                async move {
                    Ok::<_, Error>(
                        sqs::dispatch(&ctx, worker.function, worker.handler, event.payload).await,
                    )
                }
            }),
        )
        .await
    })
}

/// Serves a scheduled job (an EventBridge rule's event is ignored).
pub fn run_job(job: ScheduledJob) -> Result<(), Error> {
    block_on(async move {
        let ctx = cold_start().await?;
        serve(
            ctx.clone(),
            service_fn(move |_: LambdaEvent<serde_json::Value>| {
                let ctx = ctx.clone();
                async move {
                    (job.job)(ctx).await.map_err(|e| {
                        tracing::error!(function = job.function, error = %e.detail(), "job failed");
                        Error::from(e.to_string())
                    })
                }
            }),
        )
        .await
    })
}

/// The `migrate` function: applies pending migrations. Inside Lambda it answers each
/// invocation (run it once per deploy); anywhere else it runs once and exits, so the same
/// binary serves `make dev`, CI and operators.
pub fn run_migrate(function: Invoked) -> Result<(), Error> {
    block_on(async move {
        let url = migrate_database_url().await?;
        let in_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
        crate::telemetry::init(if in_lambda {
            LogFormat::Json
        } else {
            LogFormat::Pretty
        });
        if !in_lambda {
            let applied = crate::db::migrate(&url).await?;
            tracing::info!(function = function.function, applied = ?applied, "migrations applied");
            return Ok(());
        }
        lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
            let url = url.clone();
            async move {
                // The deploy's custom resource (infra/template.yaml); else a plain invoke.
                if let Some(req) = crate::custom_resource::Request::from_event(&event.payload) {
                    return Ok(crate::custom_resource::handle(&req, &url).await?);
                }
                let applied = crate::db::migrate(&url).await?;
                tracing::info!(function = function.function, applied = ?applied, "migrations applied");
                Ok::<_, Error>(serde_json::json!({ "applied": applied }))
            }
        }))
        .await
    })
}

/// The migrate function's database: `DATABASE_URL`, or the secret `DATABASE_SECRET_ID` names,
/// with `DATABASE_SSLMODE` over the URL's own `sslmode` (the last one given wins).
async fn migrate_database_url() -> Result<String, Error> {
    let sdk = crate::ctx::sdk_config().await;
    let src = secrets::resolve(&Env, &sdk).await?;
    let url = crate::config::Source::get(&src, "DATABASE_URL").ok_or(
        "environment variable DATABASE_URL (or DATABASE_SECRET_ID) is required but not set",
    )?;
    use tokio_postgres::config::SslMode;
    let mode = match crate::config::ssl_mode(&Env)? {
        None => return Ok(url),
        Some(SslMode::Disable) => "disable",
        Some(SslMode::Require) => "require",
        Some(_) => "prefer",
    };
    let glue = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{glue}sslmode={mode}"))
}
