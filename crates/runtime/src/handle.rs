//! The front ends' side of the actor: a cheap, cloneable handle that queues commands.

use p2pchat_engine::api::NetCommand;
use tokio::sync::mpsc;

/// Why a command could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    #[error("the network is busy; try again")]
    Busy,
    #[error("the network has stopped")]
    Stopped,
}

/// A cheap, cloneable handle to the network actor.
#[derive(Clone, Debug)]
pub struct NetHandle {
    tx: mpsc::Sender<NetCommand>,
}

impl NetHandle {
    pub fn new(tx: mpsc::Sender<NetCommand>) -> NetHandle {
        NetHandle { tx }
    }

    /// Queues a command without waiting. Front ends use this so they never block.
    pub fn try_send(&self, cmd: NetCommand) -> Result<(), HandleError> {
        self.tx.try_send(cmd).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => HandleError::Busy,
            mpsc::error::TrySendError::Closed(_) => HandleError::Stopped,
        })
    }

    /// Waits for room in the command queue (use inside a `select!` that also drains events).
    pub async fn reserve(&self) -> Result<mpsc::Permit<'_, NetCommand>, HandleError> {
        self.tx.reserve().await.map_err(|_| HandleError::Stopped)
    }
}
