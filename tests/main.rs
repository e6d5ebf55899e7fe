//! The app's one integration binary. Tiers are folders:
//! - `pure/`: the interface model and view with no terminal (render snapshots, robustness);
//! - `process/`: real `p2pchat-tui` processes on loopback (chat, hostile input, history, voting);
//! - `netns/`: several hosts in network namespaces (skips with a reason unless root; fails
//!   instead under CI=true);
//! - `tmux/`: the interactive binary in a private tmux server.
//!
//! The engine's own tests (wire, voting, the simulator) live in crates/engine/tests.

mod pure {
    mod acts_render;
    mod assets;
    mod cells;
    mod fixtures;
    mod layering;
    mod notify_render;
    mod reach;
    mod render;
    mod robustness;
    mod shell_render;
    mod store_render;
}

mod process {
    mod acts_sync;
    mod capture;
    mod crash_restart;
    mod files;
    mod headless_io;
    mod history;
    mod hostile;
    mod loopback;
    mod moving;
    mod notify;
    mod reach;
    mod rooms;
    mod voting;
}

mod netns {
    mod backfill;
    mod chat;
    mod faults;
    mod files;
    mod reach;
}

mod tmux {
    mod cells;
    mod files;
    mod history;
    mod impostor;
    mod keys;
    mod notify;
    mod restart;
    mod rooms;
    mod shell;
    mod tui;
}
