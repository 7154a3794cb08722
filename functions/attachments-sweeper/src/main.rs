//! Scheduled function: removes uploads never completed within 24 hours (rows and objects).

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_job(shared::routes::ATTACHMENTS_SWEEPER)
}
