//! The profile directory: one per display name (or `--data-dir`), holding the identity key,
//! saved state and the log, locked so two instances cannot share it.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// An open, locked profile directory. The lock is released when this is dropped.
#[derive(Debug)]
pub struct Profile {
    dir: PathBuf,
    _lock: File,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no home directory found; give --data-dir DIR")]
    NoHome,
    #[error("cannot create profile directory {path}: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "profile {path} is already in use by another p2pchat-tui; use another --name or --data-dir"
    )]
    InUse { path: String },
}

/// The base data directory: `--data-dir` if given, else the platform's data dir.
pub fn base_dir(data_dir: Option<&Path>) -> Result<PathBuf, ProfileError> {
    match data_dir {
        Some(d) => Ok(d.to_path_buf()),
        None => directories::ProjectDirs::from("", "", "p2pchat-tui")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or(ProfileError::NoHome),
    }
}

/// A file-system-safe folder name for a display name (`Alice` → `alice`).
pub fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or('_')
            } else {
                '_'
            }
        })
        .collect();
    if s.trim_matches('_').is_empty() {
        "default".into()
    } else {
        s
    }
}

impl Profile {
    /// Opens (creating if needed) and locks `base/profiles/<slug(name)>`.
    pub fn open(base: &Path, name: &str) -> Result<Profile, ProfileError> {
        let dir = base.join("profiles").join(slug(name));
        let shown = dir.display().to_string();
        create_private_dir(&dir).map_err(|source| ProfileError::Create {
            path: shown.clone(),
            source,
        })?;
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .map_err(|source| ProfileError::Create {
                path: shown.clone(),
                source,
            })?;
        match lock.try_lock() {
            Ok(()) => Ok(Profile { dir, _lock: lock }),
            Err(fs::TryLockError::WouldBlock) => Err(ProfileError::InUse { path: shown }),
            Err(fs::TryLockError::Error(source)) => Err(ProfileError::Create {
                path: shown,
                source,
            }),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.join("identity.key")
    }

    pub fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    pub fn history_path(&self) -> PathBuf {
        self.dir.join("history.db")
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("p2pchat.log")
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_distinct_safe_folders() {
        assert_eq!(slug("Alice"), "alice");
        assert_eq!(slug("../etc"), "___etc");
        assert_eq!(slug(""), "default");
        assert_ne!(slug("Alice"), slug("Bob"));
    }

    #[test]
    fn second_open_of_the_same_profile_is_refused() {
        let base = tempfile::tempdir().unwrap();
        let first = Profile::open(base.path(), "Alice").unwrap();
        let err = Profile::open(base.path(), "Alice").unwrap_err();
        assert!(matches!(err, ProfileError::InUse { .. }), "{err}");
        assert!(Profile::open(base.path(), "Bob").is_ok());
        drop(first);
        assert!(Profile::open(base.path(), "Alice").is_ok());
    }
}
