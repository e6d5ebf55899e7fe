//! The event loop: the one place with I/O. Selects over terminal input, network events, a
//! 1 s tick and termination signals; drains everything ready, then draws once per batch.

use std::io::{self, Write};
use std::task::Poll;
use std::time::Duration;

use chrono::Local;
use crossterm::event::{Event, EventStream, MouseButton, MouseEventKind};
use futures::StreamExt;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::Receiver;
use tokio::time::{interval, sleep, Instant, MissedTickBehavior};

use super::model::attention;
use super::model::keymap::{self, Key, Mode};
use super::model::{self, apply, update, Action, AppState, Effect, Now};
use super::saved::{self, Saved};
use super::terminal::{set_mouse_capture, write_alerts, NotifyCode, Term, TerminalGuard};
use super::{view, TuiOptions};
use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_runtime::{HandleError, NetHandle};

/// Events handled per batch before drawing, so a flood cannot starve the screen.
const MAX_BATCH: usize = 512;
/// A read point this much newer than the saved one is written at the next tick (a `kill -9`
/// may lose up to this much: those lines are then marked unread after the restart).
const READ_POINT_SLACK_MS: i64 = 5_000;
/// How long quitting waits for the network's `Stopped`.
const QUIT_TIMEOUT: Duration = Duration::from_secs(2);

fn now() -> Now {
    Now::from_local(Local::now())
}

/// Runs the interface until the user quits, a termination signal arrives, or the terminal
/// fails. The terminal is restored on every path (and by a panic hook).
pub async fn run(
    handle: NetHandle,
    mut events: Receiver<NetEvent>,
    opts: TuiOptions,
) -> io::Result<()> {
    let mut guard = TerminalGuard::enter(opts.mouse)?;
    let mut state = AppState::new(&opts, now());
    let mut keeper = Keeper::start(&opts, &mut state);
    let result = event_loop(
        &mut guard.terminal,
        &handle,
        &mut events,
        &mut state,
        opts.mouse,
        &mut keeper,
    )
    .await;
    shutdown(&mut guard.terminal, &handle, &mut events, &mut state).await;
    keeper.save(&state, true);
    drop(guard);
    result
}

/// Keeps the read point and input history in the profile ([`saved`]).
struct Keeper {
    path: Option<std::path::PathBuf>,
    written: Saved,
    /// A write failed once: said once, not again.
    failed: bool,
}

impl Keeper {
    /// Loads what an earlier run kept into `state`.
    fn start(opts: &TuiOptions, state: &mut AppState) -> Keeper {
        let loaded = match &opts.saved_path {
            Some(path) => saved::load(path).unwrap_or_else(|why| {
                state.set_status(why, model::state::Level::Warning);
                Saved::default()
            }),
            None => Saved::default(),
        };
        state.attention.read_before_start_ms = loaded.last_read_ms;
        state.attention.last_read_ms = loaded.last_read_ms;
        state.input.restore_history(loaded.input_history.clone());
        state.buffers.wanted = loaded.buffer.clone();
        Keeper {
            path: opts.saved_path.clone(),
            written: loaded,
            failed: false,
        }
    }

    /// Writes the file if the input history changed, or the read point moved by more than
    /// [`READ_POINT_SLACK_MS`] (any move when `exiting`).
    fn save(&mut self, state: &AppState, exiting: bool) {
        let Some(path) = &self.path else { return };
        let now = Saved::of(state);
        let moved = match (now.last_read_ms, self.written.last_read_ms) {
            (Some(a), Some(b)) => (a - b).abs() > if exiting { 0 } else { READ_POINT_SLACK_MS },
            (a, b) => a != b,
        };
        if now.input_history == self.written.input_history
            && now.buffer == self.written.buffer
            && !moved
        {
            return;
        }
        match saved::store(path, &now) {
            Ok(()) => self.written = now,
            Err(e) if !self.failed => {
                self.failed = true;
                tracing::warn!("cannot save {}: {e}", path.display());
            }
            Err(_) => {}
        }
    }
}

