//! The receiver's transitions of the transfer book: a checked offer, accept (a fetch for the
//! runtime), decline, the runtime's target, progress and outcome.

use super::book::*;
use super::error::FilesError;
use super::offer::{check_offer, offered_transfer_id, OfferContent};
use super::{Answer, FilesEffect};
use crate::api::NetEvent;
use crate::wire::{PeerId, SignedPayload};
use std::collections::BTreeMap;

/// The `reason` of the `declined` answer to an offer over FILE_OFFERS_PER_MIN.
pub const RATE_LIMITED_REASON: &str =
    "too many file offers from you this minute; offer it again later";
/// The `reason` of the `declined` answer to an offer while MAX_TRANSFERS are all open.
pub const TOO_MANY_TRANSFERS_REASON: &str = "too many transfers open; offer it again later";

impl TransferBook {
    /// Incoming: a `file_offer` frame from `sender` (already rate-limited by the node).
    #[allow(clippy::too_many_arguments)]
    pub fn on_offer(
        &mut self,
        sp: &SignedPayload,
        port: u16,
        sender: &PeerId,
        me: &PeerId,
        max_size: u64,
        sender_name: &str,
        now_ms: i64,
    ) -> Result<Vec<FilesEffect>, FilesError> {
        let checked = match check_offer(sp, sender, me, max_size) {
            Ok(c) => c,
            Err(FilesError::TooLarge { size, limit }) => {
                // Tell the sender why, so it does not wait.
                let id = sp
                    .parse::<OfferContent>()
                    .map(|c| c.transfer_id)
                    .unwrap_or_default();
                let e = FilesError::TooLarge { size, limit };
                return Ok(vec![
                    FilesEffect::Answer {
                        to: *sender,
                        transfer_id: id.clone(),
                        answer: Answer::Declined,
                        reason: Some("over the receiver's size limit".into()),
                    },
                    FilesEffect::Event(NetEvent::FileFailed {
                        transfer_id: id,
                        reason: format!("{sender_name} offered a file: {e}"),
                    }),
                ]);
            }
            Err(e) => return Err(e),
        };
        let id = checked.content.transfer_id.clone();
        if let Some(t) = self.transfers.get_mut(&id) {
            if t.direction != Direction::Incoming || t.peer != Some(*sender) {
                return Err(FilesError::IdClash(id));
            }
            t.port = port;
            return Ok(match &t.stage {
                Stage::Offered => vec![],
                Stage::Accepted => vec![fetch(t, &checked)],
                Stage::Done => vec![answer(t, Answer::Done, None)],
                Stage::Declined => vec![answer(t, Answer::Declined, None)],
                Stage::Cancelled => vec![answer(t, Answer::Cancelled, None)],
                Stage::Failed(r) => vec![answer(t, Answer::Failed, Some(r.clone()))],
                Stage::Hashing => vec![],
            });
        }
        if let Err(e) = self.make_room() {
            // Refused, and the sender told so: it stops waiting for an answer.
            return Ok(vec![
                FilesEffect::Answer {
                    to: *sender,
                    transfer_id: id,
                    answer: Answer::Declined,
                    reason: Some(TOO_MANY_TRANSFERS_REASON.into()),
                },
                FilesEffect::Event(NetEvent::Rejected {
                    from: sender.to_hex(),
                    reason: e.to_string(),
                }),
            ]);
        }
        let event = NetEvent::FileOffer {
            transfer_id: id.clone(),
            from: sender.to_hex(),
            from_name: sender_name.to_string(),
            name: checked.safe_name.clone(),
            size: checked.content.size,
            hash: checked.content.hash.clone(),
            recipients: checked.content.to.len(),
        };
        self.transfers.insert(
            id.clone(),
            Transfer {
                id,
                direction: Direction::Incoming,
                peer: Some(*sender),
                recipients: BTreeMap::new(),
                offer: Some(sp.clone()),
                name: checked.safe_name,
                size: checked.content.size,
                hash: checked.content.hash,
                stage: Stage::Offered,
                bytes: 0,
                path: None,
                dir: None,
                port,
                rate: 0,
                created_ms: now_ms,
            },
        );
        Ok(vec![FilesEffect::Event(event), FilesEffect::Save])
    }

