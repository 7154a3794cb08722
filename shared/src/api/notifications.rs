//! E-mail notifications: the e-mail worker (SQS) and `/api/notifications/unsubscribe`, the
//! link and the one-click `List-Unsubscribe-Post` target of every notification mail.

use anyhow::Context as _;
use askama::Template;
use aws_lambda_events::sqs::SqsMessage;
use http::StatusCode;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::adapter::sqs::SqsFuture;
use crate::contract::notifications::UnsubscribeParams;
use crate::contract::{ErrorBody, ErrorCode};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::notifications::{self, Job};
use crate::service::users;

/// The e-mail worker: one job from the e-mail queue (`service::notifications::deliver`). A job
/// that does not parse fails, so it ends in the dead-letter queue for someone to look at.
pub fn email_worker(ctx: Ctx, record: SqsMessage) -> SqsFuture {
    Box::pin(async move {
        let job: Job = serde_json::from_str(record.body.as_deref().unwrap_or_default())
            .context("the e-mail job is not valid JSON")?;
        let delivery = notifications::deliver(&ctx, &job).await?;
        tracing::info!(user_id = %job.user_id.0, chat_id = %job.chat_id.0, seq = job.seq, delivery = ?delivery, "e-mail job done");
        Ok(())
    })
}

/// The e-mail events worker: one SES sending event (`service::notifications::events`).
pub fn email_events(ctx: Ctx, record: SqsMessage) -> SqsFuture {
    Box::pin(async move {
        let body = record.body.as_deref().unwrap_or_default();
        let seen = notifications::events::handle(&ctx, body).await?;
        tracing::debug!(seen = ?seen, "SES event done");
        Ok(())
    })
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct Page<'a> {
    title: &'a str,
    message: &'a str,
    code: Option<&'a str>,
    app_url: &'a str,
    /// On the link's page: where the confirming form posts (the same link).
    confirm: Option<&'a str>,
}

/// The link's page (`act` false: a GET, as mail scanners and link previews make) checks the
/// token and asks to confirm with a button; only the POST (`act`: that button, or a mail
/// client's RFC 8058 one-click) turns notifications off. A bad token gets a page too (with its
/// status and stable code), since a person clicked a link to get here.
async fn unsubscribe_page(
    ctx: &Ctx,
    req: &HttpRequest,
    act: bool,
) -> Result<HttpResponse, ApiError> {
    let params = req.query::<UnsubscribeParams>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidUnsubscribeToken,
            "this unsubscribe link is incomplete",
        )
    });
    let result = match &params {
        Ok(params) if act => users::unsubscribe(ctx, &params.token).await.map(Some),
        Ok(params) => crate::auth::unsubscribe::verify(&ctx.config, &params.token).map(|_| None),
        Err(e) => Err(ApiError::new(e.code(), e.to_string())),
    };
    let action = match &params {
        Ok(p) => format!(
            "/api/notifications/unsubscribe?token={}",
            form_urlencoded::byte_serialize(p.token.as_bytes()).collect::<String>()
        ),
        Err(_) => String::new(),
    };
    let (status, page) = match result {
        Ok(None) => (
            StatusCode::OK,
            Page {
                title: "Turn off e-mail notifications?",
                message: "You will no longer get e-mails about messages you missed. You can \
                          turn them back on in Messenger under Profile and settings.",
                code: None,
                app_url: &ctx.config.app_url,
                confirm: Some(&action),
            },
        ),
        Ok(Some(user)) => {
            tracing::info!(user_id = %user.0, "e-mail notifications turned off by link");
            (
                StatusCode::OK,
                Page {
                    title: "E-mail notifications are off",
                    message: "You will no longer get e-mails about messages you missed. You \
                              can turn them back on in Messenger under Profile and settings.",
                    code: None,
                    app_url: &ctx.config.app_url,
                    confirm: None,
                },
            )
        }
        Err(err) if err.is_server_error() => return Err(err),
        Err(err) => {
            tracing::info!(code = %err.code(), "unsubscribe refused");
            (
                err.status(),
                Page {
                    title: "This link does not work",
                    message: "It may have been cut short or changed. You can turn e-mail \
                              notifications off in Messenger under Profile and settings.",
                    code: Some(err.code().as_str()),
                    app_url: &ctx.config.app_url,
                    confirm: None,
                },
            )
        }
    };
    let html = page.render().map_err(|e| ApiError::Internal(e.into()))?;
    Ok(HttpResponse::html(status, html))
}

#[utoipa::path(get, path = "/api/notifications/unsubscribe", tag = "notifications",
    params(UnsubscribeParams),
    responses((status = 200, description = "the token is valid: a page whose button (a POST) turns notifications off; nothing changes yet", content_type = "text/html", body = String),
              (status = 400, description = "`invalid_unsubscribe_token` (an HTML page naming the code)", content_type = "text/html", body = String),
              (status = 500, body = ErrorBody)))]
pub async fn unsubscribe_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    unsubscribe_page(&ctx, &req, false).await
}

/// RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the
/// link of the `List-Unsubscribe` header. The body is ignored; the token decides.
#[utoipa::path(post, path = "/api/notifications/unsubscribe", tag = "notifications",
    params(UnsubscribeParams),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`List-Unsubscribe=One-Click`"),
    responses((status = 200, description = "notifications are off", content_type = "text/html", body = String),
              (status = 400, description = "`invalid_unsubscribe_token`", content_type = "text/html", body = String),
              (status = 500, body = ErrorBody)))]
pub async fn unsubscribe_one_click_endpoint(
    ctx: Ctx,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    unsubscribe_page(&ctx, &req, true).await
}
