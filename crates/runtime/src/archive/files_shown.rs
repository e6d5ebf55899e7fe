//! The stored lines of file transfers, in the words the interface shows
//! (`p2pchat_engine::lines`): the offer (without its `/accept` or `/cancel` hint, stale after a
//! restart), the answers and the outcome; the archive remembers each transfer's file name for
//! the lines whose event does not carry it.

use super::Archive;
use p2pchat_engine::api::NetEvent;
use p2pchat_engine::lines;

/// MAX_TRANSFER_NAMES: most transfers whose file name is remembered for their lines; past it
/// the names start afresh (a line then says `transfer 3f2a9c1d`).
pub(super) const MAX_TRANSFER_NAMES: usize = 256;

impl Archive {
    /// The stored line for a file event, if it has one (progress has none).
    pub(super) fn file_line(&mut self, event: &NetEvent) -> Option<String> {
        Some(match event {
            NetEvent::FileOffer {
                transfer_id,
                from,
                from_name,
                name,
                size,
                ..
            } => {
                self.remember_transfer(transfer_id, name);
                lines::file_offer_stored(&self.name_of(from, from_name), name, *size, transfer_id)
            }
            NetEvent::FileOffered {
                transfer_id,
                to,
                name,
                size,
                ..
            } => {
                self.remember_transfer(transfer_id, name);
                let names: Vec<String> = to
                    .iter()
                    .map(|id| self.name_of(id, &id[..8.min(id.len())]))
                    .collect();
                lines::file_offered_stored(name, *size, &names.join(", "), transfer_id)
            }
            NetEvent::FileAccepted {
                transfer_id,
                by,
                by_name,
            } => lines::file_accepted(&self.name_of(by, by_name), &self.label(transfer_id)),
            NetEvent::FileDeclined {
                transfer_id,
                by,
                by_name,
                reason,
            } => lines::file_declined(
                &self.name_of(by, by_name),
                &self.label(transfer_id),
                reason.as_deref(),
            ),
            NetEvent::FileDone { path, .. } => lines::file_done(path),
            NetEvent::FileDelivered {
                transfer_id,
                to,
                to_name,
            } => lines::file_delivered(&self.name_of(to, to_name), &self.label(transfer_id)),
            NetEvent::FileFailed {
                transfer_id,
                reason,
            } => {
                let name = self.transfer_names.get(transfer_id).cloned();
                lines::file_failed(name.as_deref(), reason)
            }
            NetEvent::FileCancelled { transfer_id, by } => {
                lines::file_cancelled(by, &self.label(transfer_id))
            }
            // A list names the transfers a restart kept; it is shown as a reply, not stored.
            NetEvent::Transfers { transfers } => {
                for t in transfers {
                    self.remember_transfer(&t.transfer_id, &t.name);
                }
                return None;
            }
            _ => return None,
        })
    }

    fn remember_transfer(&mut self, transfer_id: &str, name: &str) {
        if self.transfer_names.len() >= MAX_TRANSFER_NAMES
            && !self.transfer_names.contains_key(transfer_id)
        {
            self.transfer_names.clear();
        }
        self.transfer_names
            .insert(transfer_id.to_string(), name.to_string());
    }

    fn label(&self, transfer_id: &str) -> String {
        let name = self.transfer_names.get(transfer_id).map(String::as_str);
        lines::transfer_label(name, transfer_id)
    }
}
