//! Lambda function for `GET /api/notifications/unsubscribe`: turns e-mail notifications off from a mail's link and answers a small page.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::NOTIFICATIONS_UNSUBSCRIBE)
}
