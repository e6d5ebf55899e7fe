//! The identity key file: generated on first run from the OS random source, kept 0600,
//! refused if others can read it. The key itself is the engine's [`Identity`].

use p2pchat_engine::identity::Identity;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why the key file could not be used. Each message is one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "identity key file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
    )]
    Exposed { path: String, mode: u32 },
    #[error("identity key file {path} is not a valid key (expected 64 hex digits): delete it to make a new identity")]
    Corrupt { path: String },
    #[error("cannot use identity key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A fresh identity from the operating system's random source.
pub fn generate() -> Identity {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random source is available");
    Identity::from_secret(secret)
}

/// Loads the key at `path`, or creates one there (mode 0600) if there is none.
pub fn load_or_create(path: &Path) -> Result<Identity, IdentityError> {
    let shown = path.display().to_string();
    let io = |source| IdentityError::Io {
        path: shown.clone(),
        source,
    };
    match fs::metadata(path) {
        Ok(meta) => {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(IdentityError::Exposed { path: shown, mode });
            }
            let text = fs::read_to_string(path).map_err(io)?;
            let mut secret = [0u8; 32];
            hex::decode_to_slice(text.trim(), &mut secret).map_err(|_| IdentityError::Corrupt {
                path: shown.clone(),
            })?;
            Ok(Identity::from_secret(secret))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let identity = generate();
            let tmp = tmp_path(path);
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(io)?;
            f.write_all(format!("{}\n", hex::encode(identity.signing_key().to_bytes())).as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(io)?;
            fs::rename(&tmp, path).map_err(io)?;
            Ok(identity)
        }
        Err(e) => Err(io(e)),
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_loaded_with_the_same_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.key");
        let a = load_or_create(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = load_or_create(&path).unwrap();
        assert_eq!(a.id(), b.id());
    }

    #[test]
    fn key_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.key");
        load_or_create(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create(&path).unwrap_err().to_string();
        assert!(
            err.contains("readable by others") && err.contains("chmod 600"),
            "{err}"
        );
    }

    #[test]
    fn corrupt_key_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.key");
        fs::write(&path, "nonsense").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            load_or_create(&path),
            Err(IdentityError::Corrupt { .. })
        ));
    }
}
