//! The tokio network actor: owns every socket, drives a `core::Node`.

mod actor;
pub mod api;
pub mod archive;
mod budget;
mod connection;
pub mod secure;
pub mod udp;

pub use actor::{start, NetConfig};
pub use api::{
    Delivery, HandleError, NetCommand, NetEvent, NetHandle, OfflineReason, Outcome, PeerInfo,
    ProposalInfo, Trust,
};
