//! Lambda function for `POST /api/notifications/unsubscribe`: RFC 8058 one-click unsubscribe (mail clients POST to the List-Unsubscribe link).

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::NOTIFICATIONS_UNSUBSCRIBE_ONE_CLICK)
}
