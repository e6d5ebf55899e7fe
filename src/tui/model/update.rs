//! `update`: applies one user intent to the state and says which effects to carry out.
//! Pure: no I/O, no clock (time arrives in [`Action::Tick`]).

use super::action::Action;
use super::input::Truncated;
use super::log::View;
use super::mouse;
use super::pending::{drop_paste, offer_split, send_paste, QUIT_CONFIRM_MS, RESTORE_MS};
use super::scroll::{page, scroll, Scroll};
use super::state::{short_id, AppState, Focus, Level, Now};
use crate::command::{self, UserCommand};
use crate::tui::geometry::{help, layout};
use p2pchat_engine::api::NetCommand;
use p2pchat_runtime::HandleError;

/// Something for the run loop to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `try_send` this; report back with [`command_result`]. `from_input`: the input line
    /// holds the text that produced it and is cleared only once it is queued.
    Send {
        command: NetCommand,
        from_input: bool,
    },
    /// Shut the network down and leave.
    Quit,
}

/// Applies `action`; returns effects in order. Then settles what is read
/// ([`super::attention::settle`]): scrolling to the bottom or the terminal regaining focus
/// clears the unread counts.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    let effects = update_state(state, action);
    super::attention::settle(state);
    effects
}

fn update_state(state: &mut AppState, action: Action) -> Vec<Effect> {
    if state.pending.paste.is_some() {
        match action {
            Action::SubmitInput => return send_paste(state),
            Action::Tick(_)
            | Action::Resize { .. }
            | Action::Quit
            | Action::Wheel { .. }
            | Action::TerminalFocus(_) => {}
            Action::Back | Action::ClearInputOrQuit => {
                drop_paste(state);
                return Vec::new();
            }
            // Anything else is editing on: the paste is dropped, the key does its work.
            _ => drop_paste(state),
        }
    }
    match action {
        Action::Quit => return quit(state),
        Action::ClearInputOrQuit => {
            if !state.input.is_empty() {
                state.input.clear();
                // A reply, reaction, edit or delete started on a message is given up.
                state.selected_message = None;
                state.pending.quit_until_ms = None;
            } else if state
                .pending
                .quit_until_ms
                .is_some_and(|until| state.now.unix_ms <= until)
            {
                return quit(state);
            } else {
                state.pending.quit_until_ms = Some(state.now.unix_ms + QUIT_CONFIRM_MS);
                state.set_status(
                    "press Ctrl-C again to quit (or Ctrl-Q, /quit)",
                    Level::Warning,
                );
            }
        }
        Action::ToggleHelp => state.help = if state.help.is_some() { None } else { Some(0) },
        Action::ShowHelpOrType => {
            if state.input.is_empty() {
                state.help = Some(0);
            } else {
                insert(state, '?');
            }
        }
        Action::Back => {
            if state.help.is_some() {
                state.help = None;
            } else {
                state.focus = Focus::Input;
            }
        }
        Action::FocusNext => cycle_focus(state, 1),
        Action::FocusPrevious => cycle_focus(state, -1),
        Action::CompleteOrFocusNext => {
            // A name that could mean another key completes to the fingerprint.
            let names: Vec<String> = state
                .peers
                .iter()
                .filter_map(|p| super::apply_store::command_name(state, &p.id))
                .collect();
            if !state.input.complete(command::command_names(), &names) {
                cycle_focus(state, 1);
            }
        }
        Action::ScrollUp(n) => return scroll(state, Scroll::Up(n)),
        Action::ScrollDown(n) => return scroll(state, Scroll::Down(n)),
        Action::ScrollPageUp => return scroll(state, Scroll::Up(page(state))),
        Action::ScrollPageDown => return scroll(state, Scroll::Down(page(state))),
        Action::ScrollToOldest => return scroll(state, Scroll::Oldest),
        Action::FollowNewest => state.log.set_view(View::Follow),
        Action::SelectMessage(step) => match super::acts::select(state, step) {
            Some(line) => super::scroll::show_line(state, line),
            None => state.log.set_view(View::Follow),
        },
        Action::ActOnSelected(act) => super::acts::start(state, act),
        Action::SwitchBuffer(i) => super::buffers::switch(state, i),
        Action::NextBuffer => super::buffers::cycle(state, 1),
        Action::PreviousBuffer => super::buffers::cycle(state, -1),
        Action::SelectPreviousPeer => select_peer(state, -1),
        Action::SelectNextPeer => select_peer(state, 1),
        Action::MessageSelectedPeer => message_selected_peer(state),
        Action::SelectPreviousProposal => select_proposal(state, -1),
        Action::SelectNextProposal => select_proposal(state, 1),
        Action::ApproveSelectedProposal => return vote(state, true),
        Action::RejectSelectedProposal => return vote(state, false),
        Action::AcceptFileOffer => return super::apply_files::answer_offer(state, true),
        Action::DeclineFileOffer => return super::apply_files::answer_offer(state, false),
        Action::InsertChar(c) => {
            state.copy_view = false;
            state.focus = Focus::Input;
            insert(state, c);
        }
        Action::InsertNewline => {
            state.focus = Focus::Input;
            insert(state, '\n');
        }
        Action::Paste(text) => {
            state.copy_view = false;
            state.focus = Focus::Input;
            if let Err(too_large) = state.input.paste(&text) {
                offer_split(state, &text, too_large);
            }
        }
        Action::DeleteBackward => state.input.delete_backward(),
        Action::DeleteForward => state.input.delete_forward(),
        Action::DeleteWordBackward => state.input.delete_word_backward(),
        Action::DeleteToStart => state.input.delete_to_start(),
        Action::CursorLeft => state.input.move_left(),
        Action::CursorRight => state.input.move_right(),
        Action::CursorWordLeft => state.input.move_word_left(),
        Action::CursorWordRight => state.input.move_word_right(),
        Action::CursorHome => state.input.move_home(),
        Action::CursorEnd => state.input.move_end(),
        Action::CursorEndOrFollow => {
            if state.input.cursor() == state.input.text().len() {
                state.log.set_view(View::Follow);
            } else {
                state.input.move_end();
            }
        }
        Action::HistoryPrevious => {
            if !state.input.move_line_up() {
                state.input.history_previous();
            }
        }
        Action::HistoryNext => {
            if !state.input.move_line_down() {
                state.input.history_next();
            }
        }
        Action::SubmitInput => {
            // A reply, reaction, edit or delete started on the selected message is done.
            state.selected_message = None;
            return submit(state);
        }
        Action::HelpScrollUp => state.help = state.help.map(|s| s.saturating_sub(3)),
        Action::HelpScrollDown => {
            let max = help::max_scroll(state.width, state.height);
            state.help = state.help.map(|s| s.saturating_add(3).min(max));
        }
        Action::ToggleCopyView => {
            state.copy_view = !state.copy_view;
            state.help = None;
        }
        Action::LeaveCopyView => state.copy_view = false,
        Action::Click { column, row } => mouse::click(state, column, row),
        Action::Wheel { column, row, up } => return mouse::wheel(state, column, row, up),
        Action::Resize { width, height } => {
            state.width = width;
            state.height = height;
            if !layout::focusable(state).contains(&state.focus) {
                state.focus = Focus::Input;
            }
        }
        Action::Tick(now) => {
            tick(state, now);
        }
        Action::TerminalFocus(focused) => state.attention.focused = focused,
    }
    Vec::new()
}

