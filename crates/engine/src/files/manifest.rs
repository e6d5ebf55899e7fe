//! Content addressing: a file is cut into fixed-size chunks; the manifest is the list of their
//! BLAKE3 hashes, and its root (BLAKE3 of the hashes laid end to end) is what the signed offer
//! commits to, beside the BLAKE3 hash of the whole file. A chunk is checked against its
//! manifest entry before a byte of it is written, so nothing unverified reaches the disk.

use crate::files::error::FilesError;

/// One chunk's hash, or the manifest root, or a file hash: 32 bytes of BLAKE3.
pub type Hash = [u8; 32];

/// How many chunks a file of `size` bytes has in chunks of `chunk_size` (at least one, so an
/// empty file is one empty chunk).
pub fn chunk_count(size: u64, chunk_size: u32) -> u64 {
    size.div_ceil(u64::from(chunk_size)).max(1)
}

/// The length of chunk `index` (the last one may be short).
pub fn chunk_len(size: u64, chunk_size: u32, index: u64) -> usize {
    let start = index.saturating_mul(u64::from(chunk_size));
    size.saturating_sub(start).min(u64::from(chunk_size)) as usize
}

/// The BLAKE3 hash of one chunk.
pub fn chunk_hash(bytes: &[u8]) -> Hash {
    *blake3::hash(bytes).as_bytes()
}

/// A file's verified manifest: its chunk layout and every chunk's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub size: u64,
    pub chunk_size: u32,
    pub hashes: Vec<Hash>,
}

impl Manifest {
    /// The root the offer signs: BLAKE3 over the chunk hashes in order.
    pub fn root_of(hashes: &[Hash]) -> Hash {
        let mut h = blake3::Hasher::new();
        for c in hashes {
            h.update(c);
        }
        *h.finalize().as_bytes()
    }

    pub fn root(&self) -> Hash {
        Manifest::root_of(&self.hashes)
    }

    /// Takes hashes received from the sender and keeps them only if they are exactly the
    /// manifest the signed offer names (count and root).
    pub fn verified(
        size: u64,
        chunk_size: u32,
        hashes: Vec<Hash>,
        root: &Hash,
    ) -> Result<Manifest, FilesError> {
        if hashes.len() as u64 != chunk_count(size, chunk_size) {
            return Err(FilesError::ManifestMismatch);
        }
        if &Manifest::root_of(&hashes) != root {
            return Err(FilesError::ManifestMismatch);
        }
        Ok(Manifest {
            size,
            chunk_size,
            hashes,
        })
    }

    pub fn chunks(&self) -> u64 {
        self.hashes.len() as u64
    }

    pub fn chunk_len(&self, index: u64) -> usize {
        chunk_len(self.size, self.chunk_size, index)
    }

    /// Byte offset of chunk `index`.
    pub fn offset(&self, index: u64) -> u64 {
        index * u64::from(self.chunk_size)
    }

    /// Whether `bytes` is exactly chunk `index`.
    pub fn check_chunk(&self, index: u64, bytes: &[u8]) -> Result<(), FilesError> {
        let Some(expected) = self.hashes.get(index as usize) else {
            return Err(FilesError::ChunkOutOfRange { index });
        };
        if bytes.len() != self.chunk_len(index) || &chunk_hash(bytes) != expected {
            return Err(FilesError::ForgedChunk { index });
        }
        Ok(())
    }
}

/// Builds a manifest and the whole-file hash while a file is read once, chunk by chunk.
#[derive(Debug)]
pub struct ManifestBuilder {
    chunk_size: u32,
    size: u64,
    hashes: Vec<Hash>,
    whole: blake3::Hasher,
}

impl ManifestBuilder {
    pub fn new(chunk_size: u32) -> ManifestBuilder {
        ManifestBuilder {
            chunk_size,
            size: 0,
            hashes: Vec::new(),
            whole: blake3::Hasher::new(),
        }
    }

    /// Adds the next chunk (full-sized except the last).
    pub fn push(&mut self, chunk: &[u8]) {
        self.size += chunk.len() as u64;
        self.hashes.push(chunk_hash(chunk));
        self.whole.update(chunk);
    }

    /// The manifest and the whole-file hash.
    pub fn finish(mut self) -> (Manifest, Hash) {
        if self.hashes.is_empty() {
            self.hashes.push(chunk_hash(&[]));
        }
        (
            Manifest {
                size: self.size,
                chunk_size: self.chunk_size,
                hashes: self.hashes,
            },
            *self.whole.finalize().as_bytes(),
        )
    }
}

/// The whole-file hash, computed as verified chunks are written in order (and over the
/// verified prefix already on disk when a transfer resumes).
#[derive(Debug, Default)]
pub struct WholeFileCheck {
    hasher: blake3::Hasher,
}

impl WholeFileCheck {
    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }

    pub fn matches(&self, expected: &Hash) -> bool {
        self.hasher.finalize().as_bytes() == expected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn chunk_layout_covers_the_file_exactly() {
        assert_eq!(chunk_count(0, 16), 1);
        assert_eq!(chunk_count(16, 16), 1);
        assert_eq!(chunk_count(17, 16), 2);
        assert_eq!(chunk_len(17, 16, 0), 16);
        assert_eq!(chunk_len(17, 16, 1), 1);
        assert_eq!(chunk_len(17, 16, 2), 0);
    }

    #[test]
    fn a_built_manifest_verifies_its_chunks_and_refuses_forged_ones() {
        let data = file(100);
        let mut b = ManifestBuilder::new(32);
        for c in data.chunks(32) {
            b.push(c);
        }
        let (m, whole) = b.finish();
        assert_eq!(whole, *blake3::hash(&data).as_bytes());
        assert_eq!(m.chunks(), 4);
        let m2 = Manifest::verified(100, 32, m.hashes.clone(), &m.root()).unwrap();
        for (i, c) in data.chunks(32).enumerate() {
            m2.check_chunk(i as u64, c).unwrap();
        }
        let mut forged = data[32..64].to_vec();
        forged[3] ^= 1;
        assert_eq!(
            m2.check_chunk(1, &forged),
            Err(FilesError::ForgedChunk { index: 1 })
        );
        assert!(m2.check_chunk(3, &data[96..99]).is_err(), "short chunk");
        assert!(m2.check_chunk(9, &data[..4]).is_err());
        let mut wrong = m.hashes.clone();
        wrong.swap(0, 1);
        assert!(Manifest::verified(100, 32, wrong, &m.root()).is_err());
        assert!(Manifest::verified(100, 32, m.hashes[..3].to_vec(), &m.root()).is_err());
    }

    #[test]
    fn an_empty_file_has_one_empty_chunk() {
        let (m, whole) = ManifestBuilder::new(16).finish();
        assert_eq!(m.chunks(), 1);
        m.check_chunk(0, &[]).unwrap();
        assert_eq!(whole, *blake3::hash(&[]).as_bytes());
    }
}
