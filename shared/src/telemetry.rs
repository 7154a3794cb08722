//! Tracing set-up: JSON lines in Lambda, readable text locally, `RUST_LOG` to filter.
//! Nothing logged anywhere carries passwords, tokens or message bodies.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests, the gateway) are harmless.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_target(false)
            .without_time() // CloudWatch stamps every line itself
            .try_init(),
        LogFormat::Pretty => builder.with_target(false).try_init(),
    };
    // Err only means a subscriber is already installed.
    let _ = result;
}
