//! Model tests of the transfer book: offer, accept, decline, cancel, answers, the runtime's
//! reports, and what a restart resumes. Two books stand for the two peers.

use super::*;
use crate::api::NetEvent;
use crate::identity::Identity;
use crate::wire::Domain;

fn alice() -> Identity {
    Identity::from_secret([1; 32])
}

fn bob() -> Identity {
    Identity::from_secret([2; 32])
}

const MAX: u64 = 1 << 30;

fn hashed(size: u64) -> HashedFile {
    let mut b = ManifestBuilder::new(1 << 20);
    let data = vec![7u8; size as usize];
    for c in data.chunks(1 << 20) {
        b.push(c);
    }
    let (m, hash) = b.finish();
    HashedFile {
        size,
        hash,
        chunk_size: 1 << 20,
        manifest: m.root(),
    }
}

/// Alice's book with an offer of a 3 MiB file to Bob, signed; and the offer.
fn offered() -> (TransferBook, String, SignedPayload) {
    let mut a = TransferBook::default();
    let id = transfer_id(&alice().id(), 1);
    let effects = a
        .start_offer(id.clone(), "/tmp/x/report.pdf".into(), vec![bob().id()], 0)
        .unwrap();
    assert!(matches!(
        &effects[..],
        [FilesEffect::Io(FileOutput::Hash { .. })]
    ));
    let bob_id = bob().id();
    let effects = a.hashed(
        &id,
        Ok(hashed(3 << 20)),
        alice().signing_key(),
        &|p| *p == bob_id,
        1,
    );
    let offer = effects
        .iter()
        .find_map(|e| match e {
            FilesEffect::Offer { to, offer } if *to == bob().id() => Some(offer.clone()),
            _ => None,
        })
        .expect("offered to Bob, who is connected");
    assert!(effects.iter().any(|e| matches!(e, FilesEffect::Io(FileOutput::Serve { allowed, .. }) if allowed == &vec![bob().id()])));
    (a, id, offer)
}

fn event(effects: &[FilesEffect]) -> Option<&NetEvent> {
    effects.iter().find_map(|e| match e {
        FilesEffect::Event(ev) => Some(ev),
        _ => None,
    })
}

fn answer_of(effects: &[FilesEffect]) -> Option<Answer> {
    effects.iter().find_map(|e| match e {
        FilesEffect::Answer { answer, .. } => Some(*answer),
        _ => None,
    })
}

