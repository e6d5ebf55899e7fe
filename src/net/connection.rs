//! One TCP connection as two tasks: a reader that turns bytes into frames (length limit
//! checked before allocating, rate-limited by backpressure) and a writer that drains a bounded
//! queue. The actor talks to them only through channels.

use super::rate::TokenBucket;
use crate::config::Limits;
use crate::core::ConnId;
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::codec::{FramedRead, FramedWrite};

/// From a reader task to the actor.
#[derive(Debug)]
pub enum ConnMsg {
    Frame { conn: ConnId, bytes: Bytes },
    Closed { conn: ConnId, error: Option<String> },
}

/// To a writer task.
#[derive(Debug)]
pub enum WriterMsg {
    Frame(Bytes),
    /// Flush and close.
    Close,
}

/// The actor's side of a connection.
#[derive(Debug)]
pub struct ConnHandle {
    pub writer: mpsc::Sender<WriterMsg>,
    pub reader: JoinHandle<()>,
    pub writer_task: JoinHandle<()>,
}

/// A write that makes no progress for this long ends the connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the reader and writer tasks of `stream`.
pub fn spawn(
    conn: ConnId,
    stream: TcpStream,
    limits: &Limits,
    to_actor: mpsc::Sender<ConnMsg>,
) -> ConnHandle {
    let _ = stream.set_nodelay(true);
    let (read_half, write_half) = stream.into_split();
    let (writer, writer_rx) = mpsc::channel(limits.outbound_queue);
    let codec = crate::proto::frame_codec(limits.max_frame_len);
    let reader_codec = codec.clone();
    let (rate, burst) = (limits.max_frames_per_sec, limits.frame_burst);
    let reader = tokio::spawn(async move {
        let mut frames = FramedRead::new(read_half, reader_codec);
        let mut bucket = TokenBucket::new(rate, burst, std::time::Instant::now());
        let error = loop {
            match frames.next().await {
                Some(Ok(bytes)) => {
                    if let Some(wait) = bucket.take(std::time::Instant::now()) {
                        tokio::time::sleep(wait).await;
                    }
                    if to_actor
                        .send(ConnMsg::Frame {
                            conn,
                            bytes: bytes.freeze(),
                        })
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Some(Err(e)) => break Some(describe_read_error(&e)),
                None => break None,
            }
        };
        let _ = to_actor.send(ConnMsg::Closed { conn, error }).await;
    });
    let writer_task = tokio::spawn(write_loop(FramedWrite::new(write_half, codec), writer_rx));
    ConnHandle {
        writer,
        reader,
        writer_task,
    }
}

fn describe_read_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    if text.contains("frame size too big") {
        "frame over the size limit; connection closed".into()
    } else {
        format!("connection error: {text}")
    }
}

async fn write_loop(
    mut sink: FramedWrite<tokio::net::tcp::OwnedWriteHalf, tokio_util::codec::LengthDelimitedCodec>,
    mut rx: mpsc::Receiver<WriterMsg>,
) {
    while let Some(WriterMsg::Frame(first)) = rx.recv().await {
        // Write this frame and whatever else is already queued, then flush once. A peer that
        // takes in nothing for WRITE_TIMEOUT is given up on.
        let batch = async {
            sink.feed(first).await?;
            let mut closing = false;
            loop {
                match rx.try_recv() {
                    Ok(WriterMsg::Frame(b)) => sink.feed(b).await?,
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
        match tokio::time::timeout(WRITE_TIMEOUT, batch).await {
            Ok(Ok(false)) => {}
            Ok(Ok(true)) => break,
            _ => return,
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.get_mut().shutdown()).await;
}
