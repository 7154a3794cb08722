//! Scheduled function: removes WebSocket connections API Gateway no longer holds (past the
//! 2-hour limit, or idle and Gone), announces those users offline, and deletes expired tickets
//! and refresh tokens.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_job(shared::routes::WS_SWEEPER)
}
