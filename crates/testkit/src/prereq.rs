//! The one gate for tests that need something the machine may lack (root and network
//! namespaces, tmux, tcpdump, chattr): without it a test prints why and is skipped, except
//! under CI (`CI=true`), where a missing prerequisite is a failure, so a green CI never hides a
//! test that did not run.

/// Call when `test` cannot run for `reason`: prints it and returns `true` (skip), or panics
/// under `CI=true`.
pub fn missing(test: &str, reason: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{test} cannot run under CI: {reason}");
    }
    eprintln!("skipping {test}: {reason}");
    true
}
