//! Tests of the boundary types' JSON shapes.

use super::*;

#[test]
fn events_serialise_with_an_event_field() {
    let e = NetEvent::PeerOffline {
        id: "ab".into(),
        name: "Bob".into(),
        reason: OfflineReason::Timeout,
        quiet: false,
    };
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"event":"peer_offline","id":"ab","name":"Bob","reason":"timeout"}"#
    );
    assert_eq!(
        serde_json::to_string(&NetEvent::Stopped).unwrap(),
        r#"{"event":"stopped"}"#
    );
}