#[test]
fn offer_accept_fetch_done_and_the_sender_hears_each_step() {
    let (mut a, id, offer) = offered();
    let mut b = TransferBook::default();
    let effects = b
        .on_offer(&offer, 4000, &alice().id(), &bob().id(), MAX, "Alice", 2)
        .unwrap();
    match event(&effects) {
        Some(NetEvent::FileOffer {
            name,
            size,
            recipients,
            ..
        }) => {
            assert_eq!((name.as_str(), *size), ("report.pdf", 3 << 20));
            assert_eq!(*recipients, 1, "offered to Bob alone");
        }
        other => panic!("{other:?}"),
    }
    // The same offer again (a reconnection) shows nothing new.
    assert!(b
        .on_offer(&offer, 4000, &alice().id(), &bob().id(), MAX, "Alice", 3)
        .unwrap()
        .is_empty());
    let effects = b
        .accept(&b.find(&id[..5]).unwrap(), Some("/d".into()))
        .unwrap();
    assert_eq!(answer_of(&effects), Some(Answer::Accepted));
    let order = effects
        .iter()
        .find_map(|e| match e {
            FilesEffect::Fetch(o) => Some(o.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((order.port, order.dir.as_deref()), (4000, Some("/d")));
    let ev = a.on_answer(&bob().id(), &id, Answer::Accepted, None, "Bob");
    assert!(matches!(event(&ev), Some(NetEvent::FileAccepted { .. })));
    assert!(
        matches!(event(&b.progress(&id, 1 << 20, 10)), Some(NetEvent::FileProgress { bytes, .. }) if *bytes == 1 << 20)
    );
    let effects = b.fetched(&id, Ok("/d/report.pdf".into()));
    assert_eq!(answer_of(&effects), Some(Answer::Done));
    assert!(
        matches!(event(&effects), Some(NetEvent::FileDone { path, .. }) if path == "/d/report.pdf")
    );
    let ev = a.on_answer(&bob().id(), &id, Answer::Done, None, "Bob");
    assert!(matches!(event(&ev), Some(NetEvent::FileDelivered { .. })));
    // Every recipient is done: no longer served.
    assert!(ev
        .iter()
        .any(|e| matches!(e, FilesEffect::Io(FileOutput::StopServe { .. }))));
    assert_eq!(a.get(&id).unwrap().stage, Stage::Done);
    // Late or repeated answers change nothing.
    assert!(a
        .on_answer(&bob().id(), &id, Answer::Failed, None, "Bob")
        .is_empty());
}

#[test]
fn decline_and_cancel_are_final_and_only_the_right_peer_may_answer() {
    let (mut a, id, offer) = offered();
    let mut b = TransferBook::default();
    b.on_offer(&offer, 4000, &alice().id(), &bob().id(), MAX, "Alice", 2)
        .unwrap();
    // A stranger's answer to Alice is ignored.
    let carol = Identity::from_secret([3; 32]).id();
    assert!(a
        .on_answer(&carol, &id, Answer::Declined, None, "Carol")
        .is_empty());
    // A stranger cannot cancel Bob's incoming transfer.
    assert!(b
        .on_answer(&carol, &id, Answer::Cancelled, None, "Carol")
        .is_empty());
    let effects = b.decline(&id).unwrap();
    assert_eq!(answer_of(&effects), Some(Answer::Declined));
    assert!(!effects.iter().any(|e| matches!(e, FilesEffect::Fetch(_))));
    assert!(matches!(
        b.accept(&id, None),
        Err(FilesError::WrongState { .. })
    ));
    assert!(matches!(b.cancel(&id), Err(FilesError::WrongState { .. })));
    // Offered again after a reconnection: answered declined again, nothing shown.
    let again = b
        .on_offer(&offer, 4001, &alice().id(), &bob().id(), MAX, "Alice", 5)
        .unwrap();
    assert_eq!(answer_of(&again), Some(Answer::Declined));
    assert!(event(&again).is_none());
    let ev = a.on_answer(&bob().id(), &id, Answer::Declined, None, "Bob");
    assert!(matches!(event(&ev), Some(NetEvent::FileDeclined { .. })));

    // The sender cancels another offer: the receiver stops and deletes the partial file.
    let (mut a, id, offer) = offered();
    let mut b = TransferBook::default();
    b.on_offer(&offer, 4000, &alice().id(), &bob().id(), MAX, "Alice", 2)
        .unwrap();
    b.accept(&id, None).unwrap();
    let effects = a.cancel(&id).unwrap();
    assert_eq!(answer_of(&effects), Some(Answer::Cancelled));
    let effects = b.on_answer(&alice().id(), &id, Answer::Cancelled, None, "Alice");
    assert!(effects.iter().any(|e| matches!(
        e,
        FilesEffect::Io(FileOutput::StopFetch { discard: true, .. })
    )));
    assert_eq!(b.get(&id).unwrap().stage, Stage::Cancelled);
    // A fetch that ends after the cancel is not reported as done.
    assert!(b.fetched(&id, Ok("/x".into())).is_empty());
}

#[test]
fn offers_are_checked_before_anything_is_shown() {
    let (_, _, offer) = offered();
    let mut b = TransferBook::default();
    let me = bob().id();
    // Relayed by someone else: refused (the connection must be the author).
    let carol = Identity::from_secret([3; 32]).id();
    assert_eq!(
        b.on_offer(&offer, 1, &carol, &me, MAX, "Carol", 0),
        Err(FilesError::BadSignature)
    );
    // Not for us.
    assert_eq!(
        b.on_offer(&offer, 1, &alice().id(), &carol, MAX, "Alice", 0),
        Err(FilesError::NotForUs)
    );
    // Tampered payload.
    let mut bad = offer.clone();
    bad.payload = bad.payload.replace("report", "rep0rt");
    assert_eq!(
        b.on_offer(&bad, 1, &alice().id(), &me, MAX, "Alice", 0),
        Err(FilesError::BadSignature)
    );
    // Unsigned.
    let unsigned = SignedPayload {
        payload: offer.payload.clone(),
        sig: None,
    };
    assert_eq!(
        b.on_offer(&unsigned, 1, &alice().id(), &me, MAX, "Alice", 0),
        Err(FilesError::BadSignature)
    );
    // Over the size limit: declined to the sender with the reason, told as a failure.
    let effects = b
        .on_offer(&offer, 1, &alice().id(), &me, 1024, "Alice", 0)
        .unwrap();
    assert_eq!(answer_of(&effects), Some(Answer::Declined));
    assert!(
        matches!(event(&effects), Some(NetEvent::FileFailed { reason, .. }) if reason.contains("size limit"))
    );
    assert!(b.is_empty());
    // A hostile name, signed: shown and kept only as a safe one.
    let mut content: OfferContent = offer.parse().unwrap();
    content.name = "../../.ssh/authorized_keys".into();
    content.transfer_id = transfer_id(&alice().id(), 99);
    let hostile = SignedPayload::sign(alice().signing_key(), Domain::FileOffer, &content);
    let effects = b
        .on_offer(&hostile, 1, &alice().id(), &me, MAX, "Alice", 0)
        .unwrap();
    match event(&effects) {
        Some(NetEvent::FileOffer { name, .. }) => assert_eq!(name, "_.._.ssh_authorized_keys"),
        other => panic!("{other:?}"),
    }
    // Bad chunk sizes are refused.
    content.chunk_size = 3;
    content.transfer_id = transfer_id(&alice().id(), 100);
    let odd = SignedPayload::sign(alice().signing_key(), Domain::FileOffer, &content);
    assert!(matches!(
        b.on_offer(&odd, 1, &alice().id(), &me, MAX, "Alice", 0),
        Err(FilesError::Malformed(_))
    ));
}

#[test]
fn a_restart_resumes_what_was_open() {
    let (a, id, offer) = offered();
    let mut b = TransferBook::default();
    b.on_offer(&offer, 4000, &alice().id(), &bob().id(), MAX, "Alice", 2)
        .unwrap();
    b.accept(&id, None).unwrap();
    b.target(&id, "/d/report.pdf".into());
    // Both books survive a restart through the state file (JSON).
    let a2 = TransferBook::restored(
        serde_json::from_str(&serde_json::to_string(&a.saved()).unwrap()).unwrap(),
    );
    let mut b2 = TransferBook::restored(
        serde_json::from_str(&serde_json::to_string(&b.saved()).unwrap()).unwrap(),
    );
    // The sender hashes its file again before serving it.
    assert!(matches!(
        &a2.resume_all()[..],
        [FilesEffect::Io(FileOutput::Hash { path, .. })] if path == "/tmp/x/report.pdf"
    ));
    // And offers it again when Bob connects; Bob then resumes into the same target.
    assert_eq!(a2.peer_connected(&bob().id()).len(), 1);
    let effects = b2
        .on_offer(&offer, 4100, &alice().id(), &bob().id(), MAX, "Alice", 9)
        .unwrap();
    match &effects[..] {
        [FilesEffect::Fetch(o)] => {
            assert_eq!(o.port, 4100);
            assert_eq!(o.target.as_deref(), Some("/d/report.pdf"));
        }
        other => panic!("{other:?}"),
    }
    // A changed file is refused after the restart.
    let mut a3 = TransferBook::restored(a.saved());
    let effects = a3.hashed(&id, Ok(hashed(5)), alice().signing_key(), &|_| true, 9);
    assert!(
        matches!(event(&effects), Some(NetEvent::FileFailed { reason, .. }) if reason.contains("changed"))
    );
}

#[test]
fn the_book_is_bounded_and_ids_resolve_by_prefix() {
    let mut a = TransferBook::default();
    for i in 0..crate::limits::MAX_TRANSFERS as u64 {
        a.start_offer(
            transfer_id(&alice().id(), i),
            "f".into(),
            vec![bob().id()],
            i as i64,
        )
        .unwrap();
    }
    // All open: a new one is refused rather than one forgotten.
    assert_eq!(
        a.start_offer("x".repeat(32), "f".into(), vec![bob().id()], 0),
        Err(FilesError::TooManyTransfers)
    );
    let first = transfer_id(&alice().id(), 0);
    a.cancel(&first).unwrap();
    a.start_offer("y".repeat(32), "f".into(), vec![bob().id()], 0)
        .unwrap();
    assert!(a.get(&first).is_none(), "the finished one was forgotten");
    assert!(matches!(a.find(""), Err(FilesError::Unknown(_))));
    assert_eq!(a.find("yyyy").unwrap(), "y".repeat(32));
}

#[test]
fn an_offer_over_the_rate_is_declined_unless_the_receiver_already_has_it() {
    let (mut a, id, offer) = offered();
    let mut b = TransferBook::default();
    // A new transfer over the rate: declined with the reason, which ends it at the sender.
    let refused = b.refuse_over_rate(&offer, &alice().id());
    assert_eq!(answer_of(&refused), Some(Answer::Declined));
    let (to, reason) = match &refused[..] {
        [FilesEffect::Answer { to, reason, .. }] => (*to, reason.clone().unwrap()),
        other => panic!("{other:?}"),
    };
    assert_eq!(to, alice().id());
    let heard = a.on_answer(&bob().id(), &id, Answer::Declined, Some(reason), "Bob");
    assert!(matches!(
        event(&heard),
        Some(NetEvent::FileDeclined { reason: Some(r), .. }) if r.contains("too many file offers")
    ));
    // A re-offer of a transfer Bob has (accepted before a reconnection) is only dropped.
    b.on_offer(&offer, 1, &alice().id(), &bob().id(), MAX, "Alice", 0)
        .unwrap();
    b.accept(&id, None).unwrap();
    assert!(b.refuse_over_rate(&offer, &alice().id()).is_empty());
    // A payload without a well-formed id is not answered.
    let junk = SignedPayload {
        payload: r#"{"transfer_id":"NOT-HEX"}"#.into(),
        sig: None,
    };
    assert!(b.refuse_over_rate(&junk, &alice().id()).is_empty());
}
