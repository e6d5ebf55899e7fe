//! The sender's side: reading and hashing a file to offer it, the transfer listener, and one
//! task per transfer connection that answers `file_manifest` and `file_get` for the peers a
//! transfer was offered to. Every chunk is hashed again as it is read and compared with the
//! manifest, so a file changed after the offer is refused rather than sent.

use super::channel::{self, Channel};
use super::Shared;
use bytes::Bytes;
use futures::SinkExt;
use p2pchat_engine::files::manifest::Manifest;
use p2pchat_engine::files::wire::{
    data_header, manifest_piece, TransferFrame, CHUNK, HASHES_PER_PIECE,
};
use p2pchat_engine::files::FileInput;
use p2pchat_engine::files::{HashedFile, ManifestBuilder};
use p2pchat_engine::limits::{
    FILE_CHUNK_SIZE, MAX_TRANSFER_CHUNKS, MAX_TRANSFER_CONNS, PROGRESS_INTERVAL,
};
use p2pchat_engine::node::rate::TokenBucket;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;

/// Reads `path` once: its manifest and whole-file hash (blocking; run off the async threads).
pub fn hash_file(path: &Path) -> Result<(Manifest, HashedFile), String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    let max = MAX_TRANSFER_CHUNKS * u64::from(FILE_CHUNK_SIZE);
    if meta.len() > max {
        return Err(format!(
            "{shown} is larger than {max} bytes, the most one transfer can carry"
        ));
    }
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut builder = ManifestBuilder::new(FILE_CHUNK_SIZE);
    let mut buf = vec![0u8; FILE_CHUNK_SIZE as usize];
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read {shown}: {e}")),
            }
        }
        if filled > 0 {
            builder.push(&buf[..filled]);
        }
        if filled < buf.len() {
            break;
        }
    }
    let (manifest, hash) = builder.finish();
    let hashed = HashedFile {
        size: manifest.size,
        hash,
        chunk_size: manifest.chunk_size,
        manifest: manifest.root(),
    };
    Ok((manifest, hashed))
}

/// Accepts transfer connections until the listener fails.
pub async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let (stream, addr) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!("transfer accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        if shared.conns.fetch_add(1, Ordering::SeqCst) >= MAX_TRANSFER_CONNS {
            shared.conns.fetch_sub(1, Ordering::SeqCst);
            tracing::debug!(%addr, "transfer connection refused: too many");
            continue;
        }
        let shared = shared.clone();
        tokio::spawn(async move {
            let result = serve(stream, &shared).await;
            shared.conns.fetch_sub(1, Ordering::SeqCst);
            if let Err(e) = result {
                tracing::info!(%addr, "transfer connection ended: {e}");
            }
        });
    }
}

async fn serve(stream: tokio::net::TcpStream, shared: &Shared) -> Result<(), String> {
    let mut ch = channel::open(
        stream,
        false,
        &shared.identity,
        &shared.name,
        shared.chat_port,
        None,
    )
    .await?;
    loop {
        let request = match ch.next_json().await {
            Ok(r) => r,
            Err(_) => return Ok(()),
        };
        let (id, from_chunk) = match request {
            TransferFrame::FileManifest { transfer_id } => (transfer_id, None),
            TransferFrame::FileGet {
                transfer_id,
                from_chunk,
            } => (transfer_id, Some(from_chunk)),
            _ => {
                ch.refuse("expected file_manifest or file_get").await;
                return Err("unexpected frame".into());
            }
        };
        let Some((path, manifest)) = shared.served_to(&id, &ch.peer) else {
            ch.refuse("no such transfer is offered to you").await;
            return Err(format!(
                "{} asked for {id}, not offered to it",
                ch.peer.fingerprint()
            ));
        };
        match from_chunk {
            None => send_manifest(&mut ch, &manifest).await?,
            Some(first) => send_chunks(&mut ch, shared, &id, &path, &manifest, first).await?,
        }
    }
}

