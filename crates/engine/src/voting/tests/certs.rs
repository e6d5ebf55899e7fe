//! Certificates: built ones verify, forged ones are refused, the newest one wins.

use super::*;
use crate::voting::{CertError, VoteError};
use crate::wire::frame::Certificate;

/// Five peers; peer 0 proposes with threshold 3; peers 1 and 2 approve.
fn approved() -> (Vec<Peer>, ProposalId, Certificate) {
    let mut ps = peers(5);
    let others: Vec<PeerId> = ps[1..].iter().map(|p| p.id).collect();
    let (_, id, _) = ps[0].propose(&others, Some(3), true, T0);
    for i in 1..=2 {
        let v = signed_vote(&ps[i].key, &id, true, T0 + i as i64);
        ps[0].book.receive_vote(&v, T0).unwrap();
    }
    let cert = ps[0].book.certificate().unwrap().clone();
    (ps, id, cert)
}

fn cert_error(cert: &Certificate) -> CertError {
    match VotingBook::verify_certificate(cert) {
        Err(VoteError::BadCertificate(e)) => e,
        other => panic!("expected a certificate error, got {other:?}"),
    }
}

#[test]
fn a_built_certificate_verifies_and_names_its_approvers() {
    let (ps, id, cert) = approved();
    assert_eq!(cert.approvals.len(), 2);
    let v = VotingBook::verify_certificate(&cert).unwrap();
    assert_eq!(v.proposal_id, id);
    assert_eq!(v.approvers[0], ps[0].id);
    let mut rest = v.approvers[1..].to_vec();
    rest.sort();
    let mut expected = vec![ps[1].id, ps[2].id];
    expected.sort();
    assert_eq!(rest, expected);
}

#[test]
fn approvals_from_outsiders_are_refused() {
    let (_, id, mut cert) = approved();
    cert.approvals[1] = signed_vote(&key(99), &id, true, T0);
    assert!(matches!(
        cert_error(&cert),
        CertError::Outsider { index: 1, .. }
    ));
}

#[test]
fn a_duplicated_approver_is_refused() {
    let (ps, id, mut cert) = approved();
    cert.approvals[1] = cert.approvals[0].clone();
    assert!(matches!(
        cert_error(&cert),
        CertError::DuplicateApprover { index: 1, .. }
    ));
    // Same key, different signed vote: still one approver.
    let (_, _, mut cert2) = approved();
    let first = cert2.approvals[0].parse::<VoteContent>().unwrap();
    let k = ps.iter().find(|p| p.id == first.voter).unwrap();
    cert2.approvals[1] = signed_vote(&k.key, &id, true, T0 + 99);
    assert!(matches!(
        cert_error(&cert2),
        CertError::DuplicateApprover { index: 1, .. }
    ));
    // The proposer's own vote cannot stand in for a second approver.
    let (_, _, mut cert3) = approved();
    cert3.approvals[1] = signed_vote(&ps[0].key, &id, true, T0);
    assert!(matches!(
        cert_error(&cert3),
        CertError::DuplicateApprover { index: 1, .. }
    ));
}

#[test]
fn approvals_for_another_proposal_are_refused() {
    let (ps, _, mut cert) = approved();
    let other = ProposalId("0".repeat(32));
    cert.approvals[0] = signed_vote(&ps[3].key, &other, true, T0);
    assert!(matches!(
        cert_error(&cert),
        CertError::WrongProposal { index: 0, .. }
    ));
}

#[test]
fn too_few_approvals_or_a_rejection_are_refused() {
    let (ps, id, mut cert) = approved();
    cert.approvals.pop();
    assert_eq!(
        cert_error(&cert),
        CertError::TooFewApprovals { have: 2, need: 3 }
    );
    cert.approvals.push(signed_vote(&ps[3].key, &id, false, T0));
    assert_eq!(cert_error(&cert), CertError::NotAnApproval { index: 1 });
}

#[test]
fn tampered_signatures_are_refused() {
    let (_, _, cert) = approved();
    let mut bad = cert.clone();
    bad.proposal.payload = bad
        .proposal
        .payload
        .replace("\"enable\":true", "\"enable\":false");
    assert!(matches!(cert_error(&bad), CertError::Proposal(_)));
    let mut bad = cert.clone();
    bad.approvals[0].sig = cert.approvals[1].sig.clone();
    assert!(matches!(
        cert_error(&bad),
        CertError::Approval { index: 0, .. }
    ));
    assert!(cert_error(&bad)
        .to_string()
        .starts_with("approval 0 is invalid: bad signature on vote"));
}

#[test]
fn a_late_joiner_adopts_the_mode_and_refuses_a_forged_certificate() {
    let (_, id, cert) = approved();
    let mut late = peer(42);
    let mut forged = cert.clone();
    forged.approvals.pop();
    let (events, errors) = late.book.merge_sync(Some(&forged), &[], &[], T0);
    assert_eq!((events.len(), errors.len()), (0, 1));
    assert!(errors[0].to_string().starts_with("invalid certificate: "));
    assert!(!late.book.secure_only());

    let events = late.book.receive_certificate(&cert).unwrap();
    assert!(late.book.secure_only());
    match &events[..] {
        [VotingEvent::SecureMode {
            enabled: true,
            proposal_id,
            approvers,
            ..
        }] => {
            assert_eq!(proposal_id, &id);
            assert_eq!(approvers.len(), 3);
        }
        other => panic!("unexpected events {other:?}"),
    }
    assert_eq!(late.book.receive_certificate(&cert).unwrap(), vec![]);
    // The proposal is now listed as approved, and votes on it are refused as closed.
    let view = late.view(&id).unwrap();
    assert_eq!(
        (view.outcome, view.approvals, view.my_vote),
        (Some(Outcome::Approved), 3, None)
    );
    let late_vote = signed_vote(&key(4), &id, true, T0);
    let closed = VoteError::Closed {
        id: id.clone(),
        outcome: Outcome::Approved,
    };
    assert_eq!(late.book.receive_vote(&late_vote, T0).unwrap_err(), closed);
    assert_eq!(
        late.book.receive_proposal(&cert.proposal, T0).unwrap(),
        vec![]
    );
}

