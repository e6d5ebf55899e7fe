//! Every type that crosses a boundary: commands in, events out, peer and proposal info, the
//! stored-line type and the state that survives a restart.
//!
//! Front ends hold the runtime's `NetHandle` and never block on it (`try_send`), and drain the
//! receiver of [`NetEvent`]s they were given. `NetEvent` serialises to exactly the JSON lines
//! that headless mode prints (see docs/HEADLESS.md).

mod command;
mod event;
mod info;
mod stored;

pub use command::NetCommand;
pub use event::{NetEvent, DM_REJECTED};
pub use info::{
    Delivery, NetPeer, OfflineReason, Outcome, PeerInfo, ProposalInfo, RoomInfo, TransferInfo,
    Trust,
};
pub use stored::{EntryKind, HistoryEntry, SavedState};

#[cfg(test)]
mod tests;
