//! The Ed25519 identity, pure: the signing key and the peer id derived from it. Making a key
//! (randomness) and keeping it in a file belong to the app (src/key_file.rs).

use crate::wire::PeerId;
use ed25519_dalek::SigningKey;

/// Our signing key and the id derived from it.
#[derive(Clone)]
pub struct Identity {
    key: SigningKey,
    id: PeerId,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({})", self.id.fingerprint())
    }
}

impl Identity {
    pub fn from_secret(secret: [u8; 32]) -> Identity {
        let key = SigningKey::from_bytes(&secret);
        let id = PeerId(key.verifying_key().to_bytes());
        Identity { key, id }
    }

    pub fn id(&self) -> PeerId {
        self.id
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}
