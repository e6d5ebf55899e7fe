//! The engine's one integration binary. Tiers are folders: `pure/` (encode/decode, voting
//! book, the layering rule) and `sim/` (whole nodes on the virtual-time LAN of `sim`).

mod pure {
    mod layering;
    mod voting_props;
    mod wire_props;
}

mod sim {
    mod acts;
    mod acts_sync;
    mod backfill;
    mod crowd;
    mod files;
    mod pex;
    mod relay;
    mod rooms;
    mod simulator;
    mod spoof;
    mod sync;
    mod voting;
}