async fn event_loop(
    terminal: &mut Term,
    handle: &NetHandle,
    events: &mut Receiver<NetEvent>,
    state: &mut AppState,
    mouse: bool,
    keeper: &mut Keeper,
) -> io::Result<()> {
    let notify_code = NotifyCode::from_env();
    let size = terminal.size()?;
    update(
        state,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let mut input = EventStream::new();
    let mut tick = interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    terminal.draw(|f| view::draw(f, state))?;
    let mut asked_status = false;
    let mut copy_view_shown = false;
    loop {
        let mut dirty = false;
        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => {
                    // Keys read the clock (a second Ctrl-C within a few seconds quits).
                    dirty |= model::tick(state, now());
                    dirty |= on_terminal_event(state, handle, ev);
                }
                Some(Err(e)) => return Err(e),
                None => state.quitting = true,
            },
            ev = events.recv(), if !state.stopped => {
                model::tick(state, now());
                match ev {
                    Some(ev) => apply(state, ev),
                    None => network_gone(state),
                }
                dirty = true;
            }
            _ = tick.tick() => {
                dirty |= model::tick(state, now());
                keeper.save(state, false);
            }
            _ = sigterm.recv() => state.quitting = true,
            _ = sighup.recv() => state.quitting = true,
            _ = sigint.recv() => state.quitting = true,
        }
        for _ in 0..MAX_BATCH {
            let mut more = false;
            if !state.stopped {
                match events.try_recv() {
                    Ok(ev) => {
                        apply(state, ev);
                        dirty = true;
                        more = true;
                    }
                    Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => {
                        network_gone(state);
                        dirty = true;
                    }
                    Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {}
                }
            }
            // `poll!` polls with this task's waker; `now_or_never` would hand crossterm a no-op
            // waker that its wake-up thread keeps, delaying later keys until the next tick.
            if let Poll::Ready(Some(Ok(ev))) = futures::poll!(input.next()) {
                dirty |= on_terminal_event(state, handle, ev);
                more = true;
            }
            if !more || state.quitting {
                break;
            }
        }
        if state.quitting {
            return Ok(());
        }
        if !asked_status && state.me.port.is_some() {
            // Learn the group's mode for the status bar without printing a reply.
            asked_status = true;
            state.quiet_status = handle.try_send(NetCommand::Status).is_ok();
            // And the proposals the node restored (the mode's certificate) for their pane.
            state.quiet_proposals = handle.try_send(NetCommand::ListProposals).is_ok();
            // And the transfers a restart resumed, for the transfers box.
            state.quiet_transfers = handle.try_send(NetCommand::ListTransfers).is_ok();
            // And the rooms it restored, for their buffers (the answer prints nothing).
            let _ = handle.try_send(NetCommand::ListRooms);
            // Show the end of the stored history above this run's lines.
            let page = NetCommand::History {
                before: None,
                limit: crate::tui::model::HISTORY_PAGE,
                earlier_runs: true,
                room: None,
            };
            state.history.loading = handle.try_send(page).is_ok();
        }
        if dirty {
            show(terminal, state, &mut copy_view_shown, mouse)?;
        }
        write_alerts(&attention::take_alerts(state), notify_code)?;
    }
}

/// Draws the screen: the panes through ratatui, or the copy view written as it is. Switching
/// to the copy view hands the mouse to the terminal (its selection needs it); switching back
/// takes it again and makes ratatui repaint every cell.
fn show(
    terminal: &mut Term,
    state: &AppState,
    copy_view_shown: &mut bool,
    mouse: bool,
) -> io::Result<()> {
    if state.copy_view != *copy_view_shown {
        *copy_view_shown = state.copy_view;
        if mouse {
            set_mouse_capture(terminal.backend_mut(), !state.copy_view)?;
        }
        if !state.copy_view {
            // Blank the screen and tell ratatui it is blank, so it paints every cell.
            // (`Terminal::clear` would ask the terminal for the cursor position, which times
            // out while the event stream is reading the input.)
            crossterm::execute!(
                terminal.backend_mut(),
                crossterm::style::ResetColor,
                crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
            )?;
            terminal.swap_buffers();
        }
    }
    if state.copy_view {
        let out = terminal.backend_mut();
        out.write_all(view::copy::frame(state).as_bytes())?;
        out.flush()
    } else {
        terminal.draw(|f| view::draw(f, state)).map(|_| ())
    }
}

fn network_gone(state: &mut AppState) {
    if !state.stopped {
        apply(state, NetEvent::Stopped);
    }
}

/// Handles one terminal event; returns whether the screen may have changed.
fn on_terminal_event(state: &mut AppState, handle: &NetHandle, ev: Event) -> bool {
    let action = match ev {
        Event::Key(k) => {
            let Some(key) = Key::from_crossterm(&k) else {
                return false;
            };
            let mode = Mode::of(state);
            keymap::lookup(mode, key)
        }
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Mouse(m) => {
            let (column, row) = (m.column, m.row);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { column, row }),
                MouseEventKind::ScrollUp => Some(Action::Wheel {
                    column,
                    row,
                    up: true,
                }),
                MouseEventKind::ScrollDown => Some(Action::Wheel {
                    column,
                    row,
                    up: false,
                }),
                _ => None,
            }
        }
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        Event::FocusGained => Some(Action::TerminalFocus(true)),
        Event::FocusLost => Some(Action::TerminalFocus(false)),
    };
    let Some(action) = action else { return false };
    for effect in update(state, action) {
        match effect {
            Effect::Send {
                command,
                from_input,
            } => {
                let result = handle.try_send(command);
                model::command_result(state, from_input, result);
            }
            Effect::Quit => state.quitting = true,
        }
    }
    true
}

/// Asks the network to stop and shows events until it says `Stopped` (or 2 s pass).
async fn shutdown(
    terminal: &mut Term,
    handle: &NetHandle,
    events: &mut Receiver<NetEvent>,
    state: &mut AppState,
) {
    if state.stopped {
        return;
    }
    state.set_status("leaving…", model::state::Level::Info);
    let _ = terminal.draw(|f| view::draw(f, state));
    let deadline = Instant::now() + QUIT_TIMEOUT;
    let mut sent = false;
    while !state.stopped && Instant::now() < deadline {
        if !sent {
            match handle.try_send(NetCommand::Quit) {
                Ok(()) => sent = true,
                Err(HandleError::Stopped) => return,
                Err(HandleError::Busy) => {}
            }
        }
        tokio::select! {
            ev = events.recv() => match ev {
                Some(ev) => apply(state, ev),
                None => return,
            },
            _ = sleep(Duration::from_millis(50)), if !sent => {}
            _ = tokio::time::sleep_until(deadline) => return,
        }
    }
}

#[cfg(test)]
mod tests;
