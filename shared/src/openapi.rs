//! The OpenAPI document of the REST API, generated from the Rust types and handlers. The
//! checked-in `docs/openapi.json` is compared with it by a test.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

#[derive(OpenApi)]
#[openapi(
    info(title = "Messenger API", description = "REST API of the messenger. Errors are `{\"error\": \"<code>\", \"message\": \"...\"}`."),
    paths(
        api::health::health_endpoint,
        api::auth::register_endpoint,
        api::auth::login_endpoint,
        api::auth::refresh_endpoint,
        api::auth::logout_endpoint,
        api::auth::logout_all_endpoint,
        api::auth::verify_email_endpoint,
        api::auth::resend_verification_endpoint,
        api::auth::password_reset_endpoint,
        api::auth::password_reset_confirm_endpoint,
        api::users::me_endpoint,
        api::users::update_me_endpoint,
        api::users::delete_me_endpoint,
        api::users::change_password_endpoint,
        api::users::get_user_endpoint,
        api::users::search_endpoint,
        api::blocks::block_endpoint,
        api::blocks::unblock_endpoint,
        api::blocks::list_endpoint,
        api::ws_ticket::issue_endpoint,
        api::chats::create_endpoint,
        api::chats::list_endpoint,
        api::chats::get_endpoint,
        api::chats::members_endpoint,
        api::chats::add_member_endpoint,
        api::chats::remove_member_endpoint,
        api::chats::answer_request_endpoint,
        api::messages::history_endpoint,
        api::messages::send_endpoint,
        api::messages::edit_endpoint,
        api::messages::delete_endpoint,
        api::messages::mark_read_endpoint,
        api::attachments::create_endpoint,
        api::attachments::complete_endpoint,
        api::attachments::get_endpoint,
        api::notifications::unsubscribe_endpoint,
        api::notifications::unsubscribe_one_click_endpoint,
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as pretty JSON with a trailing newline, exactly as checked in.
pub fn json() -> anyhow::Result<String> {
    let mut s = ApiDoc::openapi().to_pretty_json()?;
    s.push('\n');
    Ok(s)
}

/// The WebSocket contract as JSON schemas: the actions clients send and the events the
/// server pushes (`docs/websocket.json`; prose in `docs/WEBSOCKET.md`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Messenger WebSocket contract",
        description = "Connect to `/ws?ticket=<POST /api/ws/ticket>`. Client frames are JSON objects routed on `action`; server frames are JSON objects tagged by `type`."
    ),
    components(schemas(
        crate::contract::realtime::SendMessageAction,
        crate::contract::realtime::TypingAction,
        crate::contract::realtime::MarkReadAction,
        crate::contract::realtime::PingAction,
        crate::contract::realtime::ServerEvent,
    ))
)]
pub struct WsDoc;

pub fn websocket_json() -> anyhow::Result<String> {
    let mut s = WsDoc::openapi().to_pretty_json()?;
    s.push('\n');
    Ok(s)
}
