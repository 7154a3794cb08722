//! The function table: every function of the messenger and what triggers it: a REST route, a
//! WebSocket route, an SQS queue, a schedule, or the deploy itself. It is the single source
//! the local gateway routes, polls and schedules by, the functions' `main`s wire from, and the
//! SAM template, the OpenAPI document and the `functions/` folder are checked against
//! (`localstack/tests/template_agreement.rs`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use crate::adapter::http::HttpRoute;
use crate::adapter::sqs::SqsHandler;
use crate::adapter::ws::WsRoute;
use crate::api;
use crate::clients::queue::Queue;
use crate::ctx::Ctx;

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
        const HTTP_NAMES: &[(&str, &str)] = &[$((stringify!($name), $function)),*];
    };
}

http_routes! {
    HEALTH: "health", "GET" "/api/health" => api::health::health_endpoint;
    AUTH_REGISTER: "auth-register", "POST" "/api/auth/register" => api::auth::register_endpoint;
    AUTH_LOGIN: "auth-login", "POST" "/api/auth/login" => api::auth::login_endpoint;
    AUTH_REFRESH: "auth-refresh", "POST" "/api/auth/refresh" => api::auth::refresh_endpoint;
    AUTH_LOGOUT: "auth-logout", "POST" "/api/auth/logout" => api::auth::logout_endpoint;
    AUTH_LOGOUT_ALL: "auth-logout-all", "POST" "/api/auth/logout-all" => api::auth::logout_all_endpoint;
    AUTH_VERIFY_EMAIL: "auth-verify-email", "POST" "/api/auth/verify-email" => api::auth::verify_email_endpoint;
    AUTH_VERIFY_EMAIL_RESEND: "auth-verify-email-resend", "POST" "/api/auth/verify-email/resend" => api::auth::resend_verification_endpoint;
    AUTH_PASSWORD_RESET: "auth-password-reset", "POST" "/api/auth/password-reset" => api::auth::password_reset_endpoint;
    AUTH_PASSWORD_RESET_CONFIRM: "auth-password-reset-confirm", "POST" "/api/auth/password-reset/confirm" => api::auth::password_reset_confirm_endpoint;
    USERS_ME: "users-me", "GET" "/api/users/me" => api::users::me_endpoint;
    USERS_UPDATE_ME: "users-update-me", "PATCH" "/api/users/me" => api::users::update_me_endpoint;
    USERS_DELETE_ME: "users-delete-me", "DELETE" "/api/users/me" => api::users::delete_me_endpoint;
    USERS_CHANGE_PASSWORD: "users-change-password", "POST" "/api/users/me/password" => api::users::change_password_endpoint;
    USERS_GET: "users-get", "GET" "/api/users/{id}" => api::users::get_user_endpoint;
    USERS_SEARCH: "users-search", "GET" "/api/users" => api::users::search_endpoint;
    USERS_BLOCK: "users-block", "POST" "/api/users/{id}/block" => api::blocks::block_endpoint;
    USERS_UNBLOCK: "users-unblock", "DELETE" "/api/users/{id}/block" => api::blocks::unblock_endpoint;
    USERS_BLOCKS: "users-blocks", "GET" "/api/users/me/blocks" => api::blocks::list_endpoint;
    WS_TICKET: "ws-ticket", "POST" "/api/ws/ticket" => api::ws_ticket::issue_endpoint;
    CHATS_CREATE: "chats-create", "POST" "/api/chats" => api::chats::create_endpoint;
    CHATS_LIST: "chats-list", "GET" "/api/chats" => api::chats::list_endpoint;
    CHATS_GET: "chats-get", "GET" "/api/chats/{id}" => api::chats::get_endpoint;
    CHATS_MEMBERS: "chats-members", "GET" "/api/chats/{id}/members" => api::chats::members_endpoint;
    CHATS_ADD_MEMBER: "chats-add-member", "POST" "/api/chats/{id}/members" => api::chats::add_member_endpoint;
    CHATS_REMOVE_MEMBER: "chats-remove-member", "DELETE" "/api/chats/{id}/members/{user_id}" => api::chats::remove_member_endpoint;
    CHATS_REQUEST: "chats-request", "POST" "/api/chats/{id}/request" => api::chats::answer_request_endpoint;
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
        const WS_NAMES: &[(&str, &str)] = &[$((stringify!($name), $function)),*];
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
    /// The queue's client; a worker whose queue is not configured is idle.
    pub queue: fn(&Ctx) -> Option<&Queue>,
    pub handler: SqsHandler,
}

/// The media worker: checks completed uploads and makes thumbnails.
pub const MEDIA_WORKER: SqsWorker = SqsWorker {
    function: "media-worker",
    queue: |ctx| ctx.media_queue.as_ref(),
    handler: api::attachments::media_worker,
};

/// The e-mail worker: notifications for offline members (docs/EMAIL.md).
pub const EMAIL_WORKER: SqsWorker = SqsWorker {
    function: "email-worker",
    queue: |ctx| ctx.email_queue.as_ref(),
    handler: api::notifications::email_worker,
};

/// The e-mail events worker: SES's `Send` events settle notifications their worker sent
/// but did not record (docs/EMAIL.md).
pub const EMAIL_EVENTS: SqsWorker = SqsWorker {
    function: "email-events",
    queue: |ctx| ctx.email_events_queue.as_ref(),
    handler: api::notifications::email_events,
};

