//! Sealing a private message to its recipient for a relay to carry (PROTOCOL.md §15.3), so
//! the relay cannot read it.
//!
//! Construction: X25519 over the peers' own keys (the Ed25519 public key mapped to its
//! Montgomery form, the Ed25519 secret's scalar), one ephemeral key per message, and
//! ChaCha20-Poly1305:
//!
//! - `e = SHA-512("p2pchat-tui/v1/sealed-ephemeral" ‖ 0x00 ‖ sender seed ‖ msg_id)[0..32]`,
//!   `E = X25519(e, 9)` (a message id is never reused, so neither is `e`);
//! - `R` = the recipient's Ed25519 key as a Montgomery u-coordinate, `s = X25519(e, R)`
//!   (refused if all zero: a small-order key);
//! - `k = SHA-256("p2pchat-tui/v1/sealed" ‖ 0x00 ‖ E ‖ R ‖ s)`;
//! - `ct = ChaCha20-Poly1305(k, nonce = 12 zero bytes, aad = from ‖ to (64 bytes of ids),
//!   plaintext = the signed `dm` payload as JSON)`: the author's signature is inside.
//!
//! The recipient computes `s = X25519(r, E)` with `r` its Ed25519 secret scalar, the same
//! `k`, opens `ct`, and then checks the inner signed `dm` exactly as a direct one.

use crate::wire::{PeerId, SignedPayload};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};

/// A sealed private message: who it is from and to (in clear, for routing), the ephemeral
/// public key and the ciphertext, both in hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub from: PeerId,
    pub to: PeerId,
    pub eph: String,
    pub ct: String,
}

/// An acknowledgement carried back through a relay: `from` has the message `msg_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayAck {
    pub from: PeerId,
    pub to: PeerId,
    pub msg_id: String,
}

fn montgomery(id: &PeerId) -> Option<MontgomeryPoint> {
    VerifyingKey::from_bytes(&id.0)
        .ok()
        .map(|k| k.to_montgomery())
}

fn key(eph: &MontgomeryPoint, recipient: &MontgomeryPoint, shared: &MontgomeryPoint) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"p2pchat-tui/v1/sealed\0");
    h.update(eph.as_bytes());
    h.update(recipient.as_bytes());
    h.update(shared.as_bytes());
    h.finalize().into()
}

fn aad(from: &PeerId, to: &PeerId) -> Vec<u8> {
    [&from.0[..], &to.0[..]].concat()
}

/// Seals `dm` (a signed `dm` payload by `sender` to `to`) for a relay. `None` if `to` is not
/// a usable key.
pub fn seal(sender: &SigningKey, to: &PeerId, msg_id: &str, dm: &SignedPayload) -> Option<Sealed> {
    let from = PeerId(sender.verifying_key().to_bytes());
    let recipient = montgomery(to)?;
    let mut h = Sha512::new();
    h.update(b"p2pchat-tui/v1/sealed-ephemeral\0");
    h.update(sender.to_bytes());
    h.update(msg_id.as_bytes());
    let digest = h.finalize();
    let mut e = [0u8; 32];
    e.copy_from_slice(&digest[..32]);
    let eph = MontgomeryPoint::mul_base_clamped(e);
    let shared = recipient.mul_clamped(e);
    if shared.as_bytes() == &[0u8; 32] {
        return None;
    }
    let k = key(&eph, &recipient, &shared);
    let plaintext = serde_json::to_vec(dm).ok()?;
    let ct = ChaCha20Poly1305::new(&k.into())
        .encrypt(
            &[0u8; 12].into(),
            Payload {
                msg: &plaintext,
                aad: &aad(&from, to),
            },
        )
        .ok()?;
    Some(Sealed {
        from,
        to: *to,
        eph: hex::encode(eph.as_bytes()),
        ct: hex::encode(ct),
    })
}

/// Opens a sealed message addressed to `me`. `None` if it was not sealed to this key or was
/// changed on the way.
pub fn open(me: &SigningKey, sealed: &Sealed) -> Option<SignedPayload> {
    let mut eph = [0u8; 32];
    hex::decode_to_slice(&sealed.eph, &mut eph).ok()?;
    let eph = MontgomeryPoint(eph);
    let mine = me.verifying_key().to_montgomery();
    let shared = eph.mul_clamped(me.to_scalar_bytes());
    if shared.as_bytes() == &[0u8; 32] {
        return None;
    }
    let k = key(&eph, &mine, &shared);
    let ct = hex::decode(&sealed.ct).ok()?;
    let plaintext = ChaCha20Poly1305::new(&k.into())
        .decrypt(
            &[0u8; 12].into(),
            Payload {
                msg: &ct,
                aad: &aad(&sealed.from, &sealed.to),
            },
        )
        .ok()?;
    serde_json::from_slice(&plaintext).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{DmContent, Domain};

    #[test]
    fn only_the_recipient_opens_it_and_a_change_is_refused() {
        let c = SigningKey::from_bytes(&[3; 32]);
        let a = SigningKey::from_bytes(&[1; 32]);
        let b = SigningKey::from_bytes(&[2; 32]);
        let a_id = PeerId(a.verifying_key().to_bytes());
        let dm = DmContent {
            author: PeerId(c.verifying_key().to_bytes()),
            to: a_id,
            seq: 7,
            ts: 1,
            body: "the secret plan".into(),
        };
        let sp = SignedPayload::sign(&c, Domain::Dm, &dm);
        let sealed = seal(&c, &a_id, "c:7", &sp).unwrap();
        let text = serde_json::to_string(&sealed).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert_eq!(open(&a, &sealed), Some(sp));
        assert_eq!(open(&b, &sealed), None, "the relay cannot open it");
        let mut changed = sealed.clone();
        changed.ct.replace_range(
            0..2,
            if &changed.ct[0..2] == "00" {
                "01"
            } else {
                "00"
            },
        );
        assert_eq!(open(&a, &changed), None);
        let mut rerouted = sealed;
        rerouted.to = PeerId(b.verifying_key().to_bytes());
        assert_eq!(
            open(&a, &rerouted),
            None,
            "the ids are bound as associated data"
        );
    }
}
