//! The transfer connection's frames (PROTOCOL.md §16.3): JSON control frames (the §4
//! `hello`/`auth`/`reject`, then `file_manifest` and `file_get`) and two binary frames from
//! the sender, a manifest piece and a chunk, told apart by their first byte.

use super::manifest::Hash;
use crate::wire::{Hello, RejectReason};
use serde::{Deserialize, Serialize};

/// First byte of a manifest piece: `0x01`, 8-byte big-endian index of its first hash, then
/// 32-byte hashes.
pub const MANIFEST_PIECE: u8 = 0x01;
/// First byte of a chunk: `0x02`, 8-byte big-endian chunk index, then the chunk's bytes.
pub const CHUNK: u8 = 0x02;
/// Header length of both binary frames.
pub const DATA_HEADER: usize = 9;
/// Most hashes in one manifest piece (1 MiB of hashes).
pub const HASHES_PER_PIECE: usize = 32 * 1024;

/// A JSON frame on a transfer connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TransferFrame {
    /// As on a chat connection (§4), sent by both sides first.
    Hello(Hello),
    Auth {
        sig: String,
    },
    Reject {
        reason: RejectReason,
        message: String,
    },
    /// Receiver → sender: send the whole manifest (manifest pieces, in order).
    FileManifest {
        transfer_id: String,
    },
    /// Receiver → sender: send chunks `from_chunk`, `from_chunk + 1`, … to the last, in order.
    FileGet {
        transfer_id: String,
        from_chunk: u64,
    },
}

/// A binary frame from the sender.
#[derive(Debug, PartialEq, Eq)]
pub enum TransferData<'a> {
    ManifestPiece { first: u64, hashes: Vec<Hash> },
    Chunk { index: u64, bytes: &'a [u8] },
}

/// The 9-byte header of a binary frame.
pub fn data_header(kind: u8, index: u64) -> [u8; DATA_HEADER] {
    let mut h = [0u8; DATA_HEADER];
    h[0] = kind;
    h[1..].copy_from_slice(&index.to_be_bytes());
    h
}

/// One manifest piece's frame body.
pub fn manifest_piece(first: u64, hashes: &[Hash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DATA_HEADER + hashes.len() * 32);
    out.extend_from_slice(&data_header(MANIFEST_PIECE, first));
    for h in hashes {
        out.extend_from_slice(h);
    }
    out
}

/// Reads a frame from the sender: `Ok(None)` for a JSON frame (first byte `{`), `Err` for
/// anything else malformed.
pub fn parse_data(frame: &[u8]) -> Result<Option<TransferData<'_>>, String> {
    match frame.first() {
        Some(b'{') => return Ok(None),
        Some(&MANIFEST_PIECE) | Some(&CHUNK) if frame.len() >= DATA_HEADER => {}
        _ => return Err("malformed transfer frame".into()),
    }
    let index = u64::from_be_bytes(frame[1..DATA_HEADER].try_into().expect("8 bytes"));
    let body = &frame[DATA_HEADER..];
    if frame[0] == CHUNK {
        return Ok(Some(TransferData::Chunk { index, bytes: body }));
    }
    if !body.len().is_multiple_of(32) || body.len() / 32 > HASHES_PER_PIECE {
        return Err("malformed manifest piece".into());
    }
    let hashes = body
        .chunks_exact(32)
        .map(|c| c.try_into().expect("32 bytes"))
        .collect();
    Ok(Some(TransferData::ManifestPiece {
        first: index,
        hashes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_frames_round_trip_and_garbage_is_an_error() {
        let piece = manifest_piece(7, &[[1; 32], [2; 32]]);
        assert_eq!(
            parse_data(&piece).unwrap(),
            Some(TransferData::ManifestPiece {
                first: 7,
                hashes: vec![[1; 32], [2; 32]]
            })
        );
        let mut chunk = data_header(CHUNK, 3).to_vec();
        chunk.extend_from_slice(b"abc");
        assert_eq!(
            parse_data(&chunk).unwrap(),
            Some(TransferData::Chunk {
                index: 3,
                bytes: b"abc"
            })
        );
        assert_eq!(parse_data(br#"{"type":"reject"}"#).unwrap(), None);
        assert!(parse_data(&[]).is_err());
        assert!(parse_data(&[CHUNK, 0, 0]).is_err());
        assert!(parse_data(&[7; 20]).is_err());
        assert!(parse_data(&piece[..piece.len() - 1]).is_err());
    }

    #[test]
    fn control_frames_have_the_documented_json_shape() {
        let get = TransferFrame::FileGet {
            transfer_id: "ab".into(),
            from_chunk: 5,
        };
        assert_eq!(
            serde_json::to_string(&get).unwrap(),
            r#"{"type":"file_get","transfer_id":"ab","from_chunk":5}"#
        );
    }
}
