//! What the user (or the clock, or the terminal) wants: intents, not keys.

use super::acts::ActOn;
use super::state::Now;

/// One intent for [`super::update::update`]. Keys map to these in [`super::keymap`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    // Application
    Quit,
    /// Ctrl-C: clears a non-empty input; on an empty one asks, and a second press soon after quits.
    ClearInputOrQuit,
    ToggleHelp,
    /// `?`: opens help when the input is empty, otherwise types a `?`.
    ShowHelpOrType,
    /// Esc: closes the help overlay, otherwise moves focus back to the input.
    Back,
    FocusNext,
    FocusPrevious,
    /// Tab in the input: completes a command or peer name, or moves focus when nothing completes.
    CompleteOrFocusNext,

    // Messages pane
    ScrollUp(usize),
    ScrollDown(usize),
    ScrollPageUp,
    ScrollPageDown,
    ScrollToOldest,
    FollowNewest,
    /// Up/Down in the Messages pane: the selected message moves (negative: older).
    SelectMessage(isize),
    /// Reply, react, edit or delete the selected message (starts the command on the input).
    ActOnSelected(ActOn),

    // Buffers (rooms and private conversations)
    /// Show buffer N (0-based) of the list.
    SwitchBuffer(usize),
    NextBuffer,
    PreviousBuffer,

    // Peers and proposals panes
    SelectPreviousPeer,
    SelectNextPeer,
    /// Start a `/dm` to the selected peer on the input line.
    MessageSelectedPeer,
    SelectPreviousProposal,
    SelectNextProposal,
    ApproveSelectedProposal,
    RejectSelectedProposal,

    // File offers
    /// Accept the newest file offer still waiting for an answer (into the download directory).
    AcceptFileOffer,
    /// Decline it.
    DeclineFileOffer,

    // Input line
    InsertChar(char),
    /// Alt-Enter: a line break inside the message being typed.
    InsertNewline,
    Paste(String),
    DeleteBackward,
    DeleteForward,
    DeleteWordBackward,
    DeleteToStart,
    CursorLeft,
    CursorRight,
    CursorWordLeft,
    CursorWordRight,
    CursorHome,
    CursorEnd,
    /// End on the input line: the end of the text, or, already there, the newest message.
    CursorEndOrFollow,
    HistoryPrevious,
    HistoryNext,
    SubmitInput,

    // Help overlay
    HelpScrollUp,
    HelpScrollDown,

    // Copy view (the messages bare, for the terminal's own selection)
    ToggleCopyView,
    LeaveCopyView,

    // Mouse: what is under the pointer decides (`geometry::hit`)
    /// A left click at a cell: focuses the pane there, selects the peer or proposal there.
    Click {
        column: u16,
        row: u16,
    },
    /// The wheel over a cell: scrolls (or moves the selection of) the pane there.
    Wheel {
        column: u16,
        row: u16,
        up: bool,
    },

    // From the environment
    Resize {
        width: u16,
        height: u16,
    },
    Tick(Now),
    /// The terminal gained (`true`) or lost focus: only a focused terminal reads new lines.
    TerminalFocus(bool),
}
