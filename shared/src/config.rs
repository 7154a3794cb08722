//! Typed configuration, read from the environment once per cold start. A missing or malformed
//! variable fails the start with a message naming it; secrets are wrapped so they never print.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

pub mod limits;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required but not set")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// How logs are written: JSON lines in Lambda (CloudWatch parses them), readable text locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: a PostgreSQL connection URL.
    pub database_url: SecretString,
    /// `DB_POOL_SIZE`: connections per process; small, because every Lambda instance has its own.
    pub db_pool_size: usize,
    /// `DB_CONNECT_TIMEOUT_MS`: how long to wait for a new connection before answering 503.
    pub db_connect_timeout: Duration,
    /// `DB_POOL_WAIT_MS`: how long a request waits for a free pooled connection (default
    /// 10 s; matters where many requests share one pool, as in the local gateway).
    pub db_pool_wait: Duration,
    /// `DATABASE_SSLMODE`: `disable`, `prefer` or `require`, over the URL's own `sslmode`
    /// (default: the URL's, else `prefer`). The template sets `require` (docs/SECURITY.md).
    pub db_ssl_mode: Option<tokio_postgres::config::SslMode>,
    /// `JWT_SECRET`: HMAC key of the access tokens, at least 32 bytes.
    pub jwt_secret: SecretString,
    /// `JWT_ISSUER`: the `iss` claim written and required.
    pub jwt_issuer: String,
    /// `ACCESS_TOKEN_TTL_SECS` (default 900).
    pub access_token_ttl: Duration,
    /// `REFRESH_TOKEN_TTL_SECS` (default 30 days).
    pub refresh_token_ttl: Duration,
    /// `LOG_FORMAT`: `json` or `pretty`; JSON by default inside Lambda.
    pub log_format: LogFormat,
    /// `WS_MANAGEMENT_ENDPOINT`: the WebSocket API's management endpoint
    /// (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`, locally the gateway). Without
    /// it nothing is pushed: clients still catch up through the REST API.
    pub ws_management_endpoint: Option<String>,
    /// `PUSH_TIMEOUT_MS`: the limit for one PostToConnection call (default 3000).
    pub push_timeout: Duration,
    /// `PUSH_CONCURRENCY`: PostToConnection calls in flight per fan-out (default 64).
    pub push_concurrency: usize,
    /// `AWS_ENDPOINT_URL`: set only against an emulator (the SDK reads it too); S3 then uses
    /// path-style addressing.
    pub aws_endpoint_url: Option<String>,
    /// `ATTACHMENTS_BUCKET`: the private bucket of attachments and thumbnails. Without it the
    /// attachment routes answer 503 `attachments_unavailable`.
    pub attachments_bucket: Option<String>,
    /// `MEDIA_QUEUE_URL`: the queue the media worker reads (jobs of completed uploads).
    pub media_queue_url: Option<String>,
    /// `EMAIL_QUEUE_URL`: the queue the e-mail worker reads (notifications due to offline
    /// members). Without it no e-mail is enqueued.
    pub email_queue_url: Option<String>,
    /// `EMAIL_FROM`: the verified SES sender identity.
    pub email_from: Option<String>,
    /// `EMAIL_CONFIGURATION_SET`: the SES configuration set mails are sent with; its `Send`
    /// events tell the e-mail events worker what SES accepted (docs/EMAIL.md). Optional.
    pub email_configuration_set: Option<String>,
    /// `EMAIL_EVENTS_QUEUE_URL`: the queue of SES's sending events (locally polled by the
    /// gateway for the e-mail events worker; in AWS its event source).
    pub email_events_queue_url: Option<String>,
    /// `APP_URL`: where the SPA lives, for links in e-mails (default http://127.0.0.1:3000).
    pub app_url: String,
    /// `API_URL`: where the REST API is reachable from a mail client, for unsubscribe links
    /// (the HTTP API's URL in AWS; default `APP_URL`, which serves `/api` locally).
    pub api_url: String,
    /// `EMAIL_DELAY_SECS`: how long a notification waits before it is sent, so that someone
    /// who comes back or reads in the meantime is not mailed (default 60, at most 900).
    pub email_delay: Duration,
    /// `EMAIL_WINDOW_SECS`: at most one e-mail per user per chat in this window (default 600).
    pub email_window: Duration,
    /// `EMAIL_PREVIEWS`: `false` leaves message text out of e-mails (default `true`).
    pub email_previews: bool,
    /// `OUTBOX_LEASE_SECS`: how long a writer has to announce its change before the drainer
    /// may (default 30), and how long the drainer waits before trying a row again.
    pub outbox_lease: Duration,
    /// `FANOUT_QUEUE_URL`: the queue of the fan-out worker, which announces the changes of
    /// chats larger than `FANOUT_INLINE_MAX`. Without it every fan-out runs in the request.
    pub fanout_queue_url: Option<String>,
    /// `FANOUT_INLINE_MAX`: the most members a chat may have for its changes to be pushed in
    /// the writer's request (default 100); typing is relayed only in chats up to this size.
    pub fanout_inline_max: usize,
    /// `CONNECTION_TOUCH_SECS`: a WebSocket connection's last activity is written at most this
    /// often (default 300), not on every frame.
    pub connection_touch: Duration,
    /// `ANNOUNCE_ORDER_WAIT_MS`: how long a chat's announcement may wait for an earlier one of
    /// this process (`crate::ordering`; default 0, off: a Lambda serves one request at a time;
    /// the local gateway sets 50).
    pub announce_order_wait: Duration,
    /// `ACCOUNT_MAIL_INTERVAL_SECS`: at most one verification mail and one reset mail per
    /// account in this interval (default 60).
    pub account_mail_interval: Duration,
    /// `PASSWORD_RESET_FLOOR_MS`: a password-reset request is answered no sooner than this
    /// after it arrived (default 1000), whether or not a mail went out, so its timing does
    /// not tell whether the address has an account.
    pub password_reset_floor: Duration,
    /// `AUDIT_RETENTION_DAYS`: how long audit events are kept (default 180).
    pub audit_retention: Duration,
    /// `RATE_LIMIT_*`, `MAX_CONNECTIONS_PER_USER`: the rate limits (`limits`).
    pub limits: limits::Limits,
}

