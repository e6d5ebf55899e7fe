//! Finding the built binary, failing with one line, and percentiles (tests, examples and
//! benches alike).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Prints `msg` and exits with status 2.
pub fn die(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(2)
}

/// The `p2pchat-tui` binary of the same profile as the running example, bench or test
/// (`target/<profile>/`, since those run from `target/<profile>/examples/` or `.../deps/`), or
/// `$P2PCHAT_BIN`.
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("P2PCHAT_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/{examples,deps}/<name> -> target/<profile>/p2pchat-tui
    let exe = std::env::current_exe().expect("own path");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("p2pchat-tui");
    if !bin.exists() {
        die(&format!(
            "{} not found: run `cargo build` first (or set P2PCHAT_BIN)",
            bin.display()
        ));
    }
    bin
}

/// The `p`-quantile (0.0..=1.0) of sorted values, NaN when there are none.
pub fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Durations as sorted milliseconds.
pub fn sorted_ms(samples: &[Duration]) -> Vec<f64> {
    let mut v: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v
}
