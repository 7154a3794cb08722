//! API Gateway HTTP API emulation: request -> payload format 2.0 event -> the route's function.

use std::collections::HashMap;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use base64::Engine as _;
use http::HeaderMap;
use serde_json::{Map, Value, json};
use shared::Ctx;
use shared::adapter::http::HttpRoute;

use crate::functions::Functions;

/// One incoming HTTP request, transport-independent.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub source_ip: String,
}

/// Builds the event exactly as API Gateway serialises it (JSON, camelCase, lower-cased
/// headers, text bodies as-is and others base64) and deserialises it with the same types the
/// Lambda runtime uses, so a field the runtime would not see is not seen here either.
pub fn event_for(
    req: &Incoming,
    route: &HttpRoute,
    path_params: &HashMap<String, String>,
    request_id: &str,
) -> anyhow::Result<ApiGatewayV2httpRequest> {
    let mut headers = Map::new();
    for (name, value) in &req.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        // API Gateway joins repeated headers with commas.
        join_value(&mut headers, name.as_str(), &value);
    }
    let mut query = Map::new();
    for (k, v) in form_urlencoded::parse(req.raw_query.as_bytes()) {
        join_value(&mut query, &k, &v);
    }
    let is_text = is_text_body(&req.headers);
    let body = if req.body.is_empty() {
        Value::Null
    } else if is_text {
        match std::str::from_utf8(&req.body) {
            Ok(s) => Value::String(s.to_owned()),
            Err(_) => Value::String(base64::engine::general_purpose::STANDARD.encode(&req.body)),
        }
    } else {
        Value::String(base64::engine::general_purpose::STANDARD.encode(&req.body))
    };
    let is_base64 = !req.body.is_empty() && (!is_text || std::str::from_utf8(&req.body).is_err());
    let now = chrono::Utc::now();
    let event = json!({
        "version": "2.0",
        "routeKey": route.route_key(),
        "rawPath": req.path,
        "rawQueryString": req.raw_query,
        "headers": headers,
        "queryStringParameters": if query.is_empty() { Value::Null } else { Value::Object(query) },
        "pathParameters": if path_params.is_empty() { Value::Null } else { json!(path_params) },
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": req.headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": req.method,
                "path": req.path,
                "protocol": "HTTP/1.1",
                "sourceIp": req.source_ip,
                "userAgent": req.headers.get("user-agent").and_then(|h| h.to_str().ok()).unwrap_or(""),
            },
            "requestId": request_id,
            "routeKey": route.route_key(),
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "timeEpoch": now.timestamp_millis(),
        },
        "body": body,
        "isBase64Encoded": is_base64,
    });
    Ok(serde_json::from_value(event)?)
}

/// Adds `value` under `key`, joining repeated keys with commas as API Gateway's payload 2.0
/// does for headers and query parameters.
fn join_value(map: &mut Map<String, Value>, key: &str, value: &str) {
    match map.get_mut(key) {
        Some(Value::String(existing)) => {
            existing.push(',');
            existing.push_str(value);
        }
        _ => {
            map.insert(key.to_owned(), Value::String(value.to_owned()));
        }
    }
}

fn is_text_body(headers: &HeaderMap) -> bool {
    let ct = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ct.is_empty()
        || ct.starts_with("text/")
        || ct.contains("json")
        || ct.contains("xml")
        || ct.starts_with("application/x-www-form-urlencoded")
}

/// Routes one request through the route table and the function's dispatch, in this process.
pub async fn invoke(ctx: &Ctx, req: &Incoming) -> ApiGatewayV2httpResponse {
    invoke_with(ctx, &Functions::InProcess, req).await
}

/// Routes one request through the route table to the function, wherever `functions` runs it.
pub async fn invoke_with(
    ctx: &Ctx,
    functions: &Functions,
    req: &Incoming,
) -> ApiGatewayV2httpResponse {
    let (route, params) = shared::routes::match_http(&req.method, &req.path);
    let request_id = uuid::Uuid::new_v4().to_string();
    match event_for(req, &route, &params, &request_id) {
        Ok(event) => functions.http(ctx, &route, event).await,
        Err(e) => {
            tracing::error!(error = %e, "could not build the API Gateway event");
            let err = shared::ApiError::Internal(e);
            shared::adapter::http::HttpResponse::from_error(&err).into_event()
        }
    }
}
