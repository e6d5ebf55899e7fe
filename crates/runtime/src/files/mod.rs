//! File transfer's I/O, driven by the engine's `files` sub-machine through
//! [`FileOutput`]s and reporting back as [`FileInput`]s: hashing files to offer, the transfer
//! listener and its serving tasks ([`serve`]), and one fetch task per accepted transfer
//! ([`fetch`]), each on its own authenticated, encrypted connection ([`channel`]), so a large
//! file never queues with chat frames.

mod channel;
mod direct;
mod disk;
mod fetch;
mod serve;

#[cfg(test)]
mod tests;

pub use disk::{choose_target, part_path, settle};
pub use serve::hash_file;

use fetch::FetchTask;
use p2pchat_engine::files::{FileInput, FileOutput, Manifest};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::PeerId;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// FILE_EVENT_QUEUE: reports from transfer tasks waiting for the actor (progress is
/// throttled, so this is never long).
pub const FILE_EVENT_QUEUE: usize = 256;

/// A file we offer: where it is, its manifest, and who may fetch it (empty until the offer
/// is signed and sent).
struct Served {
    path: PathBuf,
    manifest: Arc<Manifest>,
    allowed: Vec<PeerId>,
}

/// What serving and fetching tasks share.
pub struct Shared {
    identity: Identity,
    name: String,
    chat_port: u16,
    served: Mutex<HashMap<String, Served>>,
    /// Transfer connections being served (MAX_TRANSFER_CONNS).
    conns: AtomicUsize,
    /// Bytes of chunks sent per transfer, over all its connections (the sender's progress).
    sent: Mutex<HashMap<String, u64>>,
    /// TRANSFER_RATE per connection, bytes per second; 0: no limit.
    rate_limit: u64,
    to_actor: mpsc::Sender<FileInput>,
}

impl Shared {
    /// The file and manifest of `id` if it is offered to `peer`.
    fn served_to(&self, id: &str, peer: &PeerId) -> Option<(PathBuf, Arc<Manifest>)> {
        let served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        served
            .get(id)
            .filter(|s| s.allowed.contains(peer))
            .map(|s| (s.path.clone(), s.manifest.clone()))
    }
}

/// A running fetch.
struct Running {
    cancel: CancellationToken,
    discard: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

/// TRANSFER_THREADS: worker threads of the transfer runtime.
pub const TRANSFER_THREADS: usize = 2;
/// TRANSFER_NICE: how much lower the transfer threads' scheduling priority is than the
/// chat's (Linux `nice` of each thread).
pub const TRANSFER_NICE: i32 = 10;

/// The transfers' own tokio runtime. Hashing, encryption and disk work for files runs on its
/// threads, at a lower priority, never on the threads of the network actor and the front end:
/// a busy transfer cannot hold up a chat line (the actor only sees progress reports).
struct TransferRuntime(Option<tokio::runtime::Runtime>);

impl TransferRuntime {
    fn new() -> std::io::Result<TransferRuntime> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(TRANSFER_THREADS)
            .thread_name("p2pchat-files")
            .on_thread_start(lower_priority)
            .enable_all()
            .build()?;
        Ok(TransferRuntime(Some(rt)))
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.0.as_ref().expect("running until dropped").handle()
    }
}

impl Drop for TransferRuntime {
    fn drop(&mut self) {
        // Dropped from inside the actor's runtime: do not wait for its tasks.
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// Gives the calling thread a lower priority (on Linux, `setpriority` with 0 names the
/// calling thread).
fn lower_priority() {
    // SAFETY: plain libc call on the current thread; failure only leaves the priority as is.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, TRANSFER_NICE);
    }
}

/// The actor's side of file transfers.
pub struct FileService {
    runtime: TransferRuntime,
    shared: Arc<Shared>,
    fetches: HashMap<String, Running>,
    to_actor: mpsc::Sender<FileInput>,
    download_dir: PathBuf,
    /// The transfer listener's port.
    pub port: u16,
    listener_task: JoinHandle<()>,
}

impl FileService {
    /// Binds the transfer listener on `bind` (any free port) and starts accepting.
    pub async fn start(
        identity: Identity,
        name: String,
        bind: IpAddr,
        chat_port: u16,
        download_dir: PathBuf,
        rate_limit: u64,
    ) -> std::io::Result<(FileService, mpsc::Receiver<FileInput>)> {
        let listener = TcpListener::bind((bind, 0)).await?.into_std()?;
        let port = listener.local_addr()?.port();
        let runtime = TransferRuntime::new()?;
        let (to_actor, rx) = mpsc::channel(FILE_EVENT_QUEUE);
        let shared = Arc::new(Shared {
            identity,
            name,
            chat_port,
            served: Mutex::new(HashMap::new()),
            conns: AtomicUsize::new(0),
            sent: Mutex::new(HashMap::new()),
            rate_limit,
            to_actor: to_actor.clone(),
        });
        let accepting = shared.clone();
        let listener_task = runtime.handle().spawn(async move {
            match TcpListener::from_std(listener) {
                Ok(l) => serve::accept_loop(l, accepting).await,
                Err(e) => tracing::error!("transfer listener failed: {e}"),
            }
        });
        Ok((
            FileService {
                runtime,
                shared,
                fetches: HashMap::new(),
                to_actor,
                download_dir,
                port,
                listener_task,
            },
            rx,
        ))
    }

