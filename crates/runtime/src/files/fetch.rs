//! The receiver's side: one task per accepted transfer. It picks the target (never an
//! existing file), checks free space, dials the sender's transfer port, proves both
//! identities, takes the manifest (checked against the signed root), re-verifies the partial
//! file already on disk, asks for the chunks after it, checks each one before writing it,
//! checks the whole file, and renames it into place. A failed connection is retried with
//! backoff and resumes from the verified bytes; a cancelled task stops between frames.

use super::channel::{self, clean};
use super::disk::{
    choose_target, free_space, part_path, settle, spawn_writer, verify_prefix, DiskWriter,
};
use super::Shared;
use p2pchat_engine::files::manifest::{Hash, Manifest};
use p2pchat_engine::files::wire::{parse_data, TransferData, TransferFrame};
use p2pchat_engine::files::{FetchOrder, FileInput, WholeFileCheck};
use p2pchat_engine::limits::{FETCH_RETRY, FETCH_RETRY_MAX, MAX_CHUNK_FAILURES, PROGRESS_INTERVAL};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// TRANSFER_STALL: a transfer connection that brings nothing for this long is given up and
/// dialed again (a cut link is noticed by this, or by the kernel).
pub const TRANSFER_STALL: Duration = Duration::from_secs(10);

/// How a fetch ended, other than done.
enum Stop {
    /// Try again later (connection trouble).
    Retry(String),
    /// Give up: the reason is told to the user and the sender.
    Fail(String),
    Cancelled,
}

/// What one fetch task needs.
pub struct FetchTask {
    pub order: FetchOrder,
    pub addr: SocketAddr,
    pub download_dir: PathBuf,
    pub shared: Arc<Shared>,
    pub to_actor: mpsc::Sender<FileInput>,
    pub cancel: CancellationToken,
    /// Set with `cancel` when the partial file must be deleted.
    pub discard: Arc<std::sync::atomic::AtomicBool>,
}

impl FetchTask {
    pub async fn run(self) {
        let id = self.order.transfer_id.clone();
        let result = self.fetch().await;
        let report = match result {
            Ok(path) => Some(Ok(path.display().to_string())),
            Err(Stop::Fail(reason)) => Some(Err(reason)),
            Err(Stop::Retry(_)) | Err(Stop::Cancelled) => None,
        };
        if let Some(result) = report {
            let _ = self
                .to_actor
                .send(FileInput::Fetched {
                    transfer_id: id,
                    result,
                })
                .await;
        }
    }

