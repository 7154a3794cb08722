//! Lambda function for `POST /api/auth/logout-all`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::AUTH_LOGOUT_ALL)
}
