# For code that now lives in crates/engine/src (old src/core, src/proto, src/config.rs,
# src/net/api.rs, tests/sim/mod.rs). Order matters: voting before core.
s/crate::core::voting/crate::voting/g
s/crate::core::/crate::node::/g
s/crate::core\b/crate::node/g
s/crate::proto::/crate::wire::/g
s/crate::proto\b/crate::wire/g
s/crate::config::/crate::limits::/g
s/crate::net::api::/crate::api::/g
s/crate::store::SavedState/crate::api::SavedState/g
s/crate::store::{EntryKind, HistoryEntry}/crate::api::{EntryKind, HistoryEntry}/g
s/crate::store::HistoryEntry/crate::api::HistoryEntry/g
s/crate::store::EntryKind/crate::api::EntryKind/g
s/super::voting/crate::voting/g
# tests/sim/mod.rs and the sim tests (crates/engine/tests/sim/*.rs) use the crate by name:
s/p2pchat_tui::core::voting/p2pchat_engine::voting/g
s/p2pchat_tui::core::/p2pchat_engine::node::/g
s/p2pchat_tui::proto::/p2pchat_engine::wire::/g
s/p2pchat_tui::config::/p2pchat_engine::limits::/g
s/p2pchat_tui::identity::/p2pchat_engine::identity::/g
s/p2pchat_tui::net::api::/p2pchat_engine::api::/g
s/p2pchat_tui::net::{\([A-Za-z, ]*\)}/p2pchat_engine::api::{\1}/g
s/p2pchat_tui::net::\(NetEvent\|NetCommand\|PeerInfo\|ProposalInfo\|Outcome\|Trust\|Delivery\|OfflineReason\)\b/p2pchat_engine::api::\1/g
s/^mod sim;$/use p2pchat_engine::sim;/
