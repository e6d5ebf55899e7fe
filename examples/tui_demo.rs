//! The interactive interface against a scripted fake network (no sockets): for trying the
//! screen by hand and for end-to-end checks in tmux. `cargo run --example tui_demo`.

use std::time::Duration;

use p2pchat_engine::api::{NetCommand, NetEvent, OfflineReason, Outcome};
use p2pchat_runtime::NetHandle;
use p2pchat_tui::tui::{self, TuiOptions};
use tokio::sync::mpsc;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn fake_network(mut commands: mpsc::Receiver<NetCommand>, events: mpsc::Sender<NetEvent>) {
    let me = "a1".repeat(16);
    let send = |e: NetEvent| {
        let events = events.clone();
        async move { events.send(e).await.is_ok() }
    };
    send(NetEvent::Ready {
        id: me.clone(),
        name: "Alice".into(),
        port: 7000,
        fingerprint: "a1b2:c3d4:e5f6".into(),
    })
    .await;
    for (id, name) in [("b0b0", "Bob"), ("c4c4", "Carol")] {
        let e = NetEvent::PeerOnline {
            id: id.into(),
            name: name.into(),
            fingerprint: format!("{id}:{id}"),
            addr: "127.0.0.1:7001".into(),
            quiet: false,
        };
        send(e).await;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(3));
    let mut n = 0u32;
    loop {
        tokio::select! {
            cmd = commands.recv() => match cmd {
                None | Some(NetCommand::Quit) => {
                    send(NetEvent::Stopped).await;
                    return;
                }
                Some(NetCommand::Send { body, signed }) => {
                    let e = NetEvent::Sent { msg_id: format!("s{n}"), body, signed, ts: now_ms(), recipients: 2, room: "#general".into(), reply_to: None, };
                    send(e).await;
                }
                Some(NetCommand::Vote { proposal, approve }) => {
                    let e = NetEvent::Vote {
                        proposal_id: proposal.clone(),
                        voter: me.clone(),
                        voter_name: "Alice".into(),
                        approve,
                        approvals: usize::from(approve) + 1,
                        rejections: usize::from(!approve),
                    };
                    send(e).await;
                    if approve {
                        send(NetEvent::ProposalClosed { proposal_id: proposal.clone(), outcome: Outcome::Approved }).await;
                        let e = NetEvent::SecureMode { enabled: true, proposal_id: proposal, approvers: vec![me.clone(), "b0b0".into()], approver_names: vec![] };
                        send(e).await;
                    }
                }
                Some(other) => {
                    send(NetEvent::Notice { message: format!("demo network got {other:?}") }).await;
                }
            },
            _ = tick.tick() => {
                n += 1;
                let e = match n {
                    2 => NetEvent::Proposal {
                        proposal_id: "p9f00ba4c0ffee".into(),
                        proposer: "b0b0".into(),
                        proposer_name: "Bob".into(),
                        description: "lock it down".into(),
                        enable: true,
                        threshold: 2,
                        electorate: vec![me.clone(), "b0b0".into(), "c4c4".into()],
                        expires_ts: now_ms() + 120_000,
                    },
                    5 => NetEvent::PeerOffline { id: "c4c4".into(), name: "Carol".into(), reason: OfflineReason::Timeout, quiet: false },
                    _ => NetEvent::Message {
                        mentions_me: false,
                        action: false,
                        msg_id: format!("m{n}"),
                        from: "b0b0".into(),
                        from_name: "Bob".into(),
                        body: format!("message number {n} 🎉 早上好"),
                        signed: !n.is_multiple_of(4),
                        verified: !n.is_multiple_of(4),
                        ts: now_ms(),
                        room: "#general".into(),
                        reply_to: None,
                    },
                };
                if !send(e).await {
                    return;
                }
            }
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    if !tui::stdout_is_terminal() {
        return Err(std::io::Error::other("not a terminal"));
    }
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    let (ev_tx, ev_rx) = mpsc::channel(256);
    let net = tokio::spawn(fake_network(cmd_rx, ev_tx));
    let result = tui::run(NetHandle::new(cmd_tx), ev_rx, TuiOptions::default()).await;
    net.abort();
    result
}
