//! The store edge: SQLite history, known keys, relay rows, the address book and the state
//! file in the profile.
//! Rows are converted into `p2pchat_engine::api` types here, never the reverse.

pub mod addresses;
pub mod checkpoint;
pub mod history;
pub mod keys;
pub mod quota;
pub mod reactions;
pub mod relay;
pub mod rooms;
pub mod state_file;
pub mod state_writer;

pub use history::{EntryKind, History, HistoryEntry};
pub use keys::{KnownKey, Sighting};
pub use state_file::{SavedState, StateFile};
pub use state_writer::StateWriter;
