//! Logging goes to a file in the profile directory, never to the terminal.

use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Sends `tracing` output to `path` (appending). `RUST_LOG` overrides `level`.
pub fn init(path: &Path, level: &str) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("p2pchat_tui={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
    Ok(())
}
