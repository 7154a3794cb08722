//! Scheduled function: announces the stored changes whose writers did not finish announcing
//! them (the outbox's due rows), then deletes them.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_job(shared::routes::OUTBOX_DRAINER)
}
