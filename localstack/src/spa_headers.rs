//! The security headers of the SPA, as the CloudFront response-headers policy sets them in AWS
//! (`SpaSecurityHeaders` in infra/template.yaml; docs/SECURITY.md, "Headers"): scripts and
//! styles from this origin only, no framing, no MIME sniffing, no full referrer to others.
//! Locally the API is this origin too; presigned attachment URLs point at the AWS emulator.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// The Content-Security-Policy for an SPA served here, whose presigned URLs point at
/// `storage_origin` (the emulator; `None` without one).
pub fn content_security_policy(app_url: &str, storage_origin: Option<&str>) -> String {
    let storage = storage_origin.unwrap_or_default();
    let ws = app_url
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; \
         manifest-src 'self'; img-src 'self' data: blob: {storage}; \
         connect-src 'self' {ws} {storage}; frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    )
}

/// Adds the headers to one SPA response (HSTS only over HTTPS: the gateway serves plain HTTP
/// on 127.0.0.1, so it sets none).
pub fn apply(mut response: Response, csp: &HeaderValue) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}
