//! The store edge's part in trust: key sightings (trust on first use), `/trust` and
//! `/block` changes, and finding a known key by name, fingerprint or id.

use super::{error, fingerprint, Archive};
use crate::store::{History, KnownKey, Sighting};
use p2pchat_engine::api::{NetEvent, Trust};
use p2pchat_engine::node::sanitize::fold_name;
use p2pchat_engine::wire::{safety_code, PeerId};

impl Archive {
    pub(super) fn sight(
        &mut self,
        id: &str,
        name: &str,
        fp: &str,
        now_ms: i64,
    ) -> Option<NetEvent> {
        let sighting = self.db()?.sight_key(id, name, now_ms);
        let (trust, previous) = match sighting {
            Ok(Sighting::New) => (Trust::New, vec![]),
            Ok(Sighting::Known(k)) if k.trusted => (Trust::Verified, vec![]),
            Ok(Sighting::Known(_)) => (Trust::Known, vec![]),
            Ok(Sighting::NameClash { others }) => (
                Trust::KeyChanged,
                others.iter().map(|k| fingerprint(&k.id)).collect(),
            ),
            Err(e) => return Some(error(format!("cannot check known keys: {e}"))),
        };
        Some(NetEvent::PeerTrust {
            id: id.into(),
            name: name.into(),
            fingerprint: fp.into(),
            trust,
            blocked: self.blocked.contains(id),
            previous,
        })
    }

    /// Keys remembered and not blocked (all from earlier runs when called at start), for the
    /// node's reserved peer slots. At most MAX_KNOWN_KEYS, as the table.
    pub fn known_keys(&self) -> Vec<PeerId> {
        let Some(db) = self.db() else { return vec![] };
        db.all_keys()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| !k.blocked)
            .filter_map(|k| PeerId::from_hex(&k.id))
            .collect()
    }

    /// The key a `/trust` reply just marked verified, for the node's reserved slots.
    pub fn newly_trusted(reply: &NetEvent) -> Option<PeerId> {
        match reply {
            NetEvent::PeerTrust {
                id,
                trust: Trust::Verified,
                ..
            } => PeerId::from_hex(id),
            _ => None,
        }
    }

    /// Applies a change to one known key and reports its new trust.
    pub(super) fn set(
        &mut self,
        who: &str,
        change: impl FnOnce(&History, &mut KnownKey) -> Result<(), String>,
    ) -> NetEvent {
        let mut key = match self.resolve(who) {
            Ok(k) => k,
            Err(e) => return error(e),
        };
        let Some(db) = self.db() else {
            return error("no profile: nothing is remembered".into());
        };
        if let Err(e) = change(db, &mut key) {
            return error(format!("cannot save: {e}"));
        }
        NetEvent::PeerTrust {
            fingerprint: fingerprint(&key.id),
            trust: if key.trusted {
                Trust::Verified
            } else {
                Trust::Known
            },
            blocked: key.blocked,
            id: key.id,
            name: key.name,
            previous: vec![],
        }
    }

    /// The safety code with a known key, to compare on both screens.
    pub(super) fn safety(&self, k: KnownKey) -> NetEvent {
        NetEvent::SafetyCode {
            code: PeerId::from_hex(&k.id)
                .map(|id| safety_code(&self.me, &id))
                .unwrap_or_default(),
            fingerprint: fingerprint(&k.id),
            id: k.id,
            name: k.name,
            trusted: k.trusted,
        }
    }

    /// `/trust`: without `code`, the safety code to compare (nothing is marked); with the
    /// code's first five or more digits as the peer's screen shows them, the key is marked
    /// verified if they match.
    pub(super) fn trust(&mut self, who: &str, code: Option<&str>) -> NetEvent {
        let k = match self.resolve(who) {
            Ok(k) => k,
            Err(e) => return error(e),
        };
        let Some(code) = code else {
            return self.safety(k);
        };
        let full = PeerId::from_hex(&k.id)
            .map(|id| safety_code(&self.me, &id))
            .unwrap_or_default();
        let digits: String = full.chars().filter(char::is_ascii_digit).collect();
        if code.len() < MIN_CODE_DIGITS || !digits.starts_with(code) {
            return error(format!(
                "{code} is not how the safety code with {} ({}) begins: not marked verified; compare the codes on both screens (/verify)",
                k.name,
                fingerprint(&k.id)
            ));
        }
        let id = k.id.clone();
        self.set(&id, |db, k| {
            db.set_trusted(&k.id, true)?;
            k.trusted = true;
            Ok(())
        })
    }

    /// Why `who` cannot be sent to (several keys under that name, or a look-alike of ours).
    pub(super) fn ambiguity(&self, who: &str) -> Option<String> {
        match self.candidates(who) {
            Ok(found) if found.len() > 1 => Some(ambiguous(who, &found)),
            _ => None,
        }
    }

    /// Finds one known key by full id, id prefix (4+ hex digits), fingerprint or name.
    pub(super) fn resolve(&self, who: &str) -> Result<KnownKey, String> {
        let mut found = self.candidates(who)?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(format!("no known peer called {}", who.trim())),
            _ => Err(ambiguous(who, &found)),
        }
    }

    /// Every known key `who` may mean (see [`Archive::resolve`]).
    fn candidates(&self, who: &str) -> Result<Vec<KnownKey>, String> {
        let Some(db) = self.db() else {
            return Err("no profile: no known keys".into());
        };
        let lower = who.trim().to_lowercase();
        let hexish = lower.replace(':', "");
        let is_hex = hexish.len() >= 4 && hexish.chars().all(|c| c.is_ascii_hexdigit());
        // By name: every key under a name that looks like it (so a look-alike of a name is
        // ambiguous, never silently chosen); by fingerprint or id prefix: a scan.
        let mut found: Vec<KnownKey> = db.keys_named(who.trim())?;
        if is_hex {
            let by_hex: Vec<KnownKey> = db
                .all_keys()?
                .into_iter()
                .filter(|k| fingerprint(&k.id) == lower || k.id.starts_with(&hexish))
                .filter(|k| !found.iter().any(|f| f.id == k.id))
                .collect();
            found.extend(by_hex);
        }
        let folded = fold_name(who.trim());
        // Among several keys under one name, prefer the one online if only one is.
        if found.len() > 1 {
            let online: Vec<KnownKey> = found
                .iter()
                .filter(|k| self.online.contains_key(&k.id))
                .cloned()
                .collect();
            if online.len() == 1 && found.iter().all(|k| fold_name(&k.name) != folded) {
                found = online;
            }
        }
        Ok(found)
    }
}

/// MIN_CODE_DIGITS: how many digits of the safety code `/trust` needs.
pub const MIN_CODE_DIGITS: usize = 5;

fn ambiguous(who: &str, found: &[KnownKey]) -> String {
    format!(
        "{} is ambiguous ({}); give the fingerprint",
        who.trim(),
        found
            .iter()
            .map(|k| fingerprint(&k.id))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The warning shown when a known name, or one that looks like it, appears with another key;
/// `mine` is this profile's own fingerprint: if it is among `previous`, the name imitates ours.
pub fn key_warning(name: &str, fingerprint: &str, previous: &[String], mine: &str) -> String {
    if previous.iter().any(|p| p == mine) {
        return format!(
            "WARNING: {name} (key {fingerprint}) is using your name, or one that looks like it (your key is {mine}): possible impersonation of you"
        );
    }
    format!(
        "WARNING: {name} now has key {fingerprint}, but {name} (or a look-alike of it) was first seen with {}: possible impersonation; compare /verify codes before trusting it",
        previous.join(", ")
    )
}
