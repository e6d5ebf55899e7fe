//! The words of the system lines about who we are, votes, the group's mode and file transfers:
//! one place, so
//! the line the store keeps (runtime `archive/shown.rs`) and the line the interface shows
//! (`tui/model/apply*.rs`) cannot drift apart. Names come in already chosen by the caller.

use crate::api::Outcome;

/// The first 8 characters of an id (proposal ids in lines).
pub fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

/// `you are Alice (04c3:90cb), listening on port 8080`.
pub fn ready(name: &str, fingerprint: &str, port: u16) -> String {
    format!("you are {name} ({fingerprint}), listening on port {port}")
}

/// What a proposal asks for: `secure-only mode` or `open mode`.
pub fn mode_name(enable: bool) -> &'static str {
    if enable {
        "secure-only mode"
    } else {
        "open mode"
    }
}

/// `Alice proposes secure-only mode: lock it (9676f4dc, needs 2 of 3)`.
pub fn proposal(
    proposer: &str,
    enable: bool,
    description: &str,
    proposal_id: &str,
    threshold: usize,
    electorate: usize,
) -> String {
    format!(
        "{proposer} proposes {}: {description} ({}, needs {threshold} of {electorate})",
        mode_name(enable),
        short_id(proposal_id)
    )
}

/// `Bob approved 9676f4dc (2/2 approvals)`; the tally when the threshold is known.
pub fn vote(who: &str, approve: bool, proposal_id: &str, tally: Option<(usize, usize)>) -> String {
    let verb = if approve { "approved" } else { "rejected" };
    let tally = tally
        .map(|(approvals, threshold)| format!(" ({approvals}/{threshold} approvals)"))
        .unwrap_or_default();
    format!("{who} {verb} {}{tally}", short_id(proposal_id))
}

/// The word for an outcome: `approved`, `rejected`, `expired`.
pub fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Approved => "approved",
        Outcome::Rejected => "rejected",
        Outcome::Expired => "expired",
    }
}

/// `proposal 9676f4dc approved`.
pub fn proposal_closed(proposal_id: &str, outcome: Outcome) -> String {
    format!(
        "proposal {} {}",
        short_id(proposal_id),
        outcome_word(outcome)
    )
}

/// The mode line, naming who approved the switch.
pub fn secure_mode(enabled: bool, approvers: &[String]) -> String {
    let names = approvers.join(", ");
    if enabled {
        format!("secure-only mode is ON: unsigned messages are refused (approved by {names})")
    } else {
        format!("open mode: unsigned messages are accepted again (approved by {names})")
    }
}

/// `1.5 MiB`, `820 B`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// How a transfer is named in a line: its file name when the caller knows it, else
/// `transfer 3f2a9c1d`.
pub fn transfer_label(name: Option<&str>, transfer_id: &str) -> String {
    match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => format!("transfer {}", short_id(transfer_id)),
    }
}

/// `Bob offers notes.txt (3.0 MiB): /accept 3f2a9c1d [DIR] or /decline 3f2a9c1d`.
pub fn file_offer(from: &str, name: &str, size: u64, transfer_id: &str) -> String {
    let short = short_id(transfer_id);
    format!(
        "{from} offers {name} ({}): /accept {short} [DIR] or /decline {short}",
        human_bytes(size)
    )
}

/// The offer as history keeps it: `Bob offered notes.txt (3.0 MiB), transfer 3f2a9c1d`. No
/// `/accept` hint: shown again after a restart, the offer may long be answered or gone
/// (`/transfers` lists what a restart kept).
pub fn file_offer_stored(from: &str, name: &str, size: u64, transfer_id: &str) -> String {
    format!(
        "{from} offered {name} ({}), transfer {}",
        human_bytes(size),
        short_id(transfer_id)
    )
}

/// Our offer as history keeps it: `offered notes.txt (3.0 MiB) to Bob, transfer 3f2a9c1d`.
pub fn file_offered_stored(name: &str, size: u64, to: &str, transfer_id: &str) -> String {
    format!(
        "offered {name} ({}) to {to}, transfer {}",
        human_bytes(size),
        short_id(transfer_id)
    )
}

/// `offered notes.txt (3.0 MiB) to Bob; /cancel 3f2a9c1d to stop`.
pub fn file_offered(name: &str, size: u64, to: &str, transfer_id: &str) -> String {
    format!(
        "offered {name} ({}) to {to}; /cancel {} to stop",
        human_bytes(size),
        short_id(transfer_id)
    )
}

/// `Bob accepted notes.txt`.
pub fn file_accepted(who: &str, what: &str) -> String {
    format!("{who} accepted {what}")
}

/// `Bob declined notes.txt (too many file offers ...)`.
pub fn file_declined(who: &str, what: &str, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("{who} declined {what} ({r})"),
        None => format!("{who} declined {what}"),
    }
}

/// `received /home/bob/Downloads/notes.txt, verified ✓`.
pub fn file_done(path: &str) -> String {
    format!("received {path}, verified ✓")
}

/// `Bob received notes.txt, verified ✓`.
pub fn file_delivered(who: &str, what: &str) -> String {
    format!("{who} received {what}, verified ✓")
}

/// `transfer of notes.txt failed: REASON`, or, for an offer refused before it was listed,
/// `file transfer refused: REASON`.
pub fn file_failed(what: Option<&str>, reason: &str) -> String {
    match what {
        Some(w) => format!("transfer of {w} failed: {reason}"),
        None => format!("file transfer refused: {reason}"),
    }
}

/// A cancelled transfer; `by` as the event has it: `declined` (we declined the offer),
/// `you` (we cancelled), or the peer's name.
pub fn file_cancelled(by: &str, what: &str) -> String {
    match by {
        "declined" => format!("declined {what}"),
        "you" => format!("cancelled {what}"),
        _ => format!("{by} cancelled {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_sentences() {
        assert_eq!(
            proposal("Alice", true, "lock", "9676f4dc0011", 2, 3),
            "Alice proposes secure-only mode: lock (9676f4dc, needs 2 of 3)"
        );
        assert_eq!(
            vote("you", false, "9676f4dc0011", Some((1, 2))),
            "you rejected 9676f4dc (1/2 approvals)"
        );
        assert_eq!(vote("Bob", true, "ab", None), "Bob approved ab");
        assert_eq!(
            proposal_closed("9676f4dc0011", Outcome::Expired),
            "proposal 9676f4dc expired"
        );
        assert_eq!(
            secure_mode(false, &["you".into(), "Bob".into()]),
            "open mode: unsigned messages are accepted again (approved by you, Bob)"
        );
        let id = "3f2a9c1d00112233";
        assert_eq!(
            file_offer("Bob", "notes.txt", 3 << 20, id),
            "Bob offers notes.txt (3.0 MiB): /accept 3f2a9c1d [DIR] or /decline 3f2a9c1d"
        );
        assert_eq!(transfer_label(None, id), "transfer 3f2a9c1d");
        assert_eq!(
            file_declined("Bob", "a.txt", Some("busy")),
            "Bob declined a.txt (busy)"
        );
        assert_eq!(file_cancelled("declined", "a.txt"), "declined a.txt");
        assert_eq!(human_bytes(820), "820 B");
    }
}