/// The fan-out worker: announces the changes of chats too large to push to from the request.
pub const FANOUT_WORKER: SqsWorker = SqsWorker {
    function: "fanout-worker",
    queue: |ctx| ctx.fanout_queue.as_ref(),
    handler: api::outbox::fanout_worker,
};

/// Every SQS-triggered worker.
pub const SQS_WORKERS: &[SqsWorker] = &[MEDIA_WORKER, EMAIL_WORKER, EMAIL_EVENTS, FANOUT_WORKER];
const SQS_NAMES: &[(&str, &str)] = &[
    ("MEDIA_WORKER", MEDIA_WORKER.function),
    ("EMAIL_WORKER", EMAIL_WORKER.function),
    ("EMAIL_EVENTS", EMAIL_EVENTS.function),
    ("FANOUT_WORKER", FANOUT_WORKER.function),
];

pub type JobFuture =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, crate::ApiError>> + Send>>;

/// How often a scheduled function runs in AWS (an EventBridge rule of the SAM template).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// A fixed expression, e.g. `rate(1 hour)`.
    Expression(&'static str),
    /// The template parameter that holds the expression.
    Parameter(&'static str),
}

/// A function run on a schedule: by an EventBridge rule in AWS, by the gateway's timers
/// locally (every `local_every`).
#[derive(Clone, Copy)]
pub struct ScheduledJob {
    pub function: &'static str,
    pub schedule: Schedule,
    /// How often the local gateway runs it.
    pub local_every: std::time::Duration,
    pub job: fn(Ctx) -> JobFuture,
}

/// Removes connections API Gateway no longer holds, expired tickets and refresh tokens.
pub const WS_SWEEPER: ScheduledJob = ScheduledJob {
    function: "ws-sweeper",
    schedule: Schedule::Parameter("SweepSchedule"),
    local_every: std::time::Duration::from_secs(60),
    job: |ctx| Box::pin(api::ws::sweep(ctx)),
};

/// Removes uploads never completed.
pub const ATTACHMENTS_SWEEPER: ScheduledJob = ScheduledJob {
    function: "attachments-sweeper",
    schedule: Schedule::Expression("rate(1 hour)"),
    local_every: std::time::Duration::from_secs(60),
    job: |ctx| Box::pin(api::attachments::sweep(ctx)),
};

/// Announces what writers left unfinished (the outbox's due rows).
pub const OUTBOX_DRAINER: ScheduledJob = ScheduledJob {
    function: "outbox-drainer",
    schedule: Schedule::Expression("rate(1 minute)"),
    local_every: std::time::Duration::from_secs(5),
    job: |ctx| Box::pin(api::outbox::drain(ctx)),
};

/// Every scheduled function.
pub const SCHEDULED_JOBS: &[ScheduledJob] = &[WS_SWEEPER, ATTACHMENTS_SWEEPER, OUTBOX_DRAINER];
const SCHEDULED_NAMES: &[(&str, &str)] = &[
    ("WS_SWEEPER", WS_SWEEPER.function),
    ("ATTACHMENTS_SWEEPER", ATTACHMENTS_SWEEPER.function),
    ("OUTBOX_DRAINER", OUTBOX_DRAINER.function),
];

/// A function no event source triggers: the deploy invokes it (and operators, `make dev` and
/// CI run its binary directly).
#[derive(Clone, Copy, Debug)]
pub struct Invoked {
    pub function: &'static str,
}

/// Applies pending database migrations.
pub const MIGRATE: Invoked = Invoked {
    function: "migrate",
};

/// Every directly invoked function.
pub const INVOKED: &[Invoked] = &[MIGRATE];
const INVOKED_NAMES: &[(&str, &str)] = &[("MIGRATE", MIGRATE.function)];

/// What triggers a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Http,
    WebSocket,
    Sqs,
    Schedule,
    Invoked,
}

/// Every function: its name (the package under `functions/`, and the SAM function's binary),
/// what triggers it, and the name of its constant in this module (which its `main` wires).
pub fn functions() -> Vec<(&'static str, Trigger, &'static str)> {
    let kinds: [(&[(&'static str, &'static str)], Trigger); 5] = [
        (HTTP_NAMES, Trigger::Http),
        (WS_NAMES, Trigger::WebSocket),
        (SQS_NAMES, Trigger::Sqs),
        (SCHEDULED_NAMES, Trigger::Schedule),
        (INVOKED_NAMES, Trigger::Invoked),
    ];
    kinds
        .iter()
        .flat_map(|(names, trigger)| {
            names
                .iter()
                .map(move |(constant, function)| (*function, *trigger, *constant))
        })
        .collect()
}

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
        assert_eq!(match_http("PUT", "/api/users/me").0.function, "not-found");
        assert_eq!(match_http("GET", "/api/users/").0.function, "users-search");
        assert_eq!(match_http("GET", "/api/users/a/b").0.function, "not-found");
    }

    #[test]
    fn every_function_has_exactly_one_trigger() {
        let mut names: Vec<_> = functions().into_iter().map(|(f, _, _)| f).collect();
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(before, names.len());
        assert_eq!(
            HTTP_ROUTES.len()
                + WS_ROUTES.len()
                + SQS_WORKERS.len()
                + SCHEDULED_JOBS.len()
                + INVOKED.len(),
            before
        );
    }
}
