//! The receiver's disk: where a download goes (never over an existing file), the partial file
//! beside it, free space, and the final no-overwrite rename.

use p2pchat_engine::files::name::{numbered_name, PART_SUFFIX};
use std::path::{Path, PathBuf};

/// Most `name (n).ext` alternatives tried before giving up.
const MAX_NUMBERED: u32 = 1000;

/// The partial file of `target`: `target` + `.p2pchat-part`.
pub fn part_path(target: &Path) -> PathBuf {
    let mut s = target.as_os_str().to_owned();
    s.push(PART_SUFFIX);
    PathBuf::from(s)
}

/// A target in `dir` for the sanitised `name` that neither exists nor has a partial file.
pub fn choose_target(dir: &Path, name: &str) -> Result<PathBuf, String> {
    for n in 0..MAX_NUMBERED {
        let candidate = dir.join(numbered_name(name, n));
        if !exists(&candidate) && !exists(&part_path(&candidate)) {
            return Ok(candidate);
        }
    }
    Err(format!("no free name for {name} in {}", dir.display()))
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

/// Bytes free for an unprivileged user on the file system holding `dir`.
pub fn free_space(dir: &Path) -> Result<u64, String> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| "directory name holds a NUL byte".to_string())?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `st` a valid, writable statvfs.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    if rc != 0 {
        return Err(format!(
            "cannot check free space in {}: {}",
            dir.display(),
            std::io::Error::last_os_error()
        ));
    }
    // The field types differ between platforms (u64 on 64-bit Linux).
    #[allow(clippy::useless_conversion)]
    Ok(u64::from(st.f_bavail).saturating_mul(u64::from(st.f_frsize)))
}

/// Moves the verified partial file to `target`, or to the next free `name (n).ext` if
/// `target` appeared meanwhile: a hard link never replaces an existing file. Returns where
/// it went.
pub fn settle(part: &Path, target: &Path) -> Result<PathBuf, String> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    for n in 0..MAX_NUMBERED {
        let candidate = if n == 0 {
            target.to_path_buf()
        } else {
            dir.join(numbered_name(&name, n))
        };
        match std::fs::hard_link(part, &candidate) {
            Ok(()) => {
                let _ = std::fs::remove_file(part);
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                // File systems without hard links: rename, after checking (a small race).
                if exists(&candidate) {
                    continue;
                }
                return std::fs::rename(part, &candidate)
                    .map(|()| candidate)
                    .map_err(|e2| format!("cannot move the file into place: {e}; {e2}"));
            }
        }
    }
    Err(format!("no free name for {name} in {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_files_and_partials_are_never_chosen_or_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "old").unwrap();
        std::fs::write(d.join("a (1).txt.p2pchat-part"), "").unwrap();
        assert_eq!(choose_target(d, "a.txt").unwrap(), d.join("a (2).txt"));
        let part = d.join("x.p2pchat-part");
        std::fs::write(&part, "new").unwrap();
        let placed = settle(&part, &d.join("a.txt")).unwrap();
        assert_eq!(placed, d.join("a (1).txt"));
        assert_eq!(std::fs::read_to_string(d.join("a.txt")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(placed).unwrap(), "new");
        assert!(!part.exists());
        assert!(free_space(d).unwrap() > 0);
    }
}
