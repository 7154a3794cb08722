//! Applies pending database migrations: invoked once per deploy in AWS; run directly (as
//! `make dev` and operators do) it migrates `DATABASE_URL` and exits.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_migrate(shared::routes::MIGRATE)
}
