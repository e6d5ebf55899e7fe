//! The receiver's disk: where a download goes (never over an existing file), the partial file
//! beside it and its verified prefix, free space, streaming writeback, and the final
//! no-overwrite rename.

use p2pchat_engine::files::manifest::Manifest;
use p2pchat_engine::files::name::{numbered_name, PART_SUFFIX};
use p2pchat_engine::files::WholeFileCheck;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// WRITEBACK_WINDOW: for chunks written through the page cache (a file system without direct
/// writes, a short last chunk), a receiver starts writing its file to disk every this many bytes and
/// waits for the window before, so at most two windows of it are dirty in the page cache: the
/// kernel never throttles other writers (the chat's own database) behind a big download, and
/// the final flush is short. One chunk: an fsync of the history (its checkpoint) queues
/// behind at most 2 MiB of the download (with 4 MiB windows, 8 MiB: 10-30 ms at this machine's
/// ~270 MiB/s, the chat lines over 10 ms in BENCHMARKS.md).
pub const WRITEBACK_WINDOW: u64 = 1024 * 1024;

/// WRITE_AHEAD: verified chunks waiting for the disk writer of one download. The network
/// side receives, decrypts and checks the next chunks while the writer writes (and waits for
/// writeback), so at most this many chunks plus one are held in memory.
pub const WRITE_AHEAD: usize = 2;

/// A download's disk writer: a blocking thread that writes each verified `(offset, bytes)`
/// it is given, in order ([`super::direct::ChunkWriter`]: directly to the disk where it can,
/// else with streaming writeback). The channel closes when the sender is
/// dropped; the handle then gives the first write error, if any (the writer stops at it).
pub(super) struct DiskWriter {
    pub to_disk: tokio::sync::mpsc::Sender<(u64, bytes::Bytes)>,
    pub done: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Where the written part ends (progress counts bytes on disk, not bytes queued).
    pub written: Arc<std::sync::atomic::AtomicU64>,
}

pub(super) fn spawn_writer(file: Arc<std::fs::File>, path: &Path, from: u64) -> DiskWriter {
    use std::sync::atomic::{AtomicU64, Ordering};
    let mut chunks = super::direct::ChunkWriter::new(file, path);
    tracing::debug!(
        direct = chunks.is_direct(),
        "download writer for {}",
        path.display()
    );
    let (to_disk, mut queued) = tokio::sync::mpsc::channel::<(u64, bytes::Bytes)>(WRITE_AHEAD);
    let written = Arc::new(AtomicU64::new(from));
    let end = written.clone();
    let done = tokio::task::spawn_blocking(move || {
        while let Some((offset, data)) = queued.blocking_recv() {
            chunks.write(offset, &data)?;
            end.store(offset + data.len() as u64, Ordering::Release);
        }
        Ok(())
    });
    DiskWriter {
        to_disk,
        done,
        written,
    }
}

/// After writing `[offset, offset + len)`: when a window boundary was crossed, start
/// writeback of the window just filled and wait for the one before it.
pub(super) fn write_back(f: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let end = offset + len;
    if end / WRITEBACK_WINDOW == offset / WRITEBACK_WINDOW && !end.is_multiple_of(WRITEBACK_WINDOW)
    {
        return;
    }
    let window = (end / WRITEBACK_WINDOW).saturating_sub(1) * WRITEBACK_WINDOW;
    let fd = f.as_raw_fd();
    // SAFETY: `fd` is an open file for the duration of the call; errors are only advisory.
    unsafe {
        libc::sync_file_range(
            fd,
            window as libc::off64_t,
            WRITEBACK_WINDOW as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        );
        if window >= WRITEBACK_WINDOW {
            libc::sync_file_range(
                fd,
                (window - WRITEBACK_WINDOW) as libc::off64_t,
                WRITEBACK_WINDOW as libc::off64_t,
                libc::SYNC_FILE_RANGE_WAIT_BEFORE
                    | libc::SYNC_FILE_RANGE_WRITE
                    | libc::SYNC_FILE_RANGE_WAIT_AFTER,
            );
        }
    }
}

/// Reads the partial file from the start and keeps the chunks that match the manifest: the
/// index of the first chunk to fetch, and the whole-file hash over what is kept. The file is
/// cut after the last good chunk, so nothing unverified stays on disk.
pub(super) async fn verify_prefix(
    file: &Arc<std::fs::File>,
    manifest: &Manifest,
) -> Result<(u64, WholeFileCheck), String> {
    let f = file.clone();
    let m = manifest.clone();
    tokio::task::spawn_blocking(move || {
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let mut whole = WholeFileCheck::default();
        let mut next = 0;
        let mut buf = vec![0u8; m.chunk_size as usize];
        while next < m.chunks() {
            let n = m.chunk_len(next);
            let at = m.offset(next);
            if at + n as u64 > len || f.read_exact_at(&mut buf[..n], at).is_err() {
                break;
            }
            if m.check_chunk(next, &buf[..n]).is_err() {
                break;
            }
            whole.update(&buf[..n]);
            next += 1;
        }
        let keep = if next >= m.chunks() {
            m.size
        } else {
            m.offset(next)
        };
        f.set_len(keep)
            .map_err(|e| format!("cannot trim the partial file: {e}"))?;
        Ok((next, whole))
    })
    .await
    .map_err(|e| e.to_string())?
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
