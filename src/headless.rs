//! Headless front end: commands on stdin (the same language as the input line), one JSON
//! event per line on stdout. End of input or SIGINT/SIGTERM quits gracefully.

use crate::command::{self, UserCommand, COMMANDS};
use futures::StreamExt;
use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_runtime::NetHandle;
use std::collections::VecDeque;
use std::os::fd::AsFd;
use std::pin::Pin;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

/// Longest input line accepted; a longer one is refused whole with an error event.
pub const MAX_LINE: usize = 64 * 1024;

/// What a parsed line turns into: a command for the network, or a reply made here.
pub fn to_net_command(cmd: UserCommand) -> Result<NetCommand, serde_json::Value> {
    cmd.to_net_command().ok_or_else(|| {
        let commands: Vec<_> = COMMANDS
            .iter()
            .map(|(usage, help)| serde_json::json!({"usage": usage, "help": help}))
            .collect();
        serde_json::json!({"event": "help", "commands": commands})
    })
}

fn error_line(message: impl Into<String>) -> serde_json::Value {
    serde_json::to_value(NetEvent::Error {
        message: message.into(),
    })
    .expect("plain data")
}

/// A second handle on one of our standard streams, for tokio's pipe types (which take
/// ownership and make it non-blocking; fd 0 and 1 themselves stay open).
fn second_handle(fd: std::os::fd::BorrowedFd<'_>) -> Option<std::fs::File> {
    fd.try_clone_to_owned().ok().map(std::fs::File::from)
}

/// Commands in: when stdin is a pipe (a program driving this one), read through the reactor
/// with no thread in between; otherwise (a terminal, a file) tokio's stdin, which reads on a
/// blocking thread and so adds a hand-over to every line.
fn command_input() -> Pin<Box<dyn AsyncRead + Send>> {
    let piped = second_handle(std::io::stdin().as_fd())
        .and_then(|file| pipe::Receiver::from_file(file).ok());
    match piped {
        Some(receiver) => Box::pin(receiver),
        None => Box::pin(tokio::io::stdin()),
    }
}

/// Events out: a pipe is written through the reactor (a chat line reaches the reading program
/// without waking a blocking thread), anything else through tokio's stdout.
fn event_output() -> Pin<Box<dyn AsyncWrite + Send>> {
    let piped = second_handle(std::io::stdout().as_fd())
        .and_then(|file| pipe::Sender::from_file(file).ok());
    match piped {
        Some(sender) => Box::pin(sender),
        None => Box::pin(tokio::io::stdout()),
    }
}

/// Runs until the network reports `Stopped`.
pub async fn run(handle: NetHandle, mut events: mpsc::Receiver<NetEvent>) -> std::io::Result<()> {
    let mut input = FramedRead::new(command_input(), LinesCodec::new_with_max_length(MAX_LINE));
    let mut out = tokio::io::BufWriter::new(event_output());
    let mut pending: VecDeque<NetCommand> = VecDeque::new();
    let mut input_open = true;
    let mut quitting = false;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    loop {
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { break };
                let mut stopped = write_event(&mut out, &event).await?;
                while let Ok(more) = events.try_recv() {
                    stopped |= write_event(&mut out, &more).await?;
                }
                out.flush().await?;
                if stopped {
                    break;
                }
            }
            permit = handle.reserve(), if !pending.is_empty() => match permit {
                Ok(permit) => permit.send(pending.pop_front().expect("not empty")),
                Err(_) => break,
            },
            line = input.next(), if input_open && !quitting && pending.len() < 64 => {
                let reply = match line {
                    Some(Ok(line)) => match command::parse(&line) {
                        Ok(None) => None,
                        Ok(Some(cmd)) => match to_net_command(cmd) {
                            Ok(net) => {
                                quitting = net == NetCommand::Quit;
                                pending.push_back(net);
                                None
                            }
                            Err(local) => Some(local),
                        },
                        Err(message) => Some(error_line(message)),
                    },
                    Some(Err(LinesCodecError::MaxLineLengthExceeded)) => {
                        Some(error_line(format!("input line over {MAX_LINE} bytes ignored")))
                    }
                    Some(Err(LinesCodecError::Io(e))) if e.kind() == std::io::ErrorKind::InvalidData => {
                        Some(error_line("input line is not valid UTF-8; ignored"))
                    }
                    Some(Err(_)) | None => {
                        input_open = false;
                        quitting = true;
                        pending.push_back(NetCommand::Quit);
                        None
                    }
                };
                if let Some(v) = reply {
                    out.write_all(format!("{v}\n").as_bytes()).await?;
                    out.flush().await?;
                }
            }
            _ = term.recv() => { quitting = true; pending.push_back(NetCommand::Quit); }
            _ = int.recv() => { quitting = true; pending.push_back(NetCommand::Quit); }
            _ = hup.recv() => { quitting = true; pending.push_back(NetCommand::Quit); }
        }
    }
    out.flush().await
}

async fn write_event<W: tokio::io::AsyncWrite + Unpin>(
    out: &mut W,
    event: &NetEvent,
) -> std::io::Result<bool> {
    let mut line = serde_json::to_string(event).expect("events serialise");
    line.push('\n');
    out.write_all(line.as_bytes()).await?;
    Ok(matches!(event, NetEvent::Stopped))
}