#[test]
fn competing_certificates_the_newest_proposal_wins() {
    let mut a = peer(1);
    let mut b = peer(2);
    let (_, old_id, _) = a.propose(&[], None, true, T0);
    let (_, new_id, _) = b.propose(&[], None, false, T0 + 1);
    let old = a.book.certificate().unwrap().clone();
    let new = b.book.certificate().unwrap().clone();
    // Newer over older: adopted. Older over newer: ignored.
    let events = a.book.receive_certificate(&new).unwrap();
    assert_eq!(mode_changes(&events), vec![false]);
    assert_eq!(b.book.receive_certificate(&old).unwrap(), vec![]);
    for book in [&a.book, &b.book] {
        assert!(!book.secure_only());
        assert_eq!(
            VotingBook::verify_certificate(book.certificate().unwrap())
                .unwrap()
                .proposal_id,
            new_id
        );
    }
    assert_ne!(old_id, new_id);

    // Same created_ts: the larger proposal id wins, on both sides.
    let mut c = peer(3);
    let mut d = peer(4);
    let (_, c_id, _) = c.propose(&[], None, true, T0 + 5);
    let (_, d_id, _) = d.propose(&[], None, false, T0 + 5);
    let cc = c.book.certificate().unwrap().clone();
    let dc = d.book.certificate().unwrap().clone();
    c.book.receive_certificate(&dc).unwrap();
    d.book.receive_certificate(&cc).unwrap();
    let winner = c_id.clone().max(d_id);
    for book in [&c.book, &d.book] {
        assert_eq!(
            VotingBook::verify_certificate(book.certificate().unwrap())
                .unwrap()
                .proposal_id,
            winner
        );
    }
    assert_eq!(c.book.secure_only(), winner == c_id);
}

#[test]
fn an_approval_older_than_the_current_certificate_does_not_change_the_mode() {
    let mut ps = peers(2);
    let (sp, id, _) = {
        let o = [ps[1].id];
        ps[0].propose(&o, Some(2), true, T0)
    };
    let mut newer = peer(7);
    newer.propose(&[], None, false, T0 + 100);
    let newer_cert = newer.book.certificate().unwrap().clone();
    ps[1].book.receive_proposal(&sp, T0).unwrap();
    ps[1].book.receive_certificate(&newer_cert).unwrap();
    let (_, events) = ps[1].vote(&id.0, true, T0 + 1).unwrap();
    assert_eq!(closings(&events), vec![Outcome::Approved]);
    assert_eq!(mode_changes(&events), Vec::<bool>::new());
    assert!(!ps[1].book.secure_only());
}

#[test]
fn a_certificate_closes_its_locally_open_or_expired_proposal_as_approved() {
    let (_, id, cert) = approved();
    let mut open = peer(4);
    open.book.receive_proposal(&cert.proposal, T0).unwrap();
    let events = open.book.receive_certificate(&cert).unwrap();
    assert_eq!(closings(&events), vec![Outcome::Approved]);
    assert_eq!(mode_changes(&events), vec![true]);
    assert_eq!(
        open.view(&id).unwrap().approvals,
        3,
        "the certificate's approvals count"
    );

    let mut expired = peer(4);
    expired.book.receive_proposal(&cert.proposal, T0).unwrap();
    expired.book.tick(T0 + DEFAULT_TTL_MS);
    assert_eq!(expired.outcome(&id), Some(Outcome::Expired));
    let events = expired.book.receive_certificate(&cert).unwrap();
    assert_eq!(closings(&events), vec![Outcome::Approved]);
    assert_eq!(expired.outcome(&id), Some(Outcome::Approved));
    assert!(expired.book.secure_only());
}

/// What a non-proposer sees when the proposer's certificate overtakes the closing vote: the
/// vote it had not heard yet is reported (with the full tally) before the proposal closes,
/// and the vote itself, arriving after, reports nothing more.
#[test]
fn a_certificate_reports_the_votes_it_counts_before_closing() {
    let (ps, id, cert) = approved();
    let mut watcher = peer(4);
    watcher.book.receive_proposal(&cert.proposal, T0).unwrap();
    let first = signed_vote(&ps[1].key, &id, true, T0 + 1);
    watcher.book.receive_vote(&first, T0).unwrap();
    let events = watcher.book.receive_certificate(&cert).unwrap();
    let tallies: Vec<(PeerId, usize)> = events
        .iter()
        .filter_map(|e| match e {
            VotingEvent::Vote {
                voter, approvals, ..
            } => Some((*voter, *approvals)),
            _ => None,
        })
        .collect();
    assert_eq!(tallies, vec![(ps[2].id, 3)], "the closing vote, 3 of 3");
    let vote_at = events
        .iter()
        .position(|e| matches!(e, VotingEvent::Vote { .. }));
    let closed_at = events
        .iter()
        .position(|e| matches!(e, VotingEvent::ProposalClosed { .. }));
    assert!(vote_at < closed_at, "the vote comes before the closing");
    assert_eq!(closings(&events), vec![Outcome::Approved]);
    let closing = signed_vote(&ps[2].key, &id, true, T0 + 2);
    assert_eq!(watcher.book.receive_vote(&closing, T0).unwrap(), vec![]);
    assert_eq!(watcher.view(&id).unwrap().approvals, 3);
}
