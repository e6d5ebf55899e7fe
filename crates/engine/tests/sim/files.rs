//! Whole nodes on the simulator, with the tests standing in for the runtime's file I/O: an
//! offer reaches its recipient signed, accept asks the runtime to fetch from the sender's
//! address and transfer port, the outcome reaches the sender; a flood of offers is cut at
//! FILE_OFFERS_PER_MIN; a crashed receiver resumes into the same target after a restart.

use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::files::{FileInput, FileOutput, HashedFile, ManifestBuilder};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::FILE_OFFERS_PER_MIN;
use p2pchat_engine::node::Input;
use p2pchat_engine::sim::Sim;
use std::time::Duration;

const ALICE: u8 = 1;
const BOB: u8 = 2;

fn pair() -> Sim {
    let mut sim = Sim::new();
    sim.add("Alice", ALICE, vec![]);
    sim.add("Bob", BOB, vec![]);
    for i in 0..2 {
        sim.input(
            i,
            Input::Files(FileInput::Listening {
                port: 7000 + i as u16,
            }),
        );
    }
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    sim
}

fn cmd(sim: &mut Sim, i: usize, c: NetCommand) {
    sim.input(i, Input::Command(c));
    sim.run_for(Duration::from_millis(20));
}

fn hashed() -> HashedFile {
    let mut b = ManifestBuilder::new(1 << 20);
    b.push(b"hello file");
    let (m, hash) = b.finish();
    HashedFile {
        size: 10,
        hash,
        chunk_size: 1 << 20,
        manifest: m.root(),
    }
}

/// Alice offers a file to Bob; the test plays Alice's runtime hashing it. Bob's offer event.
fn offer(sim: &mut Sim) -> (String, NetEvent) {
    cmd(
        sim,
        0,
        NetCommand::OfferFile {
            to: Some("Bob".into()),
            path: "/data/hello.txt".into(),
        },
    );
    let id = match sim.nodes[0].file_work.pop() {
        Some(FileOutput::Hash { transfer_id, path }) => {
            assert_eq!(path, "/data/hello.txt");
            transfer_id
        }
        other => panic!("expected a hash job, got {other:?}"),
    };
    sim.input(
        0,
        Input::Files(FileInput::Hashed {
            transfer_id: id.clone(),
            result: Ok(hashed()),
        }),
    );
    sim.run_for(Duration::from_millis(20));
    let ev = sim
        .events(1)
        .find(|e| matches!(e, NetEvent::FileOffer { .. }))
        .cloned()
        .expect("Bob was offered the file");
    (id, ev)
}

fn fetch_order(
    sim: &mut Sim,
    i: usize,
) -> (p2pchat_engine::files::FetchOrder, std::net::SocketAddr) {
    let work = std::mem::take(&mut sim.nodes[i].file_work);
    work.into_iter()
        .find_map(|w| match w {
            FileOutput::Fetch { order, addr } => Some((order, addr)),
            _ => None,
        })
        .expect("a fetch was ordered")
}

#[test]
fn offer_accept_and_outcome_cross_the_simulated_lan() {
    let mut sim = pair();
    let (id, ev) = offer(&mut sim);
    match &ev {
        NetEvent::FileOffer {
            from, name, size, ..
        } => {
            assert_eq!(from, &sim.id(0));
            assert_eq!((name.as_str(), *size), ("hello.txt", 10));
        }
        _ => unreachable!(),
    }
    assert!(sim
        .events(0)
        .any(|e| matches!(e, NetEvent::FileOffered { .. })));
    cmd(
        &mut sim,
        1,
        NetCommand::AcceptFile {
            transfer: id[..6].into(),
            dir: None,
        },
    );
    let (order, addr) = fetch_order(&mut sim, 1);
    assert_eq!(addr, std::net::SocketAddr::new(sim.nodes[0].addr, 7000));
    assert_eq!(order.from.to_hex(), sim.id(0));
    assert!(sim
        .events(0)
        .any(|e| matches!(e, NetEvent::FileAccepted { .. })));
    sim.input(
        1,
        Input::Files(FileInput::Fetched {
            transfer_id: id.clone(),
            result: Ok("/down/hello.txt".into()),
        }),
    );
    sim.run_for(Duration::from_millis(20));
    assert!(sim
        .events(1)
        .any(|e| matches!(e, NetEvent::FileDone { path, .. } if path == "/down/hello.txt")));
    assert!(sim
        .events(0)
        .any(|e| matches!(e, NetEvent::FileDelivered { to, .. } if *to == sim.id(1))));
    // Alice stops serving it.
    assert!(sim.nodes[0]
        .file_work
        .iter()
        .any(|w| matches!(w, FileOutput::StopServe { transfer_id } if *transfer_id == id)));
}

