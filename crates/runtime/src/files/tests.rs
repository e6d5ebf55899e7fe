//! The runtime's file service on loopback: a recipient fetches a served file over a real
//! transfer connection, verified; a peer the file was not offered to is refused before a byte
//! of it is sent, and so is everyone once the offer is stopped.

use super::channel;
use super::*;
use p2pchat_engine::files::wire::{parse_data, TransferData, TransferFrame};
use p2pchat_engine::files::FetchOrder;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

async fn service(seed: u8, dir: &Path) -> (FileService, mpsc::Receiver<FileInput>, Identity) {
    let id = Identity::from_secret([seed; 32]);
    let (s, rx) = FileService::start(
        id.clone(),
        format!("n{seed}"),
        "127.0.0.1".parse().unwrap(),
        1,
        dir.join(format!("down{seed}")),
        0,
    )
    .await
    .unwrap();
    (s, rx, id)
}

async fn next(rx: &mut mpsc::Receiver<FileInput>) -> FileInput {
    tokio::time::timeout(T, rx.recv()).await.unwrap().unwrap()
}

/// Hashes `data` as a served file of `alice`, allowed to `allowed`.
async fn serve(
    alice: &mut FileService,
    rx: &mut mpsc::Receiver<FileInput>,
    dir: &Path,
    data: &[u8],
    allowed: Vec<PeerId>,
) -> p2pchat_engine::files::HashedFile {
    let src = dir.join("src.bin");
    std::fs::write(&src, data).unwrap();
    alice.handle(FileOutput::Hash {
        transfer_id: "t1".into(),
        path: src.display().to_string(),
    });
    let hashed = match next(rx).await {
        FileInput::Hashed { result, .. } => result.unwrap(),
        other => panic!("{other:?}"),
    };
    alice.handle(FileOutput::Serve {
        transfer_id: "t1".into(),
        allowed,
    });
    hashed
}

#[tokio::test]
async fn a_recipient_fetches_a_verified_copy_and_a_stranger_gets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut arx, alice_id) = service(1, dir.path()).await;
    let (mut bob, mut brx, bob_id) = service(2, dir.path()).await;
    let data: Vec<u8> = (0..(2 << 20) + 77).map(|i| (i % 241) as u8).collect();
    let hashed = serve(&mut alice, &mut arx, dir.path(), &data, vec![bob_id.id()]).await;

    // A stranger with a valid identity is refused before any data.
    let mallory = Identity::from_secret([9; 32]);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], alice.port));
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut ch = channel::open(stream, true, &mallory, "m", 1, Some(alice_id.id()))
        .await
        .unwrap();
    ch.send_json(&TransferFrame::FileManifest {
        transfer_id: "t1".into(),
    })
    .await
    .unwrap();
    let reply = ch.next().await.unwrap();
    assert!(matches!(parse_data(&reply), Ok(None)));
    assert!(matches!(
        serde_json::from_slice::<TransferFrame>(&reply).unwrap(),
        TransferFrame::Reject { .. }
    ));
    // Expecting another id than the one there is refused by the dialer.
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    assert!(
        channel::open(stream, true, &mallory, "m", 1, Some(mallory.id()))
            .await
            .is_err()
    );

    // Bob, a recipient, fetches it.
    let order = FetchOrder {
        transfer_id: "t1".into(),
        from: alice_id.id(),
        port: alice.port,
        name: "copy.bin".into(),
        size: hashed.size,
        hash: hashed.hash,
        chunk_size: hashed.chunk_size,
        manifest: hashed.manifest,
        dir: Some(dir.path().display().to_string()),
        target: None,
    };
    bob.handle(FileOutput::Fetch { order, addr });
    let path = loop {
        match next(&mut brx).await {
            FileInput::Fetched { result, .. } => break result.unwrap(),
            FileInput::Target { .. } | FileInput::Progress { .. } => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(std::fs::read(&path).unwrap(), data);

    // Once the offer is stopped, nobody gets a manifest.
    alice.handle(FileOutput::StopServe {
        transfer_id: "t1".into(),
    });
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut ch = channel::open(stream, true, &bob_id, "b", 1, Some(alice_id.id()))
        .await
        .unwrap();
    ch.send_json(&TransferFrame::FileManifest {
        transfer_id: "t1".into(),
    })
    .await
    .unwrap();
    let reply = ch.next().await.unwrap();
    assert!(!matches!(
        parse_data(&reply),
        Ok(Some(TransferData::ManifestPiece { .. }))
    ));
    alice.stop();
    bob.stop();
}
