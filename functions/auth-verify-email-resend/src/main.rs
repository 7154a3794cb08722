//! Lambda function for `POST /api/auth/verify-email/resend`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::AUTH_VERIFY_EMAIL_RESEND)
}
