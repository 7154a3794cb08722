//! Lambda function for `GET /api/health`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::HEALTH)
}
