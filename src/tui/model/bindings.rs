//! The key table: which key does what, by scope. Read by [`super::keymap::lookup`] and by the
//! help overlay, so help always lists every key.

use super::action::Action;
use super::acts::ActOn;
use super::keymap::{Code, Key};

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere while help is closed.
    Global,
    Input,
    Peers,
    Messages,
    Proposals,
    /// Any pane but the input.
    Panes,
    /// While the help overlay is open.
    Help,
    /// While the copy view is on (any other key leaves it; letters also go to the input).
    CopyView,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Anywhere",
            Scope::Input => "Input line",
            Scope::Peers => "Peers pane",
            Scope::Messages => "Messages pane",
            Scope::Proposals => "Proposals pane",
            Scope::Panes => "Any pane but the input",
            Scope::Help => "This help",
            Scope::CopyView => "Copy view (F2): messages bare for the terminal's selection",
        }
    }
}

/// One row of the key table.
pub struct Binding {
    pub scope: Scope,
    pub key: Key,
    pub action: Action,
    pub help: &'static str,
}

const fn bind(scope: Scope, key: Key, action: Action, help: &'static str) -> Binding {
    Binding {
        scope,
        key,
        action,
        help,
    }
}

use Action as A;
use Code as C;
use Scope as S;

/// Every key binding, most specific scopes first within a lookup (see [`super::keymap::lookup`]).
///
/// No pane binds a printable character but `?`: letters typed while a pane has focus go to the
/// input line (see [`super::keymap::lookup`]), so typing can never vote or scroll. Votes take
/// Ctrl, which no sentence contains.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    bind(S::Global, Key::ctrl(C::Char('q')), A::Quit, "quit (also /quit)"),
    bind(S::Global, Key::ctrl(C::Char('c')), A::ClearInputOrQuit, "clear the input; twice on an empty line quits"),
    bind(S::Global, Key::plain(C::F(1)), A::ToggleHelp, "show or hide this help"),
    bind(S::Global, Key::plain(C::Tab), A::FocusNext, "next pane"),
    bind(S::Global, Key::plain(C::BackTab), A::FocusPrevious, "previous pane"),
    bind(S::Global, Key::plain(C::Esc), A::Back, "back to the input line"),
    bind(S::Global, Key::plain(C::PageUp), A::ScrollPageUp, "scroll messages up a page"),
    bind(S::Global, Key::plain(C::PageDown), A::ScrollPageDown, "scroll messages down a page"),
    bind(S::Global, Key::ctrl(C::End), A::FollowNewest, "jump to the newest message"),
    bind(S::Global, Key::plain(C::F(2)), A::ToggleCopyView, "copy view: bare messages for the mouse to copy"),
    bind(S::Global, Key::ctrl(C::Char('y')), A::AcceptFileOffer, "accept the file offer marked ▶"),
    bind(S::Global, Key::ctrl(C::Char('n')), A::DeclineFileOffer, "decline the file offer marked ▶"),
    bind(S::Global, Key::alt(C::Char('1')), A::SwitchBuffer(0), "show buffer 1 (rooms and private conversations)"),
    bind(S::Global, Key::alt(C::Char('2')), A::SwitchBuffer(1), "show buffer 2"),
    bind(S::Global, Key::alt(C::Char('3')), A::SwitchBuffer(2), "show buffer 3"),
    bind(S::Global, Key::alt(C::Char('4')), A::SwitchBuffer(3), "show buffer 4"),
    bind(S::Global, Key::alt(C::Char('5')), A::SwitchBuffer(4), "show buffer 5"),
    bind(S::Global, Key::alt(C::Char('6')), A::SwitchBuffer(5), "show buffer 6"),
    bind(S::Global, Key::alt(C::Char('7')), A::SwitchBuffer(6), "show buffer 7"),
    bind(S::Global, Key::alt(C::Char('8')), A::SwitchBuffer(7), "show buffer 8"),
    bind(S::Global, Key::alt(C::Char('9')), A::SwitchBuffer(8), "show buffer 9"),
    bind(S::Global, Key::alt(C::Right), A::NextBuffer, "next buffer"),
    bind(S::Global, Key::alt(C::Left), A::PreviousBuffer, "previous buffer"),
    bind(S::Input, Key::plain(C::Enter), A::SubmitInput, "send the message or run the command"),
    bind(S::Input, Key::plain(C::Tab), A::CompleteOrFocusNext, "complete a command or peer name (else next pane)"),
    bind(S::Input, Key::plain(C::Char('?')), A::ShowHelpOrType, "help, when the input is empty"),
    bind(S::Input, Key::plain(C::Left), A::CursorLeft, "cursor left"),
    bind(S::Input, Key::plain(C::Right), A::CursorRight, "cursor right"),
    bind(S::Input, Key::ctrl(C::Left), A::CursorWordLeft, "word left"),
    bind(S::Input, Key::alt(C::Char('b')), A::CursorWordLeft, "word left"),
    bind(S::Input, Key::ctrl(C::Right), A::CursorWordRight, "word right"),
    bind(S::Input, Key::alt(C::Char('f')), A::CursorWordRight, "word right"),
    bind(S::Input, Key::plain(C::Home), A::CursorHome, "start of line"),
    bind(S::Input, Key::ctrl(C::Char('a')), A::CursorHome, "start of line"),
    bind(S::Input, Key::plain(C::End), A::CursorEndOrFollow, "end of line; at the end, newest message"),
    bind(S::Input, Key::ctrl(C::Char('e')), A::CursorEnd, "end of line"),
    bind(S::Input, Key::plain(C::Backspace), A::DeleteBackward, "delete before the cursor"),
    bind(S::Input, Key::plain(C::Delete), A::DeleteForward, "delete under the cursor"),
    bind(S::Input, Key::ctrl(C::Char('d')), A::DeleteForward, "delete under the cursor"),
    bind(S::Input, Key::ctrl(C::Char('w')), A::DeleteWordBackward, "delete the word before the cursor"),
    bind(S::Input, Key::alt(C::Backspace), A::DeleteWordBackward, "delete the word before the cursor"),
    bind(S::Input, Key::ctrl(C::Char('u')), A::DeleteToStart, "delete to the start of the line"),
    bind(S::Input, Key::plain(C::Up), A::HistoryPrevious, "line above; on the first, previous from history"),
    bind(S::Input, Key::plain(C::Down), A::HistoryNext, "line below; on the last, next from history"),
    bind(S::Input, Key::alt(C::Enter), A::InsertNewline, "new line in the message"),
    bind(S::Messages, Key::plain(C::Up), A::SelectMessage(-1), "select the message above (highlighted)"),
    bind(S::Messages, Key::plain(C::Down), A::SelectMessage(1), "select the message below; past the newest, none"),
    bind(S::Messages, Key::ctrl(C::Char('r')), A::ActOnSelected(ActOn::Reply), "reply to the selected message (quoted above yours)"),
    bind(S::Messages, Key::ctrl(C::Char('t')), A::ActOnSelected(ActOn::React), "react to the selected message (👍, or another emoji)"),
    bind(S::Messages, Key::ctrl(C::Char('e')), A::ActOnSelected(ActOn::Edit), "edit your selected message"),
    bind(S::Messages, Key::plain(C::Delete), A::ActOnSelected(ActOn::Delete), "delete your selected message (Enter confirms)"),
    bind(S::Messages, Key::plain(C::Home), A::ScrollToOldest, "oldest message"),
    bind(S::Messages, Key::plain(C::End), A::FollowNewest, "newest message, follow new ones"),
    bind(S::Peers, Key::plain(C::Enter), A::MessageSelectedPeer, "private message to the selected peer"),
    bind(S::Peers, Key::plain(C::Up), A::SelectPreviousPeer, "previous peer"),
    bind(S::Peers, Key::plain(C::Down), A::SelectNextPeer, "next peer"),
    bind(S::Proposals, Key::plain(C::Up), A::SelectPreviousProposal, "previous proposal"),
    bind(S::Proposals, Key::plain(C::Down), A::SelectNextProposal, "next proposal"),
    bind(S::Proposals, Key::ctrl(C::Char('y')), A::ApproveSelectedProposal, "vote to approve the selected proposal"),
    bind(S::Proposals, Key::ctrl(C::Char('n')), A::RejectSelectedProposal, "vote to reject the selected proposal"),
    bind(S::Panes, Key::plain(C::Char('?')), A::ToggleHelp, "show this help"),
    bind(S::Panes, Key::plain(C::End), A::FollowNewest, "newest message, follow new ones"),
    bind(S::Help, Key::plain(C::Esc), A::ToggleHelp, "close help"),
    bind(S::Help, Key::plain(C::Char('?')), A::ToggleHelp, "close help"),
    bind(S::Help, Key::plain(C::Char('q')), A::ToggleHelp, "close help"),
    bind(S::Help, Key::plain(C::F(1)), A::ToggleHelp, "close help"),
    bind(S::Help, Key::plain(C::Up), A::HelpScrollUp, "scroll help"),
    bind(S::Help, Key::plain(C::Char('k')), A::HelpScrollUp, "scroll help"),
    bind(S::Help, Key::plain(C::PageUp), A::HelpScrollUp, "scroll help"),
    bind(S::Help, Key::plain(C::Down), A::HelpScrollDown, "scroll help"),
    bind(S::Help, Key::plain(C::Char('j')), A::HelpScrollDown, "scroll help"),
    bind(S::Help, Key::plain(C::PageDown), A::HelpScrollDown, "scroll help"),
    bind(S::Help, Key::ctrl(C::Char('q')), A::Quit, "quit"),
    bind(S::Help, Key::ctrl(C::Char('c')), A::ClearInputOrQuit, "clear the input; twice on an empty line quits"),
    bind(S::CopyView, Key::plain(C::F(2)), A::LeaveCopyView, "back to the panes (any other key too)"),
    bind(S::CopyView, Key::plain(C::Esc), A::LeaveCopyView, "back to the panes (any other key too)"),
    bind(S::CopyView, Key::plain(C::Up), A::ScrollUp(1), "scroll"),
    bind(S::CopyView, Key::plain(C::Down), A::ScrollDown(1), "scroll"),
    bind(S::CopyView, Key::plain(C::PageUp), A::ScrollPageUp, "scroll"),
    bind(S::CopyView, Key::plain(C::PageDown), A::ScrollPageDown, "scroll"),
    bind(S::CopyView, Key::plain(C::Home), A::ScrollToOldest, "oldest message"),
    bind(S::CopyView, Key::plain(C::End), A::FollowNewest, "newest message"),
    bind(S::CopyView, Key::ctrl(C::Char('q')), A::Quit, "quit"),
];
