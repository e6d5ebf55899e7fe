//! The tokio network actor: owns every socket, drives a `core::Node`.

pub mod api;

pub use api::{HandleError, NetCommand, NetEvent, NetHandle, OfflineReason, Outcome, PeerInfo, ProposalInfo};
