//! Cancel (either side) and the `file_answer` frames that move a transfer on.

use super::book::*;
use super::error::FilesError;
use super::{Answer, FileOutput, FilesEffect};
use crate::api::NetEvent;
use crate::wire::PeerId;

impl TransferBook {
    /// Either side: the user cancels an open transfer.
    pub fn cancel(&mut self, id: &str) -> Result<Vec<FilesEffect>, FilesError> {
        let Some(t) = self.transfers.get_mut(id) else {
            return Err(FilesError::Unknown(id.into()));
        };
        if !t.stage.is_open() {
            return Err(FilesError::WrongState {
                id: id.into(),
                state: t.stage.label().into(),
                wanted: "open",
            });
        }
        let mut out = match t.direction {
            Direction::Incoming => vec![
                answer(t, Answer::Cancelled, None),
                FilesEffect::Io(FileOutput::StopFetch {
                    transfer_id: t.id.clone(),
                    discard: true,
                    target: t.path.clone(),
                }),
            ],
            Direction::Outgoing => {
                let mut out: Vec<FilesEffect> = t
                    .recipients
                    .iter()
                    .filter(|(_, a)| !a.is_final())
                    .map(|(p, _)| FilesEffect::Answer {
                        to: *p,
                        transfer_id: t.id.clone(),
                        answer: Answer::Cancelled,
                        reason: None,
                    })
                    .collect();
                out.push(FilesEffect::Io(FileOutput::StopServe {
                    transfer_id: t.id.clone(),
                }));
                out
            }
        };
        t.stage = Stage::Cancelled;
        out.push(FilesEffect::Event(NetEvent::FileCancelled {
            transfer_id: t.id.clone(),
            by: "you".into(),
        }));
        out.push(FilesEffect::Save);
        Ok(out)
    }

    /// A `file_answer` frame from `from`.
    pub fn on_answer(
        &mut self,
        from: &PeerId,
        id: &str,
        ans: Answer,
        reason: Option<String>,
        from_name: &str,
    ) -> Vec<FilesEffect> {
        let Some(t) = self.transfers.get_mut(id) else {
            return vec![];
        };
        match t.direction {
            // Only the sender may answer an incoming transfer, and only to cancel it.
            Direction::Incoming => {
                if t.peer != Some(*from) || ans != Answer::Cancelled || !t.stage.is_open() {
                    return vec![];
                }
                t.stage = Stage::Cancelled;
                vec![
                    FilesEffect::Io(FileOutput::StopFetch {
                        transfer_id: t.id.clone(),
                        discard: true,
                        target: t.path.clone(),
                    }),
                    FilesEffect::Event(NetEvent::FileCancelled {
                        transfer_id: t.id.clone(),
                        by: from_name.to_string(),
                    }),
                    FilesEffect::Save,
                ]
            }
            Direction::Outgoing => {
                let Some(slot) = t.recipients.get_mut(from) else {
                    return vec![];
                };
                if *slot == ans || slot.is_final() || t.stage != Stage::Offered {
                    return vec![];
                }
                *slot = ans;
                let (tid, who) = (t.id.clone(), from.to_hex());
                let by_name = from_name.to_string();
                let event = match ans {
                    Answer::Pending => return vec![],
                    Answer::Accepted => NetEvent::FileAccepted {
                        transfer_id: tid,
                        by: who,
                        by_name,
                    },
                    Answer::Declined => NetEvent::FileDeclined {
                        transfer_id: tid,
                        by: who,
                        by_name,
                        reason: reason.map(|r| clean(&r)),
                    },
                    Answer::Done => NetEvent::FileDelivered {
                        transfer_id: tid,
                        to: who,
                        to_name: by_name,
                    },
                    Answer::Failed => NetEvent::FileFailed {
                        transfer_id: tid,
                        reason: format!(
                            "{by_name} could not receive it: {}",
                            clean(&reason.unwrap_or_default())
                        ),
                    },
                    Answer::Cancelled => NetEvent::FileCancelled {
                        transfer_id: tid,
                        by: by_name,
                    },
                };
                let mut out = vec![FilesEffect::Event(event), FilesEffect::Save];
                if t.recipients.values().all(Answer::is_final) {
                    t.stage = Stage::Done;
                    out.push(FilesEffect::Io(FileOutput::StopServe {
                        transfer_id: t.id.clone(),
                    }));
                }
                out
            }
        }
    }
}
