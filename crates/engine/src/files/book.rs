//! The transfer book: every transfer this node offered or was offered, its stage, and the
//! transitions (offer, accept, decline, cancel, answers, the runtime's reports) as a pure
//! state machine whose effects come out as [`FilesEffect`] values.

use super::error::FilesError;
use super::offer::{check_offer, CheckedOffer, OfferContent};
use super::{Answer, FetchOrder, FileOutput, FilesEffect, HashedFile};
use crate::api::{NetEvent, TransferInfo};
use crate::limits::{FILE_CHUNK_SIZE, MAX_TRANSFERS};
use crate::wire::{Domain, PeerId, SignedPayload};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which way a transfer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// Where a transfer is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage", content = "reason")]
pub enum Stage {
    /// Outgoing: the file is being read and hashed.
    Hashing,
    /// Incoming: waiting for the user. Outgoing: offered, waiting for (more) answers.
    Offered,
    /// Incoming: accepted, fetching (or waiting to resume).
    Accepted,
    /// Incoming: verified and renamed into place. Outgoing: every recipient answered.
    Done,
    Failed(String),
    Declined,
    Cancelled,
}

impl Stage {
    pub fn is_open(&self) -> bool {
        matches!(self, Stage::Hashing | Stage::Offered | Stage::Accepted)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Stage::Hashing => "hashing",
            Stage::Offered => "offered",
            Stage::Accepted => "transferring",
            Stage::Done => "done",
            Stage::Failed(_) => "failed",
            Stage::Declined => "declined",
            Stage::Cancelled => "cancelled",
        }
    }
}

/// One transfer. Saved in the state file, so it survives a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub id: String,
    pub direction: Direction,
    /// Incoming: the sender.
    pub peer: Option<PeerId>,
    /// Outgoing: each recipient's last answer.
    #[serde(default)]
    pub recipients: BTreeMap<PeerId, Answer>,
    /// The signed offer (none while hashing).
    pub offer: Option<SignedPayload>,
    /// Incoming: the sanitised name; outgoing: the file's own name.
    pub name: String,
    pub size: u64,
    /// Whole-file BLAKE3, hex (empty while hashing).
    pub hash: String,
    pub stage: Stage,
    /// Bytes verified (incoming) or served (outgoing) so far. Not saved: progress alone must
    /// not make the state file dirty (a restarted receiver counts its verified bytes again).
    #[serde(skip)]
    pub bytes: u64,
    /// Outgoing: the source file. Incoming: the target, once chosen.
    pub path: Option<String>,
    /// Incoming: the directory asked for with `/accept ID DIR`.
    pub dir: Option<String>,
    /// Incoming: the sender's transfer port, from its latest offer (not saved: a restarted
    /// sender offers again with its new port).
    #[serde(skip)]
    pub port: u16,
    /// Bytes per second, as last reported.
    #[serde(skip)]
    pub rate: u64,
    pub created_ms: i64,
}

impl Transfer {
    fn info(&self, name_of: &dyn Fn(&PeerId) -> String) -> TransferInfo {
        let peers: Vec<PeerId> = match self.direction {
            Direction::Incoming => self.peer.into_iter().collect(),
            Direction::Outgoing => self.recipients.keys().copied().collect(),
        };
        TransferInfo {
            transfer_id: self.id.clone(),
            direction: match self.direction {
                Direction::Incoming => "in".into(),
                Direction::Outgoing => "out".into(),
            },
            peers: peers.iter().map(|p| p.to_hex()).collect(),
            peer_names: peers.iter().map(name_of).collect(),
            name: self.name.clone(),
            size: self.size,
            bytes: if self.stage == Stage::Done {
                self.size
            } else {
                self.bytes
            },
            rate: self.rate,
            state: self.stage.label().into(),
            reason: match &self.stage {
                Stage::Failed(r) => Some(r.clone()),
                _ => None,
            },
            path: self.path.clone(),
        }
    }
}

/// Every transfer, at most [`MAX_TRANSFERS`].
#[derive(Debug, Default)]
pub struct TransferBook {
    transfers: BTreeMap<String, Transfer>,
}

