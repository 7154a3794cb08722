//! Who runs a function for the gateway: the handlers inside this process (the default), or the
//! real function binaries, each in its own process behind the Lambda Runtime API
//! (`FUNCTIONS=binaries`, see [`crate::runtime_api`]). The gateway builds the same events
//! either way; this is the one place that decides where they go.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use aws_lambda_events::apigw::{
    ApiGatewayProxyResponse, ApiGatewayV2httpRequest, ApiGatewayV2httpResponse,
    ApiGatewayWebsocketProxyRequest,
};
use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Ctx;
use shared::adapter::http::HttpRoute;
use shared::adapter::ws::WsRoute;
use shared::routes::{ScheduledJob, SqsWorker};

use crate::runtime_api::{Binaries, InvokeError, Settings};

#[derive(Clone, Default)]
pub enum Functions {
    /// The handlers, called in this process (what `make dev` and the tests do by default).
    #[default]
    InProcess,
    /// The function binaries, through the Runtime API.
    Binaries(Arc<Binaries>),
}

impl Functions {
    /// From `FUNCTIONS` (`in-process`, the default, or `binaries`), `FUNCTIONS_DIR` (the built
    /// binaries; by default the gateway's own folder, so `target/debug/local-gateway` runs
    /// `target/debug/<function>`), `FUNCTION_INSTANCES` (processes per function, 4) and
    /// `FUNCTION_TIMEOUT_SECS` (30). In binaries mode every function must be built.
    pub fn from_env() -> anyhow::Result<Self> {
        let mode = std::env::var("FUNCTIONS").unwrap_or_default();
        match mode.as_str() {
            "" | "in-process" => Ok(Self::InProcess),
            "binaries" => {
                let dir = match std::env::var_os("FUNCTIONS_DIR") {
                    Some(dir) => std::path::PathBuf::from(dir),
                    None => std::env::current_exe()
                        .context("finding the gateway's own folder")?
                        .parent()
                        .map(std::path::Path::to_path_buf)
                        .context("the gateway's executable has no folder")?,
                };
                tracing::info!(dir = %dir.display(), "FUNCTIONS=binaries: every function runs as its own process");
                let mut settings = Settings::new(dir);
                if let Ok(n) = std::env::var("FUNCTION_INSTANCES") {
                    settings.max_instances =
                        n.parse().context("FUNCTION_INSTANCES must be a number")?;
                }
                if let Ok(n) = std::env::var("FUNCTION_TIMEOUT_SECS") {
                    let secs: u64 = n
                        .parse()
                        .context("FUNCTION_TIMEOUT_SECS must be a number")?;
                    settings.timeout = Duration::from_secs(secs);
                }
                let binaries = Binaries::new(settings);
                let missing = binaries.missing(all_functions());
                if !missing.is_empty() {
                    anyhow::bail!(
                        "FUNCTIONS=binaries, but {} has no binary for {} (build them: cargo build --workspace --bins)",
                        binaries.settings().dir.display(),
                        missing.join(", ")
                    );
                }
                Ok(Self::Binaries(binaries))
            }
            other => anyhow::bail!("FUNCTIONS must be `in-process` or `binaries`, not `{other}`"),
        }
    }

    /// Stops the function processes (the gateway's shutdown).
    pub fn shutdown(&self) {
        if let Self::Binaries(b) = self {
            b.stop_all();
        }
    }

    /// A REST route's answer; a function that fails answers as API Gateway does (500).
    pub async fn http(
        &self,
        ctx: &Ctx,
        route: &HttpRoute,
        event: ApiGatewayV2httpRequest,
    ) -> ApiGatewayV2httpResponse {
        match self {
            Self::InProcess => shared::adapter::http::dispatch(ctx, route, event).await,
            Self::Binaries(b) => match invoke(b, route.function, &event).await {
                Ok(response) => response,
                Err(_) => {
                    let mut out = ApiGatewayV2httpResponse::default();
                    out.status_code = 500;
                    out.headers.insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    );
                    out.body = Some(r#"{"message":"Internal Server Error"}"#.into());
                    out
                }
            },
        }
    }

    /// A WebSocket route's answer (its status decides `$connect`).
    pub async fn ws(
        &self,
        ctx: &Ctx,
        route: &WsRoute,
        event: ApiGatewayWebsocketProxyRequest,
    ) -> ApiGatewayProxyResponse {
        match self {
            Self::InProcess => shared::adapter::ws::dispatch(ctx, route, event).await,
            Self::Binaries(b) => invoke(b, route.function, &event).await.unwrap_or_else(|_| {
                let mut out = ApiGatewayProxyResponse::default();
                out.status_code = 500;
                out
            }),
        }
    }

    /// A worker's answer to a batch; a failed invocation fails every record (they come back).
    pub async fn sqs(&self, ctx: &Ctx, worker: &SqsWorker, event: SqsEvent) -> SqsBatchResponse {
        match self {
            Self::InProcess => {
                shared::adapter::sqs::dispatch(ctx, worker.function, worker.handler, event).await
            }
            Self::Binaries(b) => {
                let ids: Vec<String> = event
                    .records
                    .iter()
                    .filter_map(|r| r.message_id.clone())
                    .collect();
                invoke(b, worker.function, &event)
                    .await
                    .unwrap_or_else(|_| {
                        let mut out = SqsBatchResponse::default();
                        out.batch_item_failures = ids
                            .into_iter()
                            .map(|id| {
                                let mut f = BatchItemFailure::default();
                                f.item_identifier = id;
                                f
                            })
                            .collect();
                        out
                    })
            }
        }
    }

    /// One run of a scheduled function (its EventBridge rule's tick).
    pub async fn run_scheduled(&self, ctx: &Ctx, job: &ScheduledJob) {
        match self {
            Self::InProcess => {
                if let Err(e) = (job.job)(ctx.clone()).await {
                    tracing::warn!(function = job.function, error = %e.detail(), "scheduled job failed");
                }
            }
            Self::Binaries(b) => {
                let event = scheduled_event(job.function);
                let _ = invoke::<serde_json::Value>(b, job.function, &event).await;
            }
        }
    }
}

/// Every function the gateway may invoke: all of the route table's but the invoked ones.
pub fn all_functions() -> impl Iterator<Item = &'static str> {
    shared::routes::functions()
        .into_iter()
        .filter(|(_, trigger, _)| *trigger != shared::routes::Trigger::Invoked)
        .map(|(function, _, _)| function)
}

/// The event an EventBridge schedule sends.
pub fn scheduled_event(function: &str) -> serde_json::Value {
    serde_json::json!({
        "version": "0",
        "id": uuid::Uuid::new_v4().to_string(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "region": "us-east-1",
        "resources": [format!("arn:aws:events:us-east-1:000000000000:rule/{function}")],
        "detail": {},
    })
}

async fn invoke<T: DeserializeOwned>(
    binaries: &Binaries,
    function: &str,
    event: &impl Serialize,
) -> Result<T, InvokeError> {
    let result = match serde_json::to_vec(event) {
        Ok(bytes) => binaries.invoke(function, bytes).await.and_then(|body| {
            serde_json::from_slice(&body).map_err(|e| InvokeError::Function {
                function: function.to_owned(),
                body: format!("an answer that is not the expected JSON: {e}"),
            })
        }),
        Err(e) => Err(InvokeError::Function {
            function: function.to_owned(),
            body: format!("the event could not be serialised: {e}"),
        }),
    };
    if let Err(e) = &result {
        tracing::error!(function, error = %e, "invocation failed");
    }
    result
}
