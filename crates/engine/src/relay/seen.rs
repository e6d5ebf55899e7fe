//! Message ids already relayed or received by relay: a bounded set (MAX_RELAY_SEEN, oldest
//! forgotten first) that stops duplicates and loops.

use crate::limits::MAX_RELAY_SEEN;
use std::collections::{HashSet, VecDeque};

#[derive(Debug, Default)]
pub struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// Records `id`; false if it was already there.
    pub fn insert(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() >= MAX_RELAY_SEEN {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        self.ids.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_and_the_set_is_bounded() {
        let mut s = Seen::default();
        assert!(s.insert("a:1"));
        assert!(!s.insert("a:1"));
        for i in 0..MAX_RELAY_SEEN + 10 {
            s.insert(&format!("b:{i}"));
        }
        assert_eq!(s.len(), MAX_RELAY_SEEN);
        assert!(!s.contains("a:1"));
    }
}
