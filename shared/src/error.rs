//! The one error type of the API: every failure a handler can have, its HTTP status and its
//! stable snake_case code. A 5xx body says only "internal error"; the cause is logged once, by
//! the adapter that turns the error into a response.

use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON body of every error answer.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
pub struct ErrorBody {
    /// Stable, machine-readable snake_case code, e.g. `email_taken`.
    pub error: String,
    /// Human-readable explanation.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or fails validation (400).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// Missing, malformed, tampered or expired credentials (401).
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// Authenticated but not allowed (403).
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// The thing does not exist, or the caller may not know it exists (404).
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// The request conflicts with stored state (409).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The request body is larger than allowed (413).
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// A feature whose resources this deployment has not configured (503).
    #[error("{message}")]
    NotConfigured { code: &'static str, message: String },
    /// A dependency (the database) cannot be reached (503).
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else (500). Never shown to the client.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// 400 `invalid_request`, the code for input that does not parse or validate.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::bad_request("invalid_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized {
            code: "unauthorized",
            message: message.into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) | Self::NotConfigured { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::NotConfigured { code, .. } => code,
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The body the client sees. Server-side failures never carry their cause.
    pub fn body(&self) -> ErrorBody {
        let message = match self {
            Self::Unavailable(_) => "the service is temporarily unavailable".to_owned(),
            Self::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        ErrorBody {
            error: self.code().to_owned(),
            message,
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
    syntax_code: &'static str,
) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request(syntax_code, format!("{what} is not valid JSON: {inner}"))
        } else if path == "." || path.is_empty() {
            ApiError::invalid(format!("invalid {what}: {inner}"))
        } else {
            ApiError::invalid(format!("invalid {what}: field `{path}`: {inner}"))
        }
    })
}
