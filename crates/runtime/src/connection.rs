//! One TCP connection as two tasks: a reader that first makes the connection secure (preamble
//! and Noise handshake, [`crate::secure`]) and then turns records into frames (length limit
//! checked before allocating, rate-limited by backpressure), and a writer that, once the
//! channel is secure, encrypts and drains a bounded queue. The actor talks to them only
//! through channels.

use crate::budget::{Charge, ConnBudget, RECORD_OVERHEAD};
use crate::codec::Records;
use crate::secure::{establish, Failure};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use p2pchat_engine::limits::Limits;
use p2pchat_engine::node::rate::{frame_cost, TokenBucket};
use p2pchat_engine::node::{ConnId, Refusal};
use p2pchat_engine::wire::secure::SecureCodec;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::codec::{FramedRead, FramedWrite};

/// From a reader task to the actor.
#[derive(Debug)]
pub enum ConnMsg {
    /// The Noise handshake finished; comes before any frame.
    Secured {
        conn: ConnId,
        binding: [u8; 32],
    },
    /// The preamble showed a version mismatch; the connection is closed.
    Refused {
        conn: ConnId,
        refusal: Refusal,
    },
    Frame {
        conn: ConnId,
        bytes: Bytes,
    },
    Closed {
        conn: ConnId,
        error: Option<String>,
    },
}

/// To a writer task.
#[derive(Debug)]
pub enum WriterMsg {
    /// A frame and the bytes it holds of the connection's budget, released once written.
    Frame(Bytes, Charge),
    /// Flush and close.
    Close,
}

/// The actor's side of a connection.
#[derive(Debug)]
pub struct ConnHandle {
    pub writer: mpsc::Sender<WriterMsg>,
    /// What is queued to the writer, in bytes (`OUTBOUND_QUEUE_BYTES`).
    pub budget: ConnBudget,
    pub reader: JoinHandle<()>,
    pub writer_task: JoinHandle<()>,
    /// Tokens the engine charged for signatures beyond one per frame, not yet taken by the
    /// reader (it takes them with its next frame).
    pub debt: Arc<AtomicU64>,
}

impl ConnHandle {
    /// Adds `tokens` to what the reader must take from its rate limit with its next frame.
    pub fn charge(&self, tokens: u64) {
        self.debt.fetch_add(tokens, Ordering::Relaxed);
    }
}

impl ConnHandle {
    /// Queues `frame` for the writer; false if the peer is too slow: its queue is full, or
    /// the frame would pass its OUTBOUND_QUEUE_BYTES or the OUTBOUND_TOTAL_BYTES of all.
    pub fn queue(&self, frame: Bytes) -> bool {
        self.budget
            .charge(frame.len() + RECORD_OVERHEAD)
            .is_ok_and(|c| self.writer.try_send(WriterMsg::Frame(frame, c)).is_ok())
    }
}

/// A write that makes no progress for this long ends the connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// WRITE_BUFFER_KEEP: a writer's buffer grown past this for a burst is given back once it
/// has been written, so an idle connection holds no burst-sized allocation.
const WRITE_BUFFER_KEEP: usize = 64 * 1024;

type WriteHalf = tokio::net::tcp::OwnedWriteHalf;

