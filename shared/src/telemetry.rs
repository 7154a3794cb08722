//! Tracing set-up: JSON lines in Lambda, readable text locally, `RUST_LOG` to filter.
//! Nothing logged anywhere carries passwords, tokens or message bodies.
//!
//! `RUST_LOG` takes a level and per-target levels (`warn`, `info,shared=debug`), read by
//! `tracing_subscriber::filter::Targets`: no span or field directives, which `EnvFilter`
//! would add with its regex engine, ~0.4 MB of every function binary (docs/PERFORMANCE.md).

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests, the gateway) are harmless.
pub fn init(format: LogFormat) {
    let result = match format {
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(false)
            .with_target(false)
            .without_time() // CloudWatch stamps every line itself
            .with_max_level(LevelFilter::TRACE)
            .finish()
            .with(filter())
            .try_init(),
        LogFormat::Pretty => tracing_subscriber::fmt()
            .with_target(false)
            .with_max_level(LevelFilter::TRACE)
            .finish()
            .with(filter())
            .try_init(),
    };
    // Err only means a subscriber is already installed.
    let _ = result;
}

/// `RUST_LOG`, or `info` where it is unset or unreadable.
fn filter() -> Targets {
    parse(std::env::var("RUST_LOG").ok().as_deref())
}

fn parse(value: Option<&str>) -> Targets {
    value
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_sets_levels_per_target_and_falls_back_to_info() {
        let t = parse(Some("warn,shared=debug"));
        assert!(t.would_enable("shared::db", &Level::DEBUG));
        assert!(!t.would_enable("shared::db", &Level::TRACE));
        assert!(t.would_enable("hyper", &Level::WARN));
        assert!(!t.would_enable("hyper", &Level::INFO));

        let unset = parse(None);
        assert!(unset.would_enable("anything", &Level::INFO));
        assert!(!unset.would_enable("anything", &Level::DEBUG));

        let unreadable = parse(Some("shared=loud"));
        assert!(unreadable.would_enable("shared", &Level::INFO));
        assert!(!unreadable.would_enable("shared", &Level::DEBUG));
    }
}
