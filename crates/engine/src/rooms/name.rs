//! `RoomName`: a checked room name (`#` then 1..=31 of `a-z 0-9 - _`).

use crate::limits::MAX_ROOM_NAME_LEN;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The room every peer starts in, and the room of a chat payload without a `room` member.
pub const GENERAL: &str = "#general";

/// A valid room name, always with its leading `#`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomName(String);

/// Why a text is not a room name (one line for the user).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomNameError {
    #[error("a room name starts with '#' (as in #general)")]
    NoHash,
    #[error("a room name needs at least one character after '#'")]
    Empty,
    #[error("a room name is at most {MAX_ROOM_NAME_LEN} characters, '#' included")]
    TooLong,
    #[error("a room name has only lower-case letters, digits, '-' and '_' after '#'")]
    BadChar,
}

impl RoomName {
    /// Checks `text` (exactly; nothing is trimmed or lower-cased for the caller).
    pub fn parse(text: &str) -> Result<RoomName, RoomNameError> {
        let rest = text.strip_prefix('#').ok_or(RoomNameError::NoHash)?;
        if rest.is_empty() {
            return Err(RoomNameError::Empty);
        }
        if text.chars().count() > MAX_ROOM_NAME_LEN {
            return Err(RoomNameError::TooLong);
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if !rest.chars().all(allowed) {
            return Err(RoomNameError::BadChar);
        }
        Ok(RoomName(text.to_string()))
    }

    /// `#general`.
    pub fn general() -> RoomName {
        RoomName(GENERAL.to_string())
    }

    pub fn is_general(&self) -> bool {
        self.0 == GENERAL
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Only the `room` member of a chat payload (absent: `#general`), for the holder that sorts
/// its stored originals by room without parsing the rest.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RoomOf {
    #[serde(default = "RoomName::general")]
    pub room: RoomName,
}

impl fmt::Display for RoomName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RoomName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RoomName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RoomName, D::Error> {
        let text = String::deserialize(d)?;
        RoomName::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_with_one_reason_each() {
        assert_eq!(
            RoomName::parse("#dev-ops_2").unwrap().as_str(),
            "#dev-ops_2"
        );
        assert_eq!(RoomName::parse("dev"), Err(RoomNameError::NoHash));
        assert_eq!(RoomName::parse("#"), Err(RoomNameError::Empty));
        assert_eq!(RoomName::parse("#Dev"), Err(RoomNameError::BadChar));
        assert_eq!(RoomName::parse("#a b"), Err(RoomNameError::BadChar));
        assert_eq!(RoomName::parse("#é"), Err(RoomNameError::BadChar));
        let longest = format!("#{}", "a".repeat(MAX_ROOM_NAME_LEN - 1));
        assert!(RoomName::parse(&longest).is_ok());
        assert_eq!(
            RoomName::parse(&format!("{longest}a")),
            Err(RoomNameError::TooLong)
        );
        assert!(serde_json::from_str::<RoomName>("\"#NOPE\"").is_err());
    }
}
