//! A bounded memory of signature checks, so that the engine never verifies the same signed
//! payload twice: resending a frame costs a hash lookup, not an Ed25519 verification.

use crate::wire::signing::SignatureError;
use crate::wire::{Domain, PeerId, SignedPayload};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};

/// VERIFY_CACHE_ENTRIES: most signature verdicts remembered (oldest forgotten first). Each is
/// a 32-byte digest plus the verdict, so the cache holds well under 1 MB.
pub const VERIFY_CACHE_ENTRIES: usize = 8192;

/// Verdicts of signature checks (verified or refused), keyed by SHA-256 over domain, signer,
/// payload and signature. Owned by the node; see [`VerifyCache::verify`].
#[derive(Debug, Default)]
pub struct VerifyCache {
    verdicts: HashMap<[u8; 32], Result<(), SignatureError>>,
    order: VecDeque<[u8; 32]>,
    /// Ed25519 verifications actually performed (cache misses).
    verifications: u64,
}

impl VerifyCache {
    /// Same contract as [`SignedPayload::verify`] (`Ok(false)`: unsigned), but a payload whose
    /// verdict is remembered is not verified again.
    pub fn verify(
        &mut self,
        sp: &SignedPayload,
        signer: &PeerId,
        domain: Domain,
    ) -> Result<bool, SignatureError> {
        let Some(sig) = &sp.sig else {
            return Ok(false);
        };
        let key = digest(domain, signer, &sp.payload, sig);
        if let Some(verdict) = self.verdicts.get(&key) {
            return verdict.clone().map(|()| true);
        }
        self.verifications += 1;
        let verdict = sp.verify(signer, domain).map(|_| ());
        if self.order.len() >= VERIFY_CACHE_ENTRIES {
            if let Some(old) = self.order.pop_front() {
                self.verdicts.remove(&old);
            }
        }
        self.order.push_back(key);
        self.verdicts.insert(key, verdict.clone());
        verdict.map(|()| true)
    }

    /// How many Ed25519 verifications this cache has performed (for per-signature charging
    /// and tests).
    pub fn verifications(&self) -> u64 {
        self.verifications
    }

    /// Verdicts held now.
    pub fn len(&self) -> usize {
        self.verdicts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty()
    }
}

fn digest(domain: Domain, signer: &PeerId, payload: &str, sig: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(domain.prefix());
    h.update([0]);
    h.update(signer.0);
    h.update((payload.len() as u64).to_be_bytes());
    h.update(payload.as_bytes());
    h.update(sig.as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn signed(n: u8, text: &str) -> (SignedPayload, PeerId) {
        let k = SigningKey::from_bytes(&[n; 32]);
        let sp = SignedPayload::sign(&k, Domain::Chat, &serde_json::json!({ "t": text }));
        (sp, PeerId(k.verifying_key().to_bytes()))
    }

    #[test]
    fn a_payload_verified_once_is_not_verified_again() {
        let mut cache = VerifyCache::default();
        let (sp, id) = signed(1, "a");
        assert_eq!(cache.verify(&sp, &id, Domain::Chat), Ok(true));
        assert_eq!(cache.verify(&sp, &id, Domain::Chat), Ok(true));
        assert_eq!(cache.verifications(), 1);
        // Another domain or signer is another question.
        assert_eq!(
            cache.verify(&sp, &id, Domain::Vote),
            Err(SignatureError::Invalid)
        );
        let (_, other) = signed(2, "a");
        assert_eq!(
            cache.verify(&sp, &other, Domain::Chat),
            Err(SignatureError::Invalid)
        );
        assert_eq!(cache.verifications(), 3);
    }

    #[test]
    fn a_refused_payload_is_refused_again_without_verifying() {
        let mut cache = VerifyCache::default();
        let (mut sp, id) = signed(1, "a");
        sp.payload.push(' ');
        for _ in 0..5 {
            assert_eq!(
                cache.verify(&sp, &id, Domain::Chat),
                Err(SignatureError::Invalid)
            );
        }
        assert_eq!(cache.verifications(), 1);
        let unsigned = SignedPayload {
            payload: "{}".into(),
            sig: None,
        };
        assert_eq!(cache.verify(&unsigned, &id, Domain::Chat), Ok(false));
        assert_eq!(cache.verifications(), 1);
    }

    #[test]
    fn the_cache_is_bounded_and_forgets_the_oldest() {
        let mut cache = VerifyCache::default();
        let (first, id) = signed(1, "first");
        cache.verify(&first, &id, Domain::Chat).unwrap();
        let bad = |i: usize| SignedPayload {
            payload: format!("{i}"),
            sig: Some("00".repeat(64)),
        };
        for i in 0..VERIFY_CACHE_ENTRIES {
            let _ = cache.verify(&bad(i), &id, Domain::Chat);
        }
        assert_eq!(cache.len(), VERIFY_CACHE_ENTRIES);
        let before = cache.verifications();
        cache.verify(&first, &id, Domain::Chat).unwrap();
        assert_eq!(
            cache.verifications(),
            before + 1,
            "the oldest was forgotten"
        );
    }
}