    async fn fetch(&self) -> Result<PathBuf, Stop> {
        let target = self.target()?;
        let part = part_path(&target);
        let _ = self
            .to_actor
            .send(FileInput::Target {
                transfer_id: self.order.transfer_id.clone(),
                path: target.display().to_string(),
            })
            .await;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&part)
            .map_err(|e| Stop::Fail(format!("cannot write {}: {e}", part.display())))?;
        let file = Arc::new(file);
        let have = file.metadata().map(|m| m.len()).unwrap_or(0);
        let dir = target.parent().unwrap_or(Path::new("."));
        let free = free_space(dir).map_err(Stop::Fail)?;
        let need = self.order.size.saturating_sub(have);
        if free < need {
            return Err(self.discarding(
                &part,
                Stop::Fail(format!(
                    "not enough disk space in {}: {need} bytes needed, {free} free",
                    dir.display()
                )),
            ));
        }
        let mut state = Progress::default();
        let mut backoff = FETCH_RETRY;
        loop {
            let attempt = self.attempt(&file, &part, &mut state);
            let outcome = tokio::select! {
                r = attempt => r,
                _ = self.cancel.cancelled() => Err(Stop::Cancelled),
            };
            match outcome {
                Ok(()) => break,
                Err(Stop::Retry(why)) => {
                    tracing::info!(transfer = %self.order.transfer_id, "transfer interrupted ({why}); retrying");
                    if state.advanced {
                        backoff = FETCH_RETRY;
                    }
                    state.advanced = false;
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = self.cancel.cancelled() => return Err(self.discarding(&part, Stop::Cancelled)),
                    }
                    backoff = (backoff * 2).min(FETCH_RETRY_MAX);
                }
                Err(stop) => return Err(self.discarding(&part, stop)),
            }
        }
        let synced = file.sync_all();
        drop(file);
        synced.map_err(|e| Stop::Fail(format!("cannot write {}: {e}", part.display())))?;
        settle(&part, &target).map_err(Stop::Fail)
    }

    /// Deletes the partial file when the transfer is over for good (a failure that cannot
    /// be resumed, or a cancel that asked for it).
    fn discarding(&self, part: &Path, stop: Stop) -> Stop {
        let discard = match &stop {
            Stop::Fail(_) => true,
            Stop::Cancelled => self.discard.load(std::sync::atomic::Ordering::SeqCst),
            Stop::Retry(_) => false,
        };
        if discard {
            let _ = std::fs::remove_file(part);
        }
        stop
    }

    fn target(&self) -> Result<PathBuf, Stop> {
        if let Some(t) = &self.order.target {
            return Ok(PathBuf::from(t));
        }
        let dir = match &self.order.dir {
            Some(d) => {
                let d = super::expand_home(d);
                if !d.is_dir() {
                    return Err(Stop::Fail(format!("{} is not a directory", d.display())));
                }
                d
            }
            None => {
                std::fs::create_dir_all(&self.download_dir).map_err(|e| {
                    Stop::Fail(format!(
                        "cannot create the download directory {}: {e}",
                        self.download_dir.display()
                    ))
                })?;
                self.download_dir.clone()
            }
        };
        choose_target(&dir, &self.order.name).map_err(Stop::Fail)
    }

    /// One connection: manifest, then the chunks after the verified prefix.
    async fn attempt(
        &self,
        file: &Arc<std::fs::File>,
        part: &Path,
        state: &mut Progress,
    ) -> Result<(), Stop> {
        let stream = tokio::time::timeout(
            Duration::from_secs(3),
            tokio::net::TcpStream::connect(self.addr),
        )
        .await
        .map_err(|_| Stop::Retry("connect timed out".into()))?
        .map_err(|e| Stop::Retry(format!("cannot connect: {e}")))?;
        let s = &self.shared;
        let mut ch = channel::open(
            stream,
            true,
            &s.identity,
            &s.name,
            s.chat_port,
            Some(self.order.from),
        )
        .await
        .map_err(Stop::Retry)?;
        let id = self.order.transfer_id.clone();
        if state.manifest.is_none() {
            send(
                &mut ch,
                TransferFrame::FileManifest {
                    transfer_id: id.clone(),
                },
            )
            .await?;
            let manifest = self.read_manifest(&mut ch).await?;
            let (next, whole) = verify_prefix(file, &manifest).await.map_err(Stop::Fail)?;
            state.next = next;
            state.whole = whole;
            state.bytes = manifest.offset(next).min(manifest.size);
            state.manifest = Some(Arc::new(manifest));
            self.report(state, true).await;
        }
        let manifest = state.manifest.clone().expect("set above");
        if state.next >= manifest.chunks() {
            return self.finish(state);
        }
        send(
            &mut ch,
            TransferFrame::FileGet {
                transfer_id: id,
                from_chunk: state.next,
            },
        )
        .await?;
        // Chunks are written by their own thread while the next ones arrive; whatever ends
        // the loop, what was queued is on disk (or the write failed) before going on.
        let writer = spawn_writer(file.clone(), part, manifest.offset(state.next));
        let received = self
            .receive_chunks(&mut ch, &manifest, state, &writer)
            .await;
        drop(writer.to_disk);
        writer
            .done
            .await
            .map_err(|e| Stop::Fail(e.to_string()))?
            .map_err(|e| Stop::Fail(format!("cannot write the partial file: {e}")))?;
        state.bytes = manifest.offset(state.next).min(manifest.size);
        received?;
        self.finish(state)
    }

    /// Receives, checks and queues for the writer the chunks from `state.next` on.
    async fn receive_chunks(
        &self,
        ch: &mut channel::Channel,
        manifest: &Manifest,
        state: &mut Progress,
        writer: &DiskWriter,
    ) -> Result<(), Stop> {
        while state.next < manifest.chunks() {
            let frame = tokio::time::timeout(TRANSFER_STALL, ch.next())
                .await
                .map_err(|_| Stop::Retry("nothing received for a while".into()))?
                .map_err(Stop::Retry)?;
            let (index, bytes) = match parse_data(&frame) {
                Ok(Some(TransferData::Chunk { index, bytes })) => (index, bytes),
                Ok(None) => return Err(refused(&frame)),
                Ok(Some(TransferData::ManifestPiece { .. })) | Err(_) => {
                    return Err(Stop::Retry("malformed transfer frame".into()))
                }
            };
            if index != state.next || manifest.check_chunk(index, bytes).is_err() {
                // Refused and not written; asked again on a new connection.
                state.failures += 1;
                tracing::warn!(transfer = %self.order.transfer_id, index, "chunk refused: does not match the manifest");
                if state.failures >= MAX_CHUNK_FAILURES {
                    return Err(Stop::Fail(format!(
                        "chunk {} did not match the signed manifest {} times; refused, nothing unverified was written",
                        state.next, state.failures
                    )));
                }
                return Err(Stop::Retry(format!("chunk {index} refused")));
            }
            let offset = manifest.offset(index);
            let data = frame.slice(frame.len() - bytes.len()..);
            state.whole.update(&data);
            if writer.to_disk.send((offset, data)).await.is_err() {
                // The writer stopped at an error: the caller reports it.
                return Ok(());
            }
            state.next += 1;
            state.failures = 0;
            state.advanced = true;
            let on_disk = writer.written.load(std::sync::atomic::Ordering::Acquire);
            state.bytes = on_disk.min(manifest.size);
            self.report(state, false).await;
        }
        Ok(())
    }

    fn finish(&self, state: &Progress) -> Result<(), Stop> {
        if state.whole.matches(&self.order.hash) {
            Ok(())
        } else {
            Err(Stop::Fail(
                "the whole file does not match the offered hash; deleted".into(),
            ))
        }
    }

    async fn read_manifest(&self, ch: &mut channel::Channel) -> Result<Manifest, Stop> {
        let o = &self.order;
        let count = p2pchat_engine::files::manifest::chunk_count(o.size, o.chunk_size);
        let mut hashes: Vec<Hash> = Vec::new();
        while (hashes.len() as u64) < count {
            let frame = tokio::time::timeout(TRANSFER_STALL, ch.next())
                .await
                .map_err(|_| Stop::Retry("nothing received for a while".into()))?
                .map_err(Stop::Retry)?;
            match parse_data(&frame) {
                Ok(Some(TransferData::ManifestPiece { first, hashes: h }))
                    if first == hashes.len() as u64 && (hashes.len() + h.len()) as u64 <= count =>
                {
                    hashes.extend(h)
                }
                Ok(None) => return Err(refused(&frame)),
                _ => {
                    return Err(Stop::Fail(
                        "manifest does not match the signed offer".into(),
                    ))
                }
            }
        }
        Manifest::verified(o.size, o.chunk_size, hashes, &o.manifest)
            .map_err(|e| Stop::Fail(e.to_string()))
    }

    async fn report(&self, state: &mut Progress, force: bool) {
        let now = Instant::now();
        let due = state
            .last_report
            .is_none_or(|t| now - t >= PROGRESS_INTERVAL);
        if !(force || due) {
            return;
        }
        let rate = match state.last_report {
            Some(t) if now > t => {
                let secs = (now - t).as_secs_f64();
                (state.bytes.saturating_sub(state.reported_bytes) as f64 / secs) as u64
            }
            _ => 0,
        };
        state.last_report = Some(now);
        state.reported_bytes = state.bytes;
        let _ = self
            .to_actor
            .send(FileInput::Progress {
                transfer_id: self.order.transfer_id.clone(),
                bytes: state.bytes,
                rate,
            })
            .await;
    }
}

/// What a fetch knows across its connections.
#[derive(Default)]
struct Progress {
    manifest: Option<Arc<Manifest>>,
    /// The first chunk not yet verified on disk.
    next: u64,
    bytes: u64,
    whole: WholeFileCheck,
    /// Consecutive refused copies of chunk `next`.
    failures: u32,
    /// A chunk was written since the last retry (the backoff starts again).
    advanced: bool,
    last_report: Option<Instant>,
    reported_bytes: u64,
}

async fn send(ch: &mut channel::Channel, frame: TransferFrame) -> Result<(), Stop> {
    ch.send_json(&frame)
        .await
        .map_err(|e| Stop::Retry(e.to_string()))
}

/// A JSON frame where data was expected: the sender refused (cancelled, changed file, not
/// offered to us). That ends the transfer.
fn refused(frame: &[u8]) -> Stop {
    match serde_json::from_slice::<TransferFrame>(frame) {
        Ok(TransferFrame::Reject { message, .. }) => {
            Stop::Fail(format!("the sender refused: {}", clean(&message)))
        }
        _ => Stop::Retry("unexpected frame from the sender".into()),
    }
}
