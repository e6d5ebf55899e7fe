//! What the interface keeps across runs, in `ui.json` in the profile: the moment the user last
//! read (the read marker's place after a restart) and the input history. Read once at start,
//! written by the run loop at a tick when it changed (the read point: by more than a few
//! seconds) and at exit.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::model::AppState;

/// The file's name in the profile directory.
pub const FILE_NAME: &str = "ui.json";
/// A file larger than this is not read (the history it holds is bounded far below it).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The file's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// Unix ms of the last moment the user was reading.
    #[serde(default)]
    pub last_read_ms: Option<i64>,
    /// Submitted input lines, oldest first.
    #[serde(default)]
    pub input_history: Vec<String>,
    /// The buffer shown at exit (`#room`, or `@` and a peer id), shown again at start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer: Option<String>,
}

impl Saved {
    /// What `state` would save now.
    pub fn of(state: &AppState) -> Saved {
        Saved {
            last_read_ms: state.attention.last_read_ms,
            input_history: state.input.history_to_save(),
            buffer: Some(state.buffers.current_key().saved()),
        }
    }
}

/// Reads the file; a missing one is empty, an unreadable or damaged one is `Err(reason)`
/// (the interface then starts empty and says so once).
pub fn load(path: &Path) -> Result<Saved, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Saved::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("{} is too large; ignored", path.display()));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is damaged ({e}); ignored", path.display()))
}

/// Writes the file whole (a temporary file renamed over it, owner-only), so a crash leaves
/// the old or the new content, never half of one.
pub fn store(path: &Path, saved: &Saved) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("json.tmp");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(&serde_json::to_vec(saved).map_err(std::io::Error::other)?)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_stored_loads_back_and_damage_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        assert_eq!(load(&path).unwrap(), Saved::default());
        let saved = Saved {
            last_read_ms: Some(42),
            input_history: vec!["hello".into(), "two\nlines".into()],
            buffer: Some("#dev".into()),
        };
        store(&path, &saved).unwrap();
        assert_eq!(load(&path).unwrap(), saved);
        std::fs::write(&path, "{not json").unwrap();
        assert!(load(&path).unwrap_err().contains("damaged"));
    }
}
