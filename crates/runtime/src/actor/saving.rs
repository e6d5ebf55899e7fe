//! Saving the node's state (rate-limited, on the writer thread) and the orderly shutdown.

use super::{NetActor, SAVE_EVERY};
use p2pchat_engine::api::NetEvent;
use p2pchat_engine::node::ConnId;
use std::time::{Duration, Instant};

impl NetActor {
    /// Queues a save of the state if it changed (and, unless `force`, not more often than
    /// SAVE_EVERY). Returns at once; the writer thread does the fsync.
    pub(super) fn persist(&mut self, force: bool) {
        if let Some(state) = self.changed_state(force) {
            if let Some(writer) = &self.state_writer {
                writer.save(state);
            }
        }
    }

    /// Saves the state if it changed and waits until it is on disk.
    pub(super) fn persist_durably(&mut self) {
        if let Some(state) = self.changed_state(true) {
            if let Some(writer) = &self.state_writer {
                writer.save_and_wait(state);
            }
        }
    }

    /// The state to save, when there is a writer, it differs from the last one queued and
    /// (unless `force`) SAVE_EVERY has passed.
    pub(super) fn changed_state(&mut self, force: bool) -> Option<crate::store::SavedState> {
        self.state_writer.as_ref()?;
        if !force && self.last_save.elapsed() < SAVE_EVERY {
            return None;
        }
        let state = self.node.saved_state();
        if self.saved.as_ref() == Some(&state) {
            return None;
        }
        self.saved = Some(state.clone());
        self.last_save = Instant::now();
        Some(state)
    }

    pub(super) async fn shutdown(mut self) {
        self.files.stop();
        let ids: Vec<ConnId> = self.conns.keys().copied().collect();
        for conn in ids {
            self.close(conn);
        }
        let flush = futures::future::join_all(std::mem::take(&mut self.closing));
        let _ = tokio::time::timeout(Duration::from_secs(1), flush).await;
        self.persist(true);
        // The last save completes before Stopped is sent, so it is on disk before the
        // process exits.
        if let Some(writer) = self.state_writer.take() {
            let _ = tokio::task::spawn_blocking(move || writer.finish()).await;
        }
        let _ = self.event_tx.send(NetEvent::Stopped).await;
    }
}
