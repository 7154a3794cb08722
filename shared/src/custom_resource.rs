//! The `migrate` function as a CloudFormation custom resource (`Custom::Migrations` in
//! infra/template.yaml): the deploy itself runs the migrations, and every other function
//! waits for them (`DependsOn`), so no new code meets an old schema. CloudFormation sends
//! `Create`/`Update`/`Delete` with a presigned `ResponseURL` and waits for the answer PUT
//! there: `SUCCESS`, or `FAILED` with a reason, which fails and rolls back the deploy.
//! `Delete` (the stack going away, or the old resource after a replacement) migrates nothing.

use serde::Deserialize;
use serde_json::{Value, json};

/// What CloudFormation sends; only the fields the answer needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    pub request_type: String,
    #[serde(rename = "ResponseURL")]
    pub response_url: String,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
    #[serde(default)]
    pub physical_resource_id: Option<String>,
}

impl Request {
    /// The event as a custom-resource request, if it is one (a plain invoke is not).
    pub fn from_event(event: &Value) -> Option<Self> {
        event.get("RequestType")?;
        serde_json::from_value(event.clone()).ok()
    }
}

/// The body PUT to the response URL. The physical id stays the same across updates, so
/// CloudFormation never sees a replacement (which would send a `Delete` for the old one).
pub fn answer(req: &Request, outcome: &Result<Vec<String>, String>) -> Value {
    let physical = req
        .physical_resource_id
        .clone()
        .unwrap_or_else(|| format!("{}-migrations", req.logical_resource_id));
    let (status, reason, data) = match outcome {
        Ok(applied) => (
            "SUCCESS",
            format!("{} migration(s) applied", applied.len()),
            json!({ "Applied": applied.join(",") }),
        ),
        // CloudFormation shows the reason in the stack's events; keep it short.
        Err(e) => ("FAILED", e.chars().take(400).collect(), json!({})),
    };
    json!({
        "Status": status,
        "Reason": reason,
        "PhysicalResourceId": physical,
        "StackId": req.stack_id,
        "RequestId": req.request_id,
        "LogicalResourceId": req.logical_resource_id,
        "Data": data,
    })
}

/// Handles one request: migrates unless it is a `Delete`, then answers CloudFormation. The
/// function itself only fails when the answer cannot be delivered (CloudFormation then waits
/// for its timeout).
pub async fn handle(req: &Request, database_url: &str) -> anyhow::Result<Value> {
    let outcome = if req.request_type == "Delete" {
        Ok(Vec::new())
    } else {
        crate::db::migrate(database_url)
            .await
            .map_err(|e| format!("{e:#}"))
    };
    match &outcome {
        Ok(applied) => {
            tracing::info!(request = %req.request_type, applied = ?applied, "migrations applied")
        }
        Err(e) => tracing::error!(request = %req.request_type, error = %e, "migrations failed"),
    }
    let body = answer(req, &outcome);
    respond(&req.response_url, &body).await?;
    Ok(body)
}

/// PUTs the answer to the presigned S3 URL (no content type: it is part of the signature).
async fn respond(url: &str, body: &Value) -> anyhow::Result<()> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(crate::db::tls_config()?)
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Full<bytes::Bytes>>(https);
    let request = http::Request::put(url).body(http_body_util::Full::new(bytes::Bytes::from(
        body.to_string(),
    )))?;
    let response =
        tokio::time::timeout(std::time::Duration::from_secs(20), client.request(request))
            .await
            .map_err(|_| {
                anyhow::anyhow!("CloudFormation's response URL did not answer in 20 s")
            })??;
    if !response.status().is_success() {
        anyhow::bail!(
            "CloudFormation's response URL answered {}",
            response.status()
        );
    }
    Ok(())
}