/// Where configuration comes from; the process environment in production, a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

pub struct Env;

impl Source for Env {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl<S: std::hash::BuildHasher> Source for std::collections::HashMap<&str, String, S> {
    fn get(&self, name: &str) -> Option<String> {
        std::collections::HashMap::get(self, name).cloned()
    }
}

pub const MIN_JWT_SECRET_LEN: usize = 32;

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(src: &impl Source) -> Result<Self, ConfigError> {
        let database_url = required(src, "DATABASE_URL")?;
        let jwt_secret = required(src, "JWT_SECRET")?;
        if jwt_secret.len() < MIN_JWT_SECRET_LEN {
            return Err(ConfigError::Invalid {
                name: "JWT_SECRET",
                reason: format!("must be at least {MIN_JWT_SECRET_LEN} bytes"),
            });
        }
        let in_lambda = src.get("AWS_LAMBDA_FUNCTION_NAME").is_some();
        let log_format = match src.get("LOG_FORMAT").as_deref() {
            None if in_lambda => LogFormat::Json,
            None => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    reason: format!("expected `json` or `pretty`, got `{other}`"),
                });
            }
        };
        let email_delay: u64 = number(src, "EMAIL_DELAY_SECS", 60)?;
        if email_delay > 900 {
            return Err(ConfigError::Invalid {
                name: "EMAIL_DELAY_SECS",
                reason: "SQS delays a message by at most 900 seconds".to_owned(),
            });
        }
        let app_url = src
            .get("APP_URL")
            .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned())
            .trim_end_matches('/')
            .to_owned();
        let api_url = src
            .get("API_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| app_url.clone());
        Ok(Self {
            database_url: SecretString::from(database_url),
            db_pool_size: number(src, "DB_POOL_SIZE", 2)?,
            db_connect_timeout: Duration::from_millis(number(src, "DB_CONNECT_TIMEOUT_MS", 5_000)?),
            db_pool_wait: Duration::from_millis(number(src, "DB_POOL_WAIT_MS", 10_000)?),
            db_ssl_mode: ssl_mode(src)?,
            jwt_secret: SecretString::from(jwt_secret),
            jwt_issuer: src
                .get("JWT_ISSUER")
                .unwrap_or_else(|| "messenger".to_owned()),
            access_token_ttl: Duration::from_secs(number(src, "ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(number(
                src,
                "REFRESH_TOKEN_TTL_SECS",
                30 * 24 * 3600,
            )?),
            log_format,
            ws_management_endpoint: src.get("WS_MANAGEMENT_ENDPOINT"),
            push_timeout: Duration::from_millis(number(src, "PUSH_TIMEOUT_MS", 3_000)?),
            push_concurrency: number(src, "PUSH_CONCURRENCY", 64)?,
            aws_endpoint_url: src.get("AWS_ENDPOINT_URL"),
            attachments_bucket: src.get("ATTACHMENTS_BUCKET"),
            media_queue_url: src.get("MEDIA_QUEUE_URL"),
            email_queue_url: src.get("EMAIL_QUEUE_URL"),
            email_from: src.get("EMAIL_FROM"),
            email_configuration_set: src.get("EMAIL_CONFIGURATION_SET"),
            email_events_queue_url: src.get("EMAIL_EVENTS_QUEUE_URL"),
            app_url,
            api_url,
            email_delay: Duration::from_secs(email_delay),
            email_window: Duration::from_secs(number(src, "EMAIL_WINDOW_SECS", 600)?),
            email_previews: boolean(src, "EMAIL_PREVIEWS", true)?,
            outbox_lease: Duration::from_secs(number(src, "OUTBOX_LEASE_SECS", 30)?),
            fanout_queue_url: src.get("FANOUT_QUEUE_URL"),
            fanout_inline_max: number(src, "FANOUT_INLINE_MAX", 100)?,
            connection_touch: Duration::from_secs(number(src, "CONNECTION_TOUCH_SECS", 300)?),
            announce_order_wait: Duration::from_millis(number(src, "ANNOUNCE_ORDER_WAIT_MS", 0)?),
            account_mail_interval: Duration::from_secs(number(
                src,
                "ACCOUNT_MAIL_INTERVAL_SECS",
                60,
            )?),
            password_reset_floor: Duration::from_millis(number(
                src,
                "PASSWORD_RESET_FLOOR_MS",
                1_000,
            )?),
            audit_retention: Duration::from_secs(
                number::<u64>(src, "AUDIT_RETENTION_DAYS", 180)?.saturating_mul(86_400),
            ),
            limits: limits::Limits::from_source(src)?,
        })
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

/// `DATABASE_SSLMODE`, checked: the functions' pools and the migrate function read it alike.
pub(crate) fn ssl_mode(
    src: &impl Source,
) -> Result<Option<tokio_postgres::config::SslMode>, ConfigError> {
    use tokio_postgres::config::SslMode;
    Ok(
        match src.get("DATABASE_SSLMODE").as_deref().map(str::trim) {
            None => None,
            Some("disable") => Some(SslMode::Disable),
            Some("prefer") => Some(SslMode::Prefer),
            Some("require") => Some(SslMode::Require),
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "DATABASE_SSLMODE",
                    reason: format!("expected `disable`, `prefer` or `require`, got `{other}`"),
                });
            }
        },
    )
}