/// Starts the reader and writer tasks of `stream` (`outbound`: we dialed it). The handshake
/// is given up after `handshake_timeout` (the core enforces the same limit).
pub fn spawn(
    conn: ConnId,
    stream: TcpStream,
    outbound: bool,
    limits: &Limits,
    handshake_timeout: Duration,
    to_actor: mpsc::Sender<ConnMsg>,
    budget: ConnBudget,
) -> ConnHandle {
    let _ = stream.set_nodelay(true);
    let (writer, writer_rx) = mpsc::channel(limits.outbound_queue);
    let (halves_tx, halves_rx) = tokio::sync::oneshot::channel::<(WriteHalf, SecureCodec)>();
    let (rate, burst) = (limits.max_frames_per_sec, limits.frame_burst);
    let max_frame_len = limits.max_frame_len;
    let debt = Arc::new(AtomicU64::new(0));
    let reader_debt = debt.clone();
    let reader = tokio::spawn(async move {
        let mut stream = stream;
        let secured = tokio::time::timeout(
            handshake_timeout,
            establish(&mut stream, outbound, max_frame_len),
        )
        .await
        .unwrap_or_else(|_| Err(Failure::Error("handshake took too long".into())));
        let codec = match secured {
            Ok((binding, codec)) => {
                if to_actor
                    .send(ConnMsg::Secured { conn, binding })
                    .await
                    .is_err()
                {
                    return;
                }
                codec
            }
            Err(Failure::Refused(refusal)) => {
                let _ = to_actor.send(ConnMsg::Refused { conn, refusal }).await;
                return;
            }
            Err(Failure::Error(e)) => {
                let _ = to_actor
                    .send(ConnMsg::Closed {
                        conn,
                        error: Some(e),
                    })
                    .await;
                return;
            }
        };
        let (read_half, write_half) = stream.into_split();
        let _ = halves_tx.send((write_half, codec.clone()));
        let mut frames = FramedRead::new(read_half, Records(codec));
        let mut bucket = TokenBucket::new(rate, burst, std::time::Instant::now());
        let error = loop {
            match frames.next().await {
                Some(Ok(bytes)) => {
                    // Per record, per size and per signature verified (core::rate).
                    let cost = frame_cost(
                        frames.decoder_mut().take_opened(),
                        bytes.len(),
                        reader_debt.swap(0, Ordering::Relaxed),
                    );
                    if let Some(wait) = bucket.take_n(std::time::Instant::now(), cost) {
                        tokio::time::sleep(wait).await;
                    }
                    if to_actor.send(ConnMsg::Frame { conn, bytes }).await.is_err() {
                        return;
                    }
                }
                Some(Err(e)) => break Some(describe_read_error(&e)),
                None => break None,
            }
        };
        let _ = to_actor.send(ConnMsg::Closed { conn, error }).await;
    });
    let writer_task = tokio::spawn(async move {
        // Nothing is written before the channel is secure; if the handshake fails, the reader
        // drops the sender and the queued frames are dropped with the connection.
        if let Ok((write_half, codec)) = halves_rx.await {
            write_loop(FramedWrite::new(write_half, Records(codec)), writer_rx).await;
        }
    });
    ConnHandle {
        writer,
        budget,
        reader,
        writer_task,
        debt,
    }
}

fn describe_read_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    if text.contains("size limit") {
        "frame over the size limit; connection closed".into()
    } else if p2pchat_engine::node::is_connection_lost(e.kind()) {
        format!("{}: {text}", p2pchat_engine::node::CONNECTION_LOST)
    } else {
        format!("connection error: {text}")
    }
}

async fn write_loop(mut sink: FramedWrite<WriteHalf, Records>, mut rx: mpsc::Receiver<WriterMsg>) {
    let mut held: Vec<Charge> = Vec::new();
    while let Some(WriterMsg::Frame(first, charge)) = rx.recv().await {
        // Write this frame and whatever else is already queued, then flush once. A peer that
        // takes in nothing for WRITE_TIMEOUT is given up on. The frames' charges are held
        // until the flush, while their bytes sit in the writer's buffer.
        held.push(charge);
        let batch = async {
            sink.feed(first).await?;
            let mut closing = false;
            loop {
                match rx.try_recv() {
                    Ok(WriterMsg::Frame(b, charge)) => {
                        held.push(charge);
                        sink.feed(b).await?
                    }
                    Ok(WriterMsg::Close) => {
                        closing = true;
                        break;
                    }
                    Err(_) => break,
                }
            }
            SinkExt::<Bytes>::flush(&mut sink).await?;
            Ok::<bool, std::io::Error>(closing)
        };
        let result = tokio::time::timeout(WRITE_TIMEOUT, batch).await;
        held.clear();
        if sink.write_buffer().capacity() > WRITE_BUFFER_KEEP && sink.write_buffer().is_empty() {
            *sink.write_buffer_mut() = bytes::BytesMut::new();
        }
        match result {
            Ok(Ok(false)) => {}
            Ok(Ok(true)) => break,
            _ => return,
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.get_mut().shutdown()).await;
}