async fn send_manifest(ch: &mut Channel, manifest: &Manifest) -> Result<(), String> {
    for (i, piece) in manifest.hashes.chunks(HASHES_PER_PIECE).enumerate() {
        let body = manifest_piece((i * HASHES_PER_PIECE) as u64, piece);
        ch.write
            .send(Bytes::from(body))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn send_chunks(
    ch: &mut Channel,
    shared: &Shared,
    id: &str,
    path: &Path,
    manifest: &Arc<Manifest>,
    first: u64,
) -> Result<(), String> {
    let file = Arc::new(std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?);
    let rate = shared.rate_limit;
    let mut bucket = TokenBucket::new(
        u32::try_from(rate).unwrap_or(u32::MAX),
        u32::try_from(rate.max(u64::from(FILE_CHUNK_SIZE))).unwrap_or(u32::MAX),
        Instant::now(),
    );
    let mut last_report = Instant::now();
    let mut since_report = 0u64;
    let mut chunks = read_ahead(file, manifest.clone(), first);
    for index in first..manifest.chunks() {
        if shared.served_to(id, &ch.peer).is_none() {
            ch.refuse("the transfer was cancelled").await;
            return Err("cancelled".into());
        }
        let frame = match chunks.recv().await {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                ch.refuse(&e).await;
                return Err(e);
            }
            None => return Err("the file reader stopped".into()),
        };
        let len = (frame.len() - 9) as u64;
        if rate > 0 {
            if let Some(wait) = bucket.take_n(Instant::now(), len) {
                tokio::time::sleep(wait).await;
            }
        }
        if let Err(e) = ch.write.send(frame).await {
            // What went out before the connection failed still counts as sent.
            report(shared, id, since_report, last_report.elapsed()).await;
            return Err(e.to_string());
        }
        since_report += len;
        let last = index + 1 == manifest.chunks();
        if last || last_report.elapsed() >= PROGRESS_INTERVAL {
            report(shared, id, since_report, last_report.elapsed()).await;
            since_report = 0;
            last_report = Instant::now();
        }
    }
    Ok(())
}

/// Adds `bytes` to what was sent of `id` and tells the actor (the sender's progress: it can
/// pass the size when chunks were sent again after an interruption).
async fn report(shared: &Shared, id: &str, bytes: u64, took: std::time::Duration) {
    let total = {
        let mut sent = shared.sent.lock().unwrap_or_else(|e| e.into_inner());
        let total = sent.entry(id.to_string()).or_insert(0);
        *total += bytes;
        *total
    };
    let secs = took.as_secs_f64();
    let rate = if secs > 0.0 {
        (bytes as f64 / secs) as u64
    } else {
        0
    };
    let _ = shared
        .to_actor
        .send(FileInput::Progress {
            transfer_id: id.to_string(),
            bytes: total,
            rate,
        })
        .await;
}

/// READ_AHEAD: chunk frames read, hashed and waiting to be sent on one transfer connection
/// (the reader works on the next chunks while one is encrypted and sent).
pub const READ_AHEAD: usize = 2;

/// A blocking reader of the chunks from `first` on, in order, each checked against the
/// manifest; it stops after an error, or when the receiver is dropped.
fn read_ahead(
    file: Arc<std::fs::File>,
    manifest: Arc<Manifest>,
    first: u64,
) -> tokio::sync::mpsc::Receiver<Result<Bytes, String>> {
    let (tx, rx) = tokio::sync::mpsc::channel(READ_AHEAD);
    tokio::task::spawn_blocking(move || {
        for index in first..manifest.chunks() {
            let chunk = read_chunk(&file, &manifest, index);
            let failed = chunk.is_err();
            if tx.blocking_send(chunk).is_err() || failed {
                break;
            }
        }
    });
    rx
}

/// Reads chunk `index` into a ready chunk frame, checking it against the manifest.
fn read_chunk(file: &std::fs::File, manifest: &Manifest, index: u64) -> Result<Bytes, String> {
    let len = manifest.chunk_len(index);
    let mut frame = vec![0u8; 9 + len];
    frame[..9].copy_from_slice(&data_header(CHUNK, index));
    file.read_exact_at(&mut frame[9..], manifest.offset(index))
        .map_err(|e| format!("cannot read the file: {e}"))?;
    manifest
        .check_chunk(index, &frame[9..])
        .map_err(|_| "the file changed since it was offered".to_string())?;
    Ok(Bytes::from(frame))
}
