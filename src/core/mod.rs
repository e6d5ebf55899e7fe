//! (being written)

pub mod voting;