impl TransferBook {
    /// The book as saved by an earlier run.
    pub fn restored(saved: Vec<Transfer>) -> TransferBook {
        TransferBook {
            transfers: saved.into_iter().map(|t| (t.id.clone(), t)).collect(),
        }
    }

    pub fn saved(&self) -> Vec<Transfer> {
        self.transfers.values().cloned().collect()
    }

    pub fn get(&self, id: &str) -> Option<&Transfer> {
        self.transfers.get(id)
    }

    pub fn len(&self) -> usize {
        self.transfers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.transfers.is_empty()
    }

    /// Finds a transfer by any unique prefix of its id.
    pub fn find(&self, prefix: &str) -> Result<String, FilesError> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.is_empty() {
            return Err(FilesError::Unknown(prefix));
        }
        let mut hits = self.transfers.keys().filter(|id| id.starts_with(&prefix));
        match (hits.next(), hits.next()) {
            (Some(one), None) => Ok(one.clone()),
            (None, _) => Err(FilesError::Unknown(prefix)),
            (Some(_), Some(_)) => Err(FilesError::Ambiguous(prefix)),
        }
    }

    /// Makes room for one more: forgets the oldest finished transfer when full.
    fn make_room(&mut self) -> Result<(), FilesError> {
        if self.transfers.len() < MAX_TRANSFERS {
            return Ok(());
        }
        let oldest = self
            .transfers
            .values()
            .filter(|t| !t.stage.is_open())
            .min_by_key(|t| t.created_ms)
            .map(|t| t.id.clone());
        match oldest {
            Some(id) => {
                self.transfers.remove(&id);
                Ok(())
            }
            None => Err(FilesError::TooManyTransfers),
        }
    }

    pub fn list(&self, name_of: &dyn Fn(&PeerId) -> String) -> Vec<TransferInfo> {
        let mut all: Vec<&Transfer> = self.transfers.values().collect();
        all.sort_by_key(|t| t.created_ms);
        all.into_iter().map(|t| t.info(name_of)).collect()
    }

    /// Outgoing: the user offered `path` to `recipients`; the runtime hashes it first.
    pub fn start_offer(
        &mut self,
        id: String,
        path: String,
        recipients: Vec<PeerId>,
        now_ms: i64,
    ) -> Result<Vec<FilesEffect>, FilesError> {
        self.make_room()?;
        let name = path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string();
        self.transfers.insert(
            id.clone(),
            Transfer {
                id: id.clone(),
                direction: Direction::Outgoing,
                peer: None,
                recipients: recipients
                    .into_iter()
                    .map(|p| (p, Answer::Pending))
                    .collect(),
                offer: None,
                name,
                size: 0,
                hash: String::new(),
                stage: Stage::Hashing,
                bytes: 0,
                path: Some(path.clone()),
                dir: None,
                port: 0,
                rate: 0,
                created_ms: now_ms,
            },
        );
        Ok(vec![FilesEffect::Io(FileOutput::Hash {
            transfer_id: id,
            path,
        })])
    }

    /// Outgoing: the runtime read the file. Signs the offer and sends it to every recipient
    /// connected now (`connected`); the others get it when they connect. After a restart,
    /// the file is hashed again and must not have changed.
    pub fn hashed(
        &mut self,
        id: &str,
        result: Result<HashedFile, String>,
        key: &SigningKey,
        connected: &dyn Fn(&PeerId) -> bool,
        now_ms: i64,
    ) -> Vec<FilesEffect> {
        let Some(t) = self.transfers.get_mut(id) else {
            return vec![];
        };
        let file = match result {
            Ok(f) if t.offer.is_some() && hex::encode(f.hash) != t.hash => {
                return fail(t, "the file changed since it was offered".into());
            }
            Ok(f) => f,
            Err(e) => return fail(t, e),
        };
        if t.offer.is_none() {
            let content = OfferContent {
                transfer_id: id.to_string(),
                from: PeerId(key.verifying_key().to_bytes()),
                to: t.recipients.keys().copied().collect(),
                name: t.name.clone(),
                size: file.size,
                hash: hex::encode(file.hash),
                chunk_size: file.chunk_size,
                manifest: hex::encode(file.manifest),
                ts: now_ms,
            };
            t.size = file.size;
            t.hash = content.hash.clone();
            t.offer = Some(SignedPayload::sign(key, Domain::FileOffer, &content));
        }
        t.stage = Stage::Offered;
        let mut out = vec![
            FilesEffect::Io(FileOutput::Serve {
                transfer_id: id.to_string(),
                allowed: t.recipients.keys().copied().collect(),
            }),
            FilesEffect::Save,
        ];
        out.extend(offers_to(t, connected));
        out
    }

    /// Outgoing: a recipient connected; offer again what it has not finished (a restarted
    /// receiver resumes, and every offer carries our current transfer port).
    pub fn peer_connected(&self, peer: &PeerId) -> Vec<FilesEffect> {
        self.transfers
            .values()
            .filter(|t| t.direction == Direction::Outgoing && t.stage == Stage::Offered)
            .flat_map(|t| offers_to(t, &|p| p == peer))
            .collect()
    }

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
        self.make_room()?;
        let event = NetEvent::FileOffer {
            transfer_id: id.clone(),
            from: sender.to_hex(),
            from_name: sender_name.to_string(),
            name: checked.safe_name.clone(),
            size: checked.content.size,
            hash: checked.content.hash.clone(),
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

    /// At start: what must be set going again. Outgoing offers are hashed again (the
    /// manifest is not saved, and the file must not have changed); incoming accepted ones
    /// wait for their sender's next offer, which carries its new port.
    pub fn resume_all(&self) -> Vec<FilesEffect> {
        self.transfers
            .values()
            .filter(|t| t.direction == Direction::Outgoing && t.stage.is_open())
            .filter_map(|t| {
                Some(FilesEffect::Io(FileOutput::Hash {
                    transfer_id: t.id.clone(),
                    path: t.path.clone()?,
                }))
            })
            .collect()
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

impl Transfer {
    /// The saved offer, parsed again (it was checked when it arrived).
    fn checked(&self) -> Option<CheckedOffer> {
        let sp = self.offer.as_ref()?;
        let content: OfferContent = sp.parse().ok()?;
        Some(CheckedOffer {
            hash: super::offer::parse_hash(&content.hash)?,
            manifest: super::offer::parse_hash(&content.manifest)?,
            safe_name: self.name.clone(),
            content,
        })
    }
}

fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Incoming => "incoming",
        Direction::Outgoing => "outgoing",
    }
}