fn required(src: &impl Source, name: &'static str) -> Result<String, ConfigError> {
    src.get(name).ok_or(ConfigError::Missing(name))
}

fn boolean(src: &impl Source, name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match src.get(name).as_deref().map(str::trim) {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            reason: format!("expected true or false, got `{other}`"),
        }),
    }
}

pub(crate) fn number<T: std::str::FromStr>(
    src: &impl Source,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match src.get(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn base() -> HashMap<&'static str, String> {
        HashMap::from([
            ("DATABASE_URL", "postgres://localhost/x".to_owned()),
            ("JWT_SECRET", "x".repeat(32)),
        ])
    }

    #[test]
    fn a_missing_variable_is_named_in_the_error() {
        let mut env = base();
        env.remove("JWT_SECRET");
        let err = Config::from_source(&env).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("environment variable JWT_SECRET is required but not set")
        );
    }

    #[test]
    fn a_short_jwt_secret_is_refused() {
        let mut env = base();
        env.insert("JWT_SECRET", "short".to_owned());
        assert!(matches!(
            Config::from_source(&env),
            Err(ConfigError::Invalid {
                name: "JWT_SECRET",
                ..
            })
        ));
    }

    #[test]
    fn a_malformed_number_names_its_variable() {
        let mut env = base();
        env.insert("DB_POOL_SIZE", "many".to_owned());
        assert!(matches!(
            Config::from_source(&env),
            Err(ConfigError::Invalid {
                name: "DB_POOL_SIZE",
                ..
            })
        ));
    }

    #[test]
    fn defaults_suit_lambda_and_secrets_never_print() -> Result<(), ConfigError> {
        let mut env = base();
        env.insert("AWS_LAMBDA_FUNCTION_NAME", "health".to_owned());
        let cfg = Config::from_source(&env)?;
        assert_eq!(cfg.db_pool_size, 2);
        assert_eq!(cfg.log_format, LogFormat::Json);
        assert_eq!(cfg.access_token_ttl, Duration::from_secs(900));
        let printed = format!("{cfg:?}");
        assert!(!printed.contains("postgres://"), "{printed}");
        assert!(!printed.contains(&"x".repeat(32)), "{printed}");
        Ok(())
    }
}
