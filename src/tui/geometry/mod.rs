//! What the model and the view both need to know about the screen: where the panes go
//! ([`layout`]), how a history line breaks into rows ([`rows`]) and the help overlay's rows
//! ([`help`]), which list entries are on screen ([`lists`]), what the mouse points at
//! ([`hit`]) and how the copy view's unwrapped lines fill the screen ([`copy`]). It may read the model; the model and the view import it; it never imports the
//! view. Styles come in through [`Styles`], which the view's theme implements.

pub mod copy;
pub mod help;
pub mod hit;
pub mod layout;
pub mod lists;
pub mod rows;

use ratatui::style::Style;

use crate::tui::model::log::Mark;
use crate::tui::model::state::Level;

/// What a piece of text is, for styling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Separator,
    Timestamp,
    Mark(Mark),
    System(Level),
    OwnName,
    Peer(u8),
    Key,
    Title,
    /// The text of a line that names the user.
    Mention,
    /// The text of a `/me` action.
    Action,
    /// The "new since you last looked" row.
    ReadMarker,
}

/// Styles by role: the view's theme, or [`Unstyled`] where only the shape counts.
pub trait Styles {
    fn style(&self, role: Role) -> Style;
}

/// No styles: for counting rows.
pub struct Unstyled;

impl Styles for Unstyled {
    fn style(&self, _: Role) -> Style {
        Style::new()
    }
}

/// How many colours peer names cycle through (the view's palette has this many).
pub const PEER_COLOURS: usize = 10;

/// A stable palette index for a peer id: the first byte of SHA-256 of the id's bytes.
pub fn peer_colour_index(id: &str) -> u8 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(id.as_bytes());
    (digest[0] as usize % PEER_COLOURS) as u8
}
