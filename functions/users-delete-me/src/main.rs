//! Lambda function for `DELETE /api/users/me`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::USERS_DELETE_ME)
}
