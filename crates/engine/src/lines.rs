//! The words of the system lines about who we are, votes and the group's mode: one place, so
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
    }
}
