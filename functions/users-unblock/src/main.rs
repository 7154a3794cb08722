//! Lambda function for `DELETE /api/users/{id}/block`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::USERS_UNBLOCK)
}
