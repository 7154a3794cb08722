//! Keyset cursors the paged routes hand out: a time (microseconds, as PostgreSQL stores it)
//! and an id, `<micros>_<uuid>`. Opaque to clients; anything else is 400 `invalid_cursor`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::contract::ErrorCode;
use crate::error::ApiError;

pub fn encode(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}_{id}", at.timestamp_micros())
}

pub fn decode(cursor: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let (micros, id) = cursor.split_once('_').ok_or_else(invalid)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(invalid)?;
    let id = Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok((at, id))
}

pub fn invalid() -> ApiError {
    ApiError::new(ErrorCode::InvalidCursor, "cursor is not one this API gave")
}
