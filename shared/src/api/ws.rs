//! The WebSocket routes: one handler per route key. Replies and pushes go through the
//! management API (inside the services); errors become an `error` event on the sending
//! connection (see the adapter).

use crate::adapter::ws::WsRequest;
use crate::contract::ErrorCode;
use crate::contract::ServerEvent;
use crate::contract::messages::SendMessage;
use crate::contract::realtime::{MarkReadAction, PingAction, SendMessageAction, TypingAction};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::messages::{self, Reader};
use crate::service::realtime;
use crate::service::sending::{self, NewMessage, Origin};

/// `$connect`: authenticates by the single-use `?ticket=`; anything else refuses the socket.
pub async fn connect(ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    realtime::connect(
        &ctx,
        &req.connection_id,
        req.query.get("ticket").map(String::as_str),
    )
    .await
}

/// `$disconnect`: forgets the connection; the user's last one announces them offline.
pub async fn disconnect(ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    realtime::disconnect(&ctx, &req.connection_id).await
}

/// `send_message`: the same send service as REST. The sending connection gets
/// `message_sent`; every other connection of every member gets `new_message`. A retried
/// `client_message_id` answers `message_sent` with the original and broadcasts nothing.
pub async fn send_message(ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    let action: SendMessageAction = req.json()?;
    let new = NewMessage::parse(SendMessage {
        client_message_id: action.client_message_id,
        body: action.body,
        attachment_ids: action.attachment_ids,
    })?;
    let origin = Origin::Connection(&req.connection_id);
    sending::send(&ctx, origin, action.chat_id, new).await?;
    Ok(())
}

/// `typing`: relayed to the other members' connections; nothing is stored.
pub async fn typing(ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    let action: TypingAction = req.json()?;
    realtime::typing(&ctx, &req.connection_id, action.chat_id, action.is_typing).await
}

/// `mark_read`: moves the read marker as the REST route does; the others get `read`.
pub async fn mark_read(ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    let action: MarkReadAction = req.json()?;
    let reader = Reader::Connection(&req.connection_id);
    messages::mark_read(&ctx, reader, action.chat_id, action.seq).await?;
    Ok(())
}

/// `ping`: `pong`, and the connection counts as active.
pub async fn ping(ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    realtime::user_of_connection(&ctx, &req.connection_id).await?;
    let _: PingAction = req.json()?;
    realtime::reply(&ctx, &req.connection_id, &ServerEvent::Pong).await;
    Ok(())
}

/// `$default`: frames that are not JSON or name no known action.
pub async fn default(_ctx: Ctx, req: WsRequest) -> Result<(), ApiError> {
    let value: serde_json::Value = req.json()?;
    let action = value.get("action").and_then(|a| a.as_str()).unwrap_or("");
    Err(ApiError::new(
        ErrorCode::UnknownAction,
        if action.is_empty() {
            "the frame has no `action`".to_owned()
        } else {
            format!("unknown action `{action}`")
        },
    ))
}

/// The scheduled `ws-sweeper` job: stale connections, expired tickets and refresh tokens,
/// full rate-limit buckets, audit events past their retention.
pub async fn sweep(ctx: Ctx) -> Result<serde_json::Value, ApiError> {
    let r = realtime::sweep(&ctx).await?;
    let buckets = crate::repo::limits::sweep(&ctx.db.get().await?).await?;
    let audit = crate::service::audit::sweep(&ctx, ctx.config.audit_retention).await?;
    Ok(serde_json::json!({
        "expired_connections": r.expired,
        "gone_connections": r.gone,
        "expired_tickets": r.tickets,
        "full_rate_limit_buckets": buckets,
        "expired_audit_events": audit,
        "expired_refresh_tokens": r.refresh_tokens,
    }))
}
