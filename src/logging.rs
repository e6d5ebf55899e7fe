//! Logging goes to a file in the profile directory, never to the terminal.

use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Sends `tracing` output to `path` (appending). `RUST_LOG` overrides `level`.
pub fn init(path: &Path, level: &str) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(directives(level)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
    Ok(())
}

/// The default filter: `level` for the app and the crates it is built from (the engine and
/// runtime log what is not shown, such as a connection lost in the handshake), nothing from
/// dependencies.
fn directives(level: &str) -> String {
    ["p2pchat_tui", "p2pchat_engine", "p2pchat_runtime"]
        .map(|c| format!("{c}={level}"))
        .join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_engine_and_runtime_log_too() {
        assert_eq!(
            super::directives("info"),
            "p2pchat_tui=info,p2pchat_engine=info,p2pchat_runtime=info"
        );
    }
}