#[test]
fn a_flood_of_offers_is_cut_at_the_rate_limit() {
    let mut sim = pair();
    for k in 0..FILE_OFFERS_PER_MIN + 5 {
        cmd(
            &mut sim,
            0,
            NetCommand::OfferFile {
                to: Some("Bob".into()),
                path: format!("/data/{k}"),
            },
        );
        // The newest work is this offer's hashing (a refused offer's StopServe may follow).
        let id = sim.nodes[0]
            .file_work
            .iter()
            .rev()
            .find_map(|w| match w {
                FileOutput::Hash { transfer_id, .. } => Some(transfer_id.clone()),
                _ => None,
            })
            .expect("the offer is hashed first");
        sim.input(
            0,
            Input::Files(FileInput::Hashed {
                transfer_id: id,
                result: Ok(hashed()),
            }),
        );
        sim.run_for(Duration::from_millis(5));
    }
    sim.run_for(Duration::from_millis(50));
    let offers = sim
        .events(1)
        .filter(|e| matches!(e, NetEvent::FileOffer { .. }))
        .count();
    assert_eq!(offers, FILE_OFFERS_PER_MIN as usize);
    let refused = sim
        .events(1)
        .filter(|e| matches!(e, NetEvent::Rejected { reason, .. } if reason.contains("too many file offers")))
        .count();
    assert_eq!(refused, 5);
    // Alice learns why: each refused offer is answered `declined` with the reason, and her
    // five transfers end there instead of waiting for an answer that never comes.
    let declined: Vec<&String> = sim
        .events(0)
        .filter_map(|e| match e {
            NetEvent::FileDeclined {
                reason: Some(r), ..
            } => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(declined.len(), 5, "{declined:?}");
    assert!(declined.iter().all(|r| r.contains("too many file offers")));
    let stopped = sim.nodes[0]
        .file_work
        .iter()
        .filter(|w| matches!(w, FileOutput::StopServe { .. }))
        .count();
    assert_eq!(stopped, 5, "Alice stops serving the refused offers");
    // Bob and Alice still chat.
    cmd(
        &mut sim,
        0,
        NetCommand::Send {
            body: "still here".into(),
            signed: true,
        },
    );
    assert!(sim.messages(1).iter().any(|m| m.1 == "still here"));
}

#[test]
fn a_crashed_receiver_resumes_into_the_same_target_after_a_restart() {
    let mut sim = pair();
    let (id, _) = offer(&mut sim);
    cmd(
        &mut sim,
        1,
        NetCommand::AcceptFile {
            transfer: id.clone(),
            dir: Some("/down".into()),
        },
    );
    let (order, _) = fetch_order(&mut sim, 1);
    assert_eq!(order.target, None);
    sim.input(
        1,
        Input::Files(FileInput::Target {
            transfer_id: id.clone(),
            path: "/down/hello.txt".into(),
        }),
    );
    let saved = sim.nodes[1].node.saved_state();
    assert_eq!(saved.transfers.len(), 1);
    sim.crash(1);
    sim.run_for(Duration::from_secs(1));
    sim.restart_saved(1, Identity::from_secret([BOB; 32]), saved);
    sim.input(1, Input::Files(FileInput::Listening { port: 7101 }));
    sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("back together");
    sim.run_for(Duration::from_millis(50));
    // Alice offered it again on the new connection; Bob resumes into the same file.
    let (order, _) = fetch_order(&mut sim, 1);
    assert_eq!(order.target.as_deref(), Some("/down/hello.txt"));
    assert_eq!(order.dir.as_deref(), Some("/down"));
    // No second offer line for the user.
    assert!(!sim
        .events(1)
        .any(|e| matches!(e, NetEvent::FileOffer { .. })));
}
