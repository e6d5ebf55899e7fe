# For code in the app (src/), tests/, examples/, benches/ and crates/testkit. Order matters.
# Outside the engine (app, tests, examples, benches, testkit):
s/p2pchat_tui::net::{self, NetConfig}/p2pchat_runtime::{self as net, NetConfig}/g
s/p2pchat_tui::core::voting/p2pchat_engine::voting/g
s/p2pchat_tui::core::/p2pchat_engine::node::/g
s/p2pchat_tui::core\b/p2pchat_engine::node/g
s/p2pchat_tui::proto::/p2pchat_engine::wire::/g
s/p2pchat_tui::proto\b/p2pchat_engine::wire/g
s/p2pchat_tui::config::/p2pchat_engine::limits::/g
s/p2pchat_tui::identity::/p2pchat_engine::identity::/g
s/p2pchat_tui::net::api::/p2pchat_engine::api::/g
s/p2pchat_tui::store::{EntryKind, HistoryEntry}/p2pchat_engine::api::{EntryKind, HistoryEntry}/g
s/p2pchat_tui::store::/p2pchat_runtime::store::/g
s/p2pchat_tui::net::{\([A-Za-z, ]*\)}/p2pchat_engine::api::{\1}/g
s/p2pchat_tui::net::\(NetEvent\|NetCommand\|PeerInfo\|ProposalInfo\|Outcome\|Trust\|Delivery\|OfflineReason\)\b/p2pchat_engine::api::\1/g
s/p2pchat_tui::net::\(NetHandle\|HandleError\)\b/p2pchat_runtime::\1/g
s/p2pchat_tui::net::/p2pchat_runtime::/g
s/p2pchat_tui::tui::app\b/p2pchat_tui::tui::model/g
s/p2pchat_tui::tui::ui\b/p2pchat_tui::tui::view/g
s/p2pchat_tui::tui::text\b/p2pchat_tui::tui::model::text/g
s/p2pchat_tui::settings\b/p2pchat_tui::config_file/g
s/frame_codec(/p2pchat_runtime::codec::frame_codec(/g
# Test harness: `mod common;` / `mod netlab;` / `mod sim;` become crate imports.
s/^mod common;$/use p2pchat_testkit as common;/
s/^mod netlab;$/use p2pchat_testkit::netlab;/
s/^mod sim;$/use p2pchat_engine::sim;/
# Inside the app (src/): the former crate-internal paths.
s/crate::net::api::/p2pchat_engine::api::/g
s/crate::net::archive\b/p2pchat_runtime::archive/g
s/crate::store::{EntryKind, HistoryEntry}/p2pchat_engine::api::{EntryKind, HistoryEntry}/g
s/crate::net::{HandleError, NetCommand}/p2pchat_engine::api::NetCommand;\nuse p2pchat_runtime::HandleError/g
s/crate::net::{HandleError, NetCommand, NetEvent, NetHandle}/p2pchat_engine::api::{NetCommand, NetEvent};\nuse p2pchat_runtime::{HandleError, NetHandle}/g
s/crate::net::{NetCommand, NetEvent, NetHandle}/p2pchat_engine::api::{NetCommand, NetEvent};\nuse p2pchat_runtime::NetHandle/g
s/crate::net::{HandleError, NetCommand, NetEvent, Outcome}/p2pchat_engine::api::{NetCommand, NetEvent, Outcome};\npub use p2pchat_runtime::HandleError/g
s/crate::net::{\([A-Za-z, ]*\)}/p2pchat_engine::api::{\1}/g
s/crate::net::\(NetEvent\|NetCommand\|PeerInfo\|ProposalInfo\|Outcome\|Trust\|Delivery\|OfflineReason\)\b/p2pchat_engine::api::\1/g
s/crate::tui::app\b/crate::tui::model/g
s/crate::tui::ui\b/crate::tui::view/g
s/crate::tui::text\b/crate::tui::model::text/g
s/crate::settings\b/crate::config_file/g
s/p2pchat_tui::identity::Identity;/p2pchat_engine::identity::Identity;/g
s/p2pchat_tui::config::/p2pchat_engine::limits::/g
# The interface's view module was `ui`:
s/tui::{ui, TuiOptions}/tui::{view, TuiOptions}/g
s/\bui::draw(/view::draw(/g