/// Advances the clock; returns whether the screen shows anything that changed with it
/// (an expired status message or a running proposal countdown).
pub fn tick(state: &mut AppState, now: Now) -> bool {
    let before = state.now;
    state.now = now;
    let mut changed = state.open_proposals() > 0;
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.until_ms <= now.unix_ms)
    {
        state.status = None;
        changed = true;
    }
    if before.unix_ms / 60_000 != now.unix_ms / 60_000
        || before.utc_offset_secs != now.utc_offset_secs
    {
        changed = true;
    }
    changed
}

/// Tells the state how a `try_send` of an [`Effect::Send`] went.
pub fn command_result(state: &mut AppState, from_input: bool, result: Result<(), HandleError>) {
    match result {
        Ok(()) if from_input => {
            let line = state.input.commit();
            // A command's error arrives later, as an event: keep its text to give back.
            state.pending.sent_command = line
                .starts_with('/')
                .then(|| (line, state.now.unix_ms + RESTORE_MS));
        }
        Ok(()) => {}
        Err(HandleError::Busy) => {
            let text = if from_input {
                "network busy: your text is kept, press Enter to try again"
            } else {
                "network busy: try again"
            };
            state.set_status(text, Level::Warning);
        }
        Err(HandleError::Stopped) => {
            state.set_status("the network has stopped; Ctrl-Q to quit", Level::Error)
        }
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quitting = true;
    vec![Effect::Quit]
}

fn insert(state: &mut AppState, c: char) {
    if state.input.insert_char(c) == Err(Truncated) {
        state.set_status("the input holds at most 8 KiB", Level::Warning);
    }
}

fn cycle_focus(state: &mut AppState, step: isize) {
    let order = layout::focusable(state);
    let here = order.iter().position(|f| *f == state.focus).unwrap_or(0) as isize;
    let next = (here + step).rem_euclid(order.len() as isize) as usize;
    state.focus = order[next];
}

pub(super) fn select_peer(state: &mut AppState, step: isize) {
    if state.peers.is_empty() {
        return;
    }
    let last = state.peers.len() as isize - 1;
    state.selected_peer = (state.selected_peer as isize + step).clamp(0, last) as usize;
    show_selected_peer(state);
}

/// Says who the selected peer is on the status bar.
pub(super) fn show_selected_peer(state: &mut AppState) {
    let order = state.peer_order();
    let Some(&i) = order.get(state.selected_peer) else {
        return;
    };
    let p = &state.peers[i];
    let text = format!("{}  id {}  key {}  {}", p.name, p.id, p.fingerprint, p.addr);
    state.set_status(text, Level::Info);
}

/// Puts `/dm NAME ` (or the fingerprint, when the name is shared) before the input text.
fn message_selected_peer(state: &mut AppState) {
    let order = state.peer_order();
    let Some(&i) = order.get(state.selected_peer.min(order.len().saturating_sub(1))) else {
        return;
    };
    let Some(who) = super::apply_store::command_name(state, &state.peers[i].id) else {
        return;
    };
    let rest = state.input.text().to_string();
    let rest = rest.strip_prefix('/').map_or(rest.as_str(), |_| "");
    let text = format!("/dm {who} {rest}");
    state.input.set(&text);
    state.focus = Focus::Input;
}

pub(super) fn select_proposal(state: &mut AppState, step: isize) {
    let order = state.proposal_order();
    if order.is_empty() {
        return;
    }
    let here = state.selected_proposal.as_deref().and_then(|id| {
        order
            .iter()
            .position(|&i| state.proposals[i].proposal_id == id)
    });
    let next = match here {
        None => 0,
        Some(h) => (h as isize + step).clamp(0, order.len() as isize - 1) as usize,
    };
    state.selected_proposal = Some(state.proposals[order[next]].proposal_id.clone());
}

fn vote(state: &mut AppState, approve: bool) -> Vec<Effect> {
    let Some(p) = state.selected_proposal_info() else {
        state.set_status("no proposal selected", Level::Warning);
        return Vec::new();
    };
    if p.outcome.is_some() {
        state.set_status("that proposal is closed", Level::Warning);
        return Vec::new();
    }
    let id = p.proposal_id.clone();
    // Whatever is typed next is a message, never a second vote.
    state.focus = Focus::Input;
    let verb = if approve { "approve" } else { "reject" };
    state.set_status(format!("voting {verb} on {}", short_id(&id)), Level::Info);
    vec![Effect::Send {
        command: NetCommand::Vote {
            proposal: id,
            approve,
        },
        from_input: false,
    }]
}

fn submit(state: &mut AppState) -> Vec<Effect> {
    if let Some(effects) = super::buffers::submit_in_buffer(state) {
        return effects;
    }
    let parsed = command::parse(state.input.text());
    let command = match parsed {
        Ok(None) => return Vec::new(),
        Err(message) => {
            state.set_status(message, Level::Error);
            return Vec::new();
        }
        Ok(Some(cmd)) => cmd,
    };
    let net = match command {
        UserCommand::Help => {
            state.input.commit();
            state.help = Some(0);
            return Vec::new();
        }
        UserCommand::Quit => {
            state.input.commit();
            return quit(state);
        }
        UserCommand::Status => {
            // The user asked: show the reply even if the start-up request is still pending.
            state.quiet_status = false;
            NetCommand::Status
        }
        UserCommand::Transfers => {
            state.quiet_transfers = false;
            NetCommand::ListTransfers
        }
        // Typed, it loads the next N older lines above what is shown.
        UserCommand::History(n) => {
            if state.history.exhausted {
                state.input.commit();
                state.set_status("no older messages are stored", Level::Info);
                return Vec::new();
            }
            state.pending.history_asked = true;
            NetCommand::History {
                before: state.history.oldest_row,
                limit: n,
                earlier_runs: true,
                room: None,
            }
        }
        UserCommand::Rooms => {
            state.pending.rooms_asked = true;
            NetCommand::ListRooms
        }
        UserCommand::Say { body, signed } => super::buffers::say_command(state, body, signed),
        other => match other.to_net_command_in(&state.rooms.current) {
            Some(net) => net,
            None => return Vec::new(),
        },
    };
    // A sent message should be seen: jump back to the newest lines.
    state.log.set_view(View::Follow);
    vec![Effect::Send {
        command: net,
        from_input: true,
    }]
}
