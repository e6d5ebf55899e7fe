//! Domain-separated signatures over exact bytes.
//!
//! Signed content travels as a string (`payload`) next to its signature. The signature covers
//! `domain || 0x00 || payload bytes`; receivers verify those bytes with `verify_strict` and only
//! then parse the payload, so what is parsed is exactly what was signed.

use super::ids::PeerId;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// What a signature is for. Each has its own prefix so that a signature can never be replayed
/// as a different kind of statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    Handshake,
    Chat,
    Proposal,
    Vote,
    Dm,
    /// A peer's own signed announcement record, passed on by peer exchange.
    Peer,
    /// The acknowledgement of a relayed private message.
    RelayAck,
    FileOffer,
    /// Reactions, edits and deletes of room messages.
    Act,
}

impl Domain {
    pub fn prefix(self) -> &'static [u8] {
        match self {
            Domain::Handshake => b"p2pchat-tui/v2/handshake",
            Domain::Chat => b"p2pchat-tui/v1/chat",
            Domain::Proposal => b"p2pchat-tui/v1/proposal",
            Domain::Vote => b"p2pchat-tui/v1/vote",
            Domain::Dm => b"p2pchat-tui/v1/dm",
            Domain::Peer => b"p2pchat-tui/v1/peer",
            Domain::RelayAck => b"p2pchat-tui/v1/relay-ack",
            Domain::FileOffer => b"p2pchat-tui/v1/file_offer",
            Domain::Act => b"p2pchat-tui/v1/act",
        }
    }
}

/// The exact bytes a signature covers: the domain prefix, one zero byte, then the content.
pub fn signing_input(domain: Domain, content: &[u8]) -> Vec<u8> {
    let prefix = domain.prefix();
    let mut out = Vec::with_capacity(prefix.len() + 1 + content.len());
    out.extend_from_slice(prefix);
    out.push(0);
    out.extend_from_slice(content);
    out
}

/// Signs `content` under `domain`, returning the 64-byte signature as 128 hex digits.
pub fn sign_hex(key: &SigningKey, domain: Domain, content: &[u8]) -> String {
    hex::encode(key.sign(&signing_input(domain, content)).to_bytes())
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature is not 128 hex digits")]
    Malformed,
    #[error("signer's public key is not a valid Ed25519 point")]
    BadKey,
    #[error("bad signature")]
    Invalid,
}

/// Verifies a hex signature by `signer` over `content` under `domain` (strict verification:
/// no small-order keys, no malleable signatures).
pub fn verify_hex(
    signer: &PeerId,
    domain: Domain,
    content: &[u8],
    sig_hex: &str,
) -> Result<(), SignatureError> {
    let mut sig = [0u8; 64];
    if sig_hex.len() != 128 || hex::decode_to_slice(sig_hex, &mut sig).is_err() {
        return Err(SignatureError::Malformed);
    }
    let key = VerifyingKey::from_bytes(&signer.0).map_err(|_| SignatureError::BadKey)?;
    key.verify_strict(
        &signing_input(domain, content),
        &Signature::from_bytes(&sig),
    )
    .map_err(|_| SignatureError::Invalid)
}

/// Signed (or deliberately unsigned) content: `payload` is a JSON document carried as a string,
/// `sig` the signature over it, or `null` for an unsigned chat message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPayload {
    pub payload: String,
    pub sig: Option<String>,
}

impl SignedPayload {
    /// Serialises `content` and signs it.
    pub fn sign<T: Serialize>(key: &SigningKey, domain: Domain, content: &T) -> SignedPayload {
        let payload = serde_json::to_string(content).expect("plain data serialises");
        let sig = sign_hex(key, domain, payload.as_bytes());
        SignedPayload {
            payload,
            sig: Some(sig),
        }
    }

    /// Serialises `content` without a signature.
    pub fn unsigned<T: Serialize>(content: &T) -> SignedPayload {
        let payload = serde_json::to_string(content).expect("plain data serialises");
        SignedPayload { payload, sig: None }
    }

    /// Verifies the signature by `signer`, if there is one. `Ok(false)` means unsigned.
    pub fn verify(&self, signer: &PeerId, domain: Domain) -> Result<bool, SignatureError> {
        match &self.sig {
            None => Ok(false),
            Some(sig) => verify_hex(signer, domain, self.payload.as_bytes(), sig).map(|_| true),
        }
    }

    /// Parses the payload. Call only after [`SignedPayload::verify`] succeeded (or the
    /// content is accepted unsigned).
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn id(k: &SigningKey) -> PeerId {
        PeerId(k.verifying_key().to_bytes())
    }

    #[test]
    fn signature_verifies_and_is_bound_to_domain_signer_and_bytes() {
        let k = key(7);
        let sig = sign_hex(&k, Domain::Chat, b"hello");
        assert_eq!(verify_hex(&id(&k), Domain::Chat, b"hello", &sig), Ok(()));
        assert_eq!(
            verify_hex(&id(&k), Domain::Vote, b"hello", &sig),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_hex(&id(&k), Domain::Chat, b"hellp", &sig),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_hex(&id(&key(8)), Domain::Chat, b"hello", &sig),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_hex(&id(&k), Domain::Chat, b"hello", "00"),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn signing_input_is_prefix_zero_content() {
        assert_eq!(
            signing_input(Domain::Chat, b"x"),
            b"p2pchat-tui/v1/chat\0x".to_vec()
        );
    }

    #[test]
    fn signed_payload_round_trip() {
        let k = key(3);
        let sp = SignedPayload::sign(&k, Domain::Chat, &serde_json::json!({"a": 1}));
        assert_eq!(sp.verify(&id(&k), Domain::Chat), Ok(true));
        let unsigned = SignedPayload::unsigned(&serde_json::json!({"a": 1}));
        assert_eq!(unsigned.verify(&id(&k), Domain::Chat), Ok(false));
        let mut tampered = sp.clone();
        tampered.payload = "{\"a\":2}".into();
        assert_eq!(
            tampered.verify(&id(&k), Domain::Chat),
            Err(SignatureError::Invalid)
        );
    }
}
