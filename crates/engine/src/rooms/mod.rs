//! Rooms: checked room names ([`RoomName`]) and the membership table ([`RoomBook`]) that
//! decides who a room message goes to. The node glue (commands, the `rooms` frame, events) is
//! in `node/rooms.rs`; docs/PROTOCOL.md §7.8 describes the wire side.

mod acts;
mod book;
mod error;
mod name;

pub use acts::{check_emoji, Act, ActBook, ActContent, ActError, SeedMessage, SeedReaction};
pub use book::{RoomBook, RoomCount};
pub use error::RoomError;
pub use name::{RoomName, RoomNameError, RoomOf, GENERAL};