fn clean(s: &str) -> String {
    crate::node::sanitize::clean_name(s, 200)
}

fn fail(t: &mut Transfer, reason: String) -> Vec<FilesEffect> {
    t.stage = Stage::Failed(reason.clone());
    let mut out = vec![FilesEffect::Event(NetEvent::FileFailed {
        transfer_id: t.id.clone(),
        reason,
    })];
    if t.direction == Direction::Outgoing {
        out.push(FilesEffect::Io(FileOutput::StopServe {
            transfer_id: t.id.clone(),
        }));
    }
    out.push(FilesEffect::Save);
    out
}

fn answer(t: &Transfer, answer: Answer, reason: Option<String>) -> FilesEffect {
    FilesEffect::Answer {
        to: t.peer.expect("incoming transfers have a sender"),
        transfer_id: t.id.clone(),
        answer,
        reason,
    }
}

fn fetch(t: &Transfer, checked: &CheckedOffer) -> FilesEffect {
    FilesEffect::Fetch(FetchOrder {
        transfer_id: t.id.clone(),
        from: t.peer.expect("incoming transfers have a sender"),
        port: t.port,
        name: t.name.clone(),
        size: checked.content.size,
        hash: checked.hash,
        chunk_size: checked.content.chunk_size,
        manifest: checked.manifest,
        dir: t.dir.clone(),
        target: t.path.clone(),
    })
}

fn offers_to(t: &Transfer, connected: &dyn Fn(&PeerId) -> bool) -> Vec<FilesEffect> {
    let Some(offer) = &t.offer else {
        return vec![];
    };
    t.recipients
        .iter()
        .filter(|(p, a)| !a.is_final() && connected(p))
        .map(|(p, _)| FilesEffect::Offer {
            to: *p,
            offer: offer.clone(),
        })
        .collect()
}

/// The chunk size this node offers in.
pub const fn offered_chunk_size() -> u32 {
    FILE_CHUNK_SIZE
}