    /// Incoming: an offer from `sender` over its rate limit (not checked further, so the
    /// signature is not verified). The sender is answered `declined` with the reason when the
    /// payload names a well-formed transfer id this book does not have: a re-offer of a
    /// transfer already here (after a reconnection) is only dropped, so a refusal never ends
    /// a transfer that was accepted.
    pub fn refuse_over_rate(&self, sp: &SignedPayload, sender: &PeerId) -> Vec<FilesEffect> {
        match offered_transfer_id(sp) {
            Some(id) if !self.transfers.contains_key(&id) => vec![FilesEffect::Answer {
                to: *sender,
                transfer_id: id,
                answer: Answer::Declined,
                reason: Some(RATE_LIMITED_REASON.into()),
            }],
            Some(_) | None => vec![],
        }
    }

    /// Incoming: the user accepts (into `dir`, or the download directory).
    pub fn accept(
        &mut self,
        id: &str,
        dir: Option<String>,
    ) -> Result<Vec<FilesEffect>, FilesError> {
        let t = self.incoming_in(id, Stage::Offered, "offered")?;
        t.stage = Stage::Accepted;
        t.dir = dir;
        let Some(checked) = t.checked() else {
            return Ok(fail(t, "the saved offer is unreadable".into()));
        };
        Ok(vec![
            answer(t, Answer::Accepted, None),
            fetch(t, &checked),
            FilesEffect::Save,
        ])
    }

    /// Incoming: the user declines; nothing is written.
    pub fn decline(&mut self, id: &str) -> Result<Vec<FilesEffect>, FilesError> {
        let t = self.incoming_in(id, Stage::Offered, "offered")?;
        t.stage = Stage::Declined;
        Ok(vec![
            answer(t, Answer::Declined, None),
            FilesEffect::Event(NetEvent::FileCancelled {
                transfer_id: t.id.clone(),
                by: "declined".into(),
            }),
            FilesEffect::Save,
        ])
    }

    /// Incoming: the runtime chose the target file (kept, so a restart resumes into it).
    pub fn target(&mut self, id: &str, path: String) -> Vec<FilesEffect> {
        match self.transfers.get_mut(id) {
            Some(t) if t.path.as_ref() != Some(&path) => {
                t.path = Some(path);
                vec![FilesEffect::Save]
            }
            _ => vec![],
        }
    }

    /// Either side: bytes verified (or served) so far.
    pub fn progress(&mut self, id: &str, bytes: u64, rate: u64) -> Vec<FilesEffect> {
        let Some(t) = self.transfers.get_mut(id) else {
            return vec![];
        };
        if !t.stage.is_open() {
            return vec![];
        }
        t.bytes = bytes;
        t.rate = rate;
        vec![FilesEffect::Event(NetEvent::FileProgress {
            transfer_id: t.id.clone(),
            bytes,
            size: t.size,
            rate,
        })]
    }

    /// Incoming: the fetch ended, verified at `path`, or failed for good.
    pub fn fetched(&mut self, id: &str, result: Result<String, String>) -> Vec<FilesEffect> {
        let Some(t) = self.transfers.get_mut(id) else {
            return vec![];
        };
        if t.stage != Stage::Accepted {
            return vec![];
        }
        match result {
            Ok(path) => {
                t.stage = Stage::Done;
                t.bytes = t.size;
                t.path = Some(path.clone());
                vec![
                    answer(t, Answer::Done, None),
                    FilesEffect::Event(NetEvent::FileDone {
                        transfer_id: t.id.clone(),
                        path,
                        hash: t.hash.clone(),
                    }),
                    FilesEffect::Save,
                ]
            }
            Err(reason) => {
                let mut out = vec![answer(t, Answer::Failed, Some(reason.clone()))];
                out.extend(fail(t, reason));
                out
            }
        }
    }

    fn incoming_in(
        &mut self,
        id: &str,
        stage: Stage,
        wanted: &'static str,
    ) -> Result<&mut Transfer, FilesError> {
        match self.transfers.get_mut(id) {
            Some(t) if t.direction == Direction::Incoming && t.stage == stage => Ok(t),
            Some(t) => Err(FilesError::WrongState {
                id: id.into(),
                state: format!("{} ({})", t.stage.label(), direction_word(t.direction)),
                wanted,
            }),
            None => Err(FilesError::Unknown(id.into())),
        }
    }
}
