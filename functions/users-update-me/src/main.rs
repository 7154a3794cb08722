//! Lambda function for `PATCH /api/users/me`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::USERS_UPDATE_ME)
}
