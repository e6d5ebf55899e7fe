//! Why a room command or a peer's `rooms` frame was refused.

use super::name::{RoomName, RoomNameError};
use crate::limits::MAX_ROOMS_PER_PEER;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("{0}")]
    Name(#[from] RoomNameError),
    #[error("already in {0}")]
    AlreadyIn(RoomName),
    #[error("not in {0}")]
    NotIn(RoomName),
    #[error("at most {MAX_ROOMS_PER_PEER} rooms at once; /part one first")]
    TooManyRooms,
    #[error("rooms list of {0} names is over the {MAX_ROOMS_PER_PEER}-room limit")]
    ListTooLong(usize),
}
