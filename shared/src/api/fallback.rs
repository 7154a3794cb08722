//! The `$default` route: anything no other route matches.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::contract::ErrorCode;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// Unknown routes answer 404 `not_found` in the API's error format.
pub async fn not_found_endpoint(_ctx: Ctx, _req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::NotFound, "no such route"))
}
