# For code that now lives in crates/runtime/src (old src/net, src/store). In the files that
# were directly in src/net/ (actor.rs, connection.rs, secure.rs, udp.rs) also run:
#   sed -i 's/\bsuper::/crate::/g' FILE     (they are now at the crate root)
s/crate::net::api::{\([A-Za-z, ]*\)}/p2pchat_engine::api::{\1}/g
s/crate::net::api::/p2pchat_engine::api::/g
s/super::api::/p2pchat_engine::api::/g
s/crate::api::{NetCommand, NetEvent, NetHandle}/p2pchat_engine::api::{NetCommand, NetEvent};\nuse crate::handle::NetHandle/g
s/crate::api::/p2pchat_engine::api::/g
s/crate::config::/p2pchat_engine::limits::/g
s/crate::core::voting/p2pchat_engine::voting/g
s/crate::core::/p2pchat_engine::node::/g
s/crate::identity::/p2pchat_engine::identity::/g
s/crate::proto::/p2pchat_engine::wire::/g
s/crate::proto\b/p2pchat_engine::wire/g
s/crate::net::/crate::/g
# crate::store:: stays crate::store:: (store/mod.rs re-exports EntryKind, HistoryEntry,
# SavedState from the engine's api). NetHandle/HandleError: crate::handle (or crate::NetHandle).
# The frame codec: crate::codec::frame_codec; SecureCodec in FramedRead/FramedWrite is wrapped
# as crate::codec::Records(codec).
