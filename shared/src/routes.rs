//! The route table: which function serves which route. It is the single source the local
//! gateway routes by, the functions' `main`s wire from, and the SAM template is checked against.

use std::collections::HashMap;

use crate::adapter::http::HttpRoute;
use crate::adapter::sqs::SqsHandler;
use crate::adapter::ws::WsRoute;
use crate::api;

macro_rules! http_routes {
    ($($name:ident: $function:literal, $method:literal $path:literal => $endpoint:path;)*) => {
        $(
            pub const $name: HttpRoute = HttpRoute {
                function: $function,
                method: $method,
                path: $path,
                endpoint: |ctx, req| Box::pin($endpoint(ctx, req)),
            };
        )*
        /// Every REST route, `$default` last.
        pub const HTTP_ROUTES: &[HttpRoute] = &[$($name),*];
    };
}

http_routes! {
    HEALTH: "health", "GET" "/api/health" => api::health::health_endpoint;
    AUTH_REGISTER: "auth-register", "POST" "/api/auth/register" => api::auth::register_endpoint;
    AUTH_LOGIN: "auth-login", "POST" "/api/auth/login" => api::auth::login_endpoint;
    AUTH_REFRESH: "auth-refresh", "POST" "/api/auth/refresh" => api::auth::refresh_endpoint;
    AUTH_LOGOUT: "auth-logout", "POST" "/api/auth/logout" => api::auth::logout_endpoint;
    USERS_ME: "users-me", "GET" "/api/users/me" => api::users::me_endpoint;
    USERS_UPDATE_ME: "users-update-me", "PATCH" "/api/users/me" => api::users::update_me_endpoint;
    USERS_GET: "users-get", "GET" "/api/users/{id}" => api::users::get_user_endpoint;
    USERS_SEARCH: "users-search", "GET" "/api/users" => api::users::search_endpoint;
    WS_TICKET: "ws-ticket", "POST" "/api/ws/ticket" => api::ws_ticket::issue_endpoint;
    CHATS_CREATE: "chats-create", "POST" "/api/chats" => api::chats::create_endpoint;
    CHATS_LIST: "chats-list", "GET" "/api/chats" => api::chats::list_endpoint;
    CHATS_GET: "chats-get", "GET" "/api/chats/{id}" => api::chats::get_endpoint;
    CHATS_ADD_MEMBER: "chats-add-member", "POST" "/api/chats/{id}/members" => api::chats::add_member_endpoint;
    CHATS_REMOVE_MEMBER: "chats-remove-member", "DELETE" "/api/chats/{id}/members/{user_id}" => api::chats::remove_member_endpoint;
    CHATS_READ: "chats-read", "POST" "/api/chats/{id}/read" => api::messages::mark_read_endpoint;
    MESSAGES_LIST: "messages-list", "GET" "/api/chats/{id}/messages" => api::messages::history_endpoint;
    MESSAGES_SEND: "messages-send", "POST" "/api/chats/{id}/messages" => api::messages::send_endpoint;
    MESSAGES_EDIT: "messages-edit", "PATCH" "/api/chats/{id}/messages/{message_id}" => api::messages::edit_endpoint;
    MESSAGES_DELETE: "messages-delete", "DELETE" "/api/chats/{id}/messages/{message_id}" => api::messages::delete_endpoint;
    ATTACHMENTS_CREATE: "attachments-create", "POST" "/api/attachments" => api::attachments::create_endpoint;
    ATTACHMENTS_COMPLETE: "attachments-complete", "POST" "/api/attachments/{id}/complete" => api::attachments::complete_endpoint;
    ATTACHMENTS_GET: "attachments-get", "GET" "/api/attachments/{id}" => api::attachments::get_endpoint;
    NOTIFICATIONS_UNSUBSCRIBE: "notifications-unsubscribe", "GET" "/api/notifications/unsubscribe" => api::notifications::unsubscribe_endpoint;
    NOTIFICATIONS_UNSUBSCRIBE_ONE_CLICK: "notifications-unsubscribe-one-click", "POST" "/api/notifications/unsubscribe" => api::notifications::unsubscribe_one_click_endpoint;
    NOT_FOUND: "not-found", "ANY" "$default" => api::fallback::not_found_endpoint;
}

macro_rules! ws_routes {
    ($($name:ident: $function:literal, $route_key:literal => $endpoint:path;)*) => {
        $(
            pub const $name: WsRoute = WsRoute {
                function: $function,
                route_key: $route_key,
                endpoint: |ctx, req| Box::pin($endpoint(ctx, req)),
            };
        )*
        /// Every WebSocket route (API Gateway selects on the frame's `action`).
        pub const WS_ROUTES: &[WsRoute] = &[$($name),*];
    };
}

