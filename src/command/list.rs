//! Every command the input line knows, with its one-line help (for /help and completion).

/// Every command with its one-line help, in the order help lists them.
pub const COMMANDS: &[(&str, &str)] = &[
    ("/msg TEXT", "send a signed message (same as typing TEXT)"),
    (
        "/msg #ROOM TEXT",
        "send a message to a room without switching",
    ),
    (
        "/join #ROOM",
        "join a room (created when nobody has it yet)",
    ),
    ("/part [#ROOM]", "leave a room (default: the current one)"),
    ("/rooms", "list the rooms on the LAN with member counts"),
    (
        "/who [#ROOM]",
        "list a room's members (default: the current one)",
    ),
    ("/reply MSG_ID TEXT", "answer a room message, in its room"),
    (
        "/react MSG_ID EMOJI",
        "add (or take back) a reaction to a room message",
    ),
    (
        "/edit MSG_ID TEXT",
        "replace the text of your own room message",
    ),
    ("/delete MSG_ID", "delete your own room message"),
    ("/unsigned TEXT", "send a message without a signature"),
    ("/me ACTION", "send an action, shown as * NAME ACTION"),
    ("/list", "list connected peers"),
    ("/status", "show own identity, peer count and mode"),
    ("/net", "interfaces, discovery, who is reachable, why not"),
    ("/crypto", "show own public key and key file"),
    ("/connect HOST:PORT", "dial a peer directly"),
    (
        "/propose [--threshold M] [--disable] [TEXT]",
        "propose secure-only mode (or, with --disable, open mode)",
    ),
    (
        "/vote ID approve|reject",
        "vote on a proposal (ID: any unique prefix)",
    ),
    ("/proposals", "list proposals and their tallies"),
    (
        "/dm NAME TEXT",
        "send a private message to one peer (NAME, fingerprint or id)",
    ),
    ("/history [N]", "show the last N stored lines (default 50)"),
    ("/search TEXT", "find past messages containing TEXT"),
    ("/verify NAME", "show the safety code to compare with NAME"),
    (
        "/trust NAME [CODE]",
        "mark verified if CODE starts the safety code",
    ),
    (
        "/block NAME",
        "hide and refuse NAME's messages (/unblock undoes)",
    ),
    ("/send NAME PATH", "offer a file to one peer"),
    ("/share PATH", "offer a file to every connected peer"),
    (
        "/accept ID [DIR]",
        "accept an offered file (into DIR, else the download directory)",
    ),
    ("/decline ID", "decline an offered file; nothing is written"),
    ("/cancel ID", "stop a transfer, either side"),
    ("/transfers", "list file transfers with state and progress"),
    ("/help", "show this help"),
    ("/quit", "say goodbye and exit"),
];

/// Command names, for completion.
pub fn command_names() -> impl Iterator<Item = &'static str> {
    COMMANDS
        .iter()
        .map(|(usage, _)| usage.split_whitespace().next().unwrap_or(usage))
}
