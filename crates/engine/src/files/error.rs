//! Why an offer, a manifest or a chunk was refused: each reason is one line for the user.

/// A refusal of the files sub-machine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilesError {
    #[error("file offer with a bad signature")]
    BadSignature,
    #[error("malformed file offer: {0}")]
    Malformed(String),
    #[error("file offer not from its sender")]
    WrongSender,
    #[error("file offer not addressed to us")]
    NotForUs,
    #[error("offer of {size} bytes is over the size limit ({limit} bytes, --max-file-size-mb)")]
    TooLarge { size: u64, limit: u64 },
    #[error("too many file offers from this peer; offer refused")]
    RateLimited,
    #[error("too many transfers open; offer refused")]
    TooManyTransfers,
    #[error("transfer id {0} is already used by another offer")]
    IdClash(String),
    #[error("manifest does not match the signed offer")]
    ManifestMismatch,
    #[error("chunk {index} does not match the manifest; refused, not written")]
    ForgedChunk { index: u64 },
    #[error("chunk {index} is not part of the file")]
    ChunkOutOfRange { index: u64 },
    #[error("no transfer {0}")]
    Unknown(String),
    #[error("{0} matches several transfers; give more of the id")]
    Ambiguous(String),
    #[error("transfer {id} is {state}, not {wanted}")]
    WrongState {
        id: String,
        state: String,
        wanted: &'static str,
    },
}