    /// Carries out one piece of work the engine asked for.
    pub fn handle(&mut self, work: FileOutput) {
        match work {
            FileOutput::Hash { transfer_id, path } => {
                let (shared, tx) = (self.shared.clone(), self.to_actor.clone());
                self.runtime.handle().spawn(async move {
                    let file = expand_home(&path);
                    let hashed = {
                        let file = file.clone();
                        tokio::task::spawn_blocking(move || hash_file(&file)).await
                    };
                    let result = match hashed {
                        Ok(Ok((manifest, hashed))) => {
                            let mut served =
                                shared.served.lock().unwrap_or_else(|e| e.into_inner());
                            served.insert(
                                transfer_id.clone(),
                                Served {
                                    path: file,
                                    manifest: Arc::new(manifest),
                                    allowed: Vec::new(),
                                },
                            );
                            Ok(hashed)
                        }
                        Ok(Err(e)) => Err(e),
                        Err(e) => Err(format!("cannot read {path}: {e}")),
                    };
                    let _ = tx
                        .send(FileInput::Hashed {
                            transfer_id,
                            result,
                        })
                        .await;
                });
            }
            FileOutput::Serve {
                transfer_id,
                allowed,
            } => {
                let mut served = self.shared.served.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(s) = served.get_mut(&transfer_id) {
                    s.allowed = allowed;
                }
            }
            FileOutput::StopServe { transfer_id } => {
                let mut served = self.shared.served.lock().unwrap_or_else(|e| e.into_inner());
                served.remove(&transfer_id);
                let mut sent = self.shared.sent.lock().unwrap_or_else(|e| e.into_inner());
                sent.remove(&transfer_id);
            }
            FileOutput::Fetch { order, addr } => {
                let id = order.transfer_id.clone();
                let previous = self.fetches.remove(&id);
                if let Some(p) = &previous {
                    p.cancel.cancel();
                }
                let cancel = CancellationToken::new();
                let discard = Arc::new(AtomicBool::new(false));
                let task = FetchTask {
                    order,
                    addr,
                    download_dir: self.download_dir.clone(),
                    shared: self.shared.clone(),
                    to_actor: self.to_actor.clone(),
                    cancel: cancel.clone(),
                    discard: discard.clone(),
                };
                let task = self.runtime.handle().spawn(async move {
                    // One task per transfer touches its partial file at a time.
                    if let Some(p) = previous {
                        let _ = p.task.await;
                    }
                    task.run().await
                });
                self.fetches.insert(
                    id,
                    Running {
                        cancel,
                        discard,
                        task,
                    },
                );
            }
            FileOutput::StopFetch {
                transfer_id,
                discard,
                target,
            } => match self.fetches.remove(&transfer_id) {
                Some(r) => {
                    r.discard
                        .store(discard, std::sync::atomic::Ordering::SeqCst);
                    r.cancel.cancel();
                }
                None => {
                    if let (true, Some(t)) = (discard, target) {
                        let _ = std::fs::remove_file(part_path(Path::new(&t)));
                    }
                }
            },
        }
        self.fetches.retain(|_, r| !r.task.is_finished());
    }

    /// Stops every task (at shutdown). Partial files stay for the next run.
    pub fn stop(&mut self) {
        self.listener_task.abort();
        for (_, r) in self.fetches.drain() {
            r.cancel.cancel();
        }
    }
}

/// `~/x` → `$HOME/x`; anything else as given.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}
