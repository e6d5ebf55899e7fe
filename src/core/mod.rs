//! The sans-IO core: pure state machines driven with time passed in as arguments.

pub mod voting;
