//! The one error type of the API: every failure a handler can have, its HTTP status and its
//! stable snake_case code. A 5xx body says only "internal error"; the cause is logged once, by
//! the adapter that turns the error into a response.

use http::StatusCode;

use crate::contract::error::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is refused; its code says why and fixes the status (every 4xx, and 503 for
    /// a feature this deployment has not configured).
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    /// Over a rate limit (429 `rate_limited`): may be tried again after `retry_after`.
    #[error("too many requests; try again in {} s", retry_after_secs(*.retry_after))]
    Limited { retry_after: std::time::Duration },
    /// A dependency (the database) cannot be reached (503).
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else (500). Never shown to the client.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Refused {
            code,
            message: message.into(),
        }
    }

    /// 400 `invalid_request`, the code for input that does not parse or validate.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// 429 `rate_limited`, to be tried again after `retry_after`.
    pub fn limited(retry_after: std::time::Duration) -> Self {
        Self::Limited { retry_after }
    }

    /// Whole seconds until a rate-limited request may be tried again (at least 1).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Limited { retry_after } => Some(retry_after_secs(*retry_after)),
            _ => None,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.code().status()
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Refused { code, .. } => *code,
            Self::Limited { .. } => ErrorCode::RateLimited,
            Self::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The body the client sees. Server-side failures never carry their cause.
    pub fn body(&self) -> ErrorBody {
        let message = match self {
            Self::Unavailable(_) => "the service is temporarily unavailable".to_owned(),
            Self::Internal(_) => "internal error".to_owned(),
            Self::Refused { message, .. } => message.clone(),
            Self::Limited { .. } => self.to_string(),
        };
        ErrorBody {
            error: self.code(),
            message,
            retry_after: self.retry_after(),
        }
    }

    pub fn is_server_error(&self) -> bool {
        self.status().is_server_error()
    }

    /// What to log: the whole cause chain of a server error, the message of any other.
    pub fn detail(&self) -> String {
        match self {
            Self::Internal(e) | Self::Unavailable(e) => format!("{e:#}"),
            other => other.to_string(),
        }
    }
}

fn retry_after_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(err: tokio_postgres::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    /// Not getting a connection at all means the database is unreachable: 503, so clients and
    /// load balancers retry later instead of treating it as a bug.
    fn from(err: deadpool_postgres::PoolError) -> Self {
        match err {
            deadpool_postgres::PoolError::Backend(_) | deadpool_postgres::PoolError::Timeout(_) => {
                Self::Unavailable(err.into())
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// The name of the unique or foreign-key constraint a database error violated, if any, so
/// repositories can turn constraint violations into domain errors by name.
pub fn violated_constraint(err: &tokio_postgres::Error) -> Option<&str> {
    let db = err.as_db_error()?;
    let code = db.code();
    if *code == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
        || *code == tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION
    {
        db.constraint()
    } else {
        None
    }
}

/// Parses JSON into `T`, turning failures into 400s that name the offending field:
/// `invalid_json` (or `syntax_code`) for text that is not JSON, `invalid_request` otherwise.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &str,
    syntax_code: ErrorCode,
) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(syntax_code, format!("{what} is not valid JSON: {inner}"))
        } else if path == "." || path.is_empty() {
            ApiError::invalid(format!("invalid {what}: {inner}"))
        } else {
            ApiError::invalid(format!("invalid {what}: field `{path}`: {inner}"))
        }
    })
}
