//! Small persistent state in the profile: the reserved sequence-number block and the replay
//! high-water marks, written atomically (temp file, fsync, rename).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What survives a restart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedState {
    /// Sequence numbers below this may have been used by a previous run; the next run starts
    /// at or above it.
    pub seq_reserved: u64,
    /// Highest sequence number accepted from each author (hex id → seq).
    #[serde(default)]
    pub replay: BTreeMap<String, u64>,
}

/// The state file in the profile directory.
#[derive(Clone, Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(path: &Path) -> StateFile {
        StateFile {
            path: path.to_path_buf(),
        }
    }

    /// Reads the state. A missing file is an empty state; an unreadable or corrupt one is an
    /// error whose message names the file.
    pub fn load(&self) -> Result<SavedState, String> {
        match fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "state file {} is corrupt ({e}); starting afresh",
                    self.path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SavedState::default()),
            Err(e) => Err(format!(
                "cannot read state file {}: {e}",
                self.path.display()
            )),
        }
    }

    /// Writes the state atomically.
    pub fn save(&self, state: &SavedState) -> std::io::Result<()> {
        let mut tmp = self.path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec(state).expect("plain data serialises"))?;
        f.sync_all()?;
        fs::rename(&tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_and_corruption_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(&dir.path().join("state.json"));
        assert_eq!(file.load().unwrap(), SavedState::default());
        let mut s = SavedState {
            seq_reserved: 42,
            ..Default::default()
        };
        s.replay.insert("ab".into(), 7);
        file.save(&s).unwrap();
        assert_eq!(file.load().unwrap(), s);
        fs::write(dir.path().join("state.json"), "{oops").unwrap();
        assert!(file.load().unwrap_err().contains("corrupt"));
    }
}

pub mod history;
pub mod keys;
pub mod quota;
pub mod relay;
pub use history::{EntryKind, History, HistoryEntry};
pub use keys::{KnownKey, Sighting};