ws_routes! {
    WS_CONNECT: "ws-connect", "$connect" => api::ws::connect;
    WS_DISCONNECT: "ws-disconnect", "$disconnect" => api::ws::disconnect;
    WS_SEND_MESSAGE: "ws-send-message", "send_message" => api::ws::send_message;
    WS_TYPING: "ws-typing", "typing" => api::ws::typing;
    WS_MARK_READ: "ws-mark-read", "mark_read" => api::ws::mark_read;
    WS_PING: "ws-ping", "ping" => api::ws::ping;
    WS_DEFAULT: "ws-default", "$default" => api::ws::default;
}

/// An SQS-triggered worker and the queue that feeds it (the event source mapping of the SAM
/// template; locally the gateway's poller).
#[derive(Clone, Copy)]
pub struct SqsWorker {
    pub function: &'static str,
    /// The queue's URL in the configuration; a worker whose queue is not configured is idle.
    pub queue: fn(&crate::config::Config) -> Option<&str>,
    pub handler: SqsHandler,
}

/// The media worker: checks completed uploads and makes thumbnails.
pub const MEDIA_WORKER: SqsWorker = SqsWorker {
    function: "media-worker",
    queue: |config| config.media_queue_url.as_deref(),
    handler: api::attachments::media_worker,
};

/// The e-mail worker: notifications for offline members (docs/EMAIL.md).
pub const EMAIL_WORKER: SqsWorker = SqsWorker {
    function: "email-worker",
    queue: |config| config.email_queue_url.as_deref(),
    handler: api::notifications::email_worker,
};

/// Every SQS-triggered worker.
pub const SQS_WORKERS: &[SqsWorker] = &[MEDIA_WORKER, EMAIL_WORKER];

/// The WebSocket route for a frame: its `action` when a route has that key, else `$default`
/// (also for frames that are not JSON), as API Gateway's route selection does.
pub fn match_ws(body: &str) -> WsRoute {
    let action = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(str::to_owned));
    action
        .and_then(|a| {
            WS_ROUTES
                .iter()
                .find(|r| r.route_key == a && !r.route_key.starts_with('$'))
                .copied()
        })
        .unwrap_or(WS_DEFAULT)
}

/// Finds the route for a request as API Gateway does: the most specific matching route (the
/// one with the fewest path variables) wins, `$default` catches the rest. Returns the path
/// parameters too.
pub fn match_http(method: &str, path: &str) -> (HttpRoute, HashMap<String, String>) {
    let mut best: Option<(usize, HttpRoute, HashMap<String, String>)> = None;
    for route in HTTP_ROUTES {
        if route.path == "$default" || !route.method.eq_ignore_ascii_case(method) {
            continue;
        }
        if let Some(params) = match_path(route.path, path) {
            let vars = params.len();
            if best.as_ref().is_none_or(|(v, _, _)| vars < *v) {
                best = Some((vars, *route, params));
            }
        }
    }
    match best {
        Some((_, route, params)) => (route, params),
        None => (NOT_FOUND, HashMap::new()),
    }
}

fn match_path(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let mut t = template.trim_end_matches('/').split('/');
    let mut p = path.trim_end_matches('/').split('/');
    let mut params = HashMap::new();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(params),
            (Some(ts), Some(ps)) => {
                if let Some(name) = ts.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                    if ps.is_empty() {
                        return None;
                    }
                    params.insert(name.to_owned(), ps.to_owned());
                } else if ts != ps {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_routes_win_over_path_variables() {
        let (route, params) = match_http("GET", "/api/users/me");
        assert_eq!(route.function, "users-me");
        assert!(params.is_empty());
        let (route, params) = match_http("GET", "/api/users/abc");
        assert_eq!(route.function, "users-get");
        assert_eq!(params.get("id").map(String::as_str), Some("abc"));
    }

    #[test]
    fn unknown_paths_and_methods_fall_to_default() {
        assert_eq!(match_http("GET", "/api/nope").0.function, "not-found");
        assert_eq!(
            match_http("DELETE", "/api/users/me").0.function,
            "not-found"
        );
        assert_eq!(match_http("GET", "/api/users/").0.function, "users-search");
        assert_eq!(match_http("GET", "/api/users/a/b").0.function, "not-found");
    }

    #[test]
    fn every_function_serves_exactly_one_route() {
        let mut names: Vec<_> = HTTP_ROUTES.iter().map(|r| r.function).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
