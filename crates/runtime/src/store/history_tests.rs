//! Tests of the history store: paging, search, reopening and a corrupt file.

use super::*;

pub(crate) fn msg(id: &str, body: &str, ts: i64) -> HistoryEntry {
    HistoryEntry {
        row: 0,
        kind: EntryKind::Message,
        msg_id: Some(id.into()),
        author: "aa".into(),
        author_name: "Ann".into(),
        peer: None,
        body: body.into(),
        ts,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
        room: None,
        reactions: Vec::new(),
    }
}

#[test]
fn pages_go_back_in_order_and_say_when_more_remain() {
    let h = History::in_memory();
    for i in 0..25 {
        assert!(h
            .insert(&msg(&format!("aa:{i}"), &format!("m{i}"), i))
            .unwrap());
    }
    assert!(
        !h.insert(&msg("aa:3", "again", 3)).unwrap(),
        "deduped by id"
    );
    let (newest, more) = h.page(None, 10, None).unwrap();
    assert!(more);
    assert_eq!(newest.first().unwrap().body, "m15");
    assert_eq!(newest.last().unwrap().body, "m24");
    let (older, _) = h.page(Some(newest[0].row), 10, None).unwrap();
    assert_eq!(older.last().unwrap().body, "m14");
    let (oldest, more) = h.page(Some(older[0].row), 10, None).unwrap();
    assert_eq!((oldest.len(), more), (5, false));
    assert!(h.contains("aa:7") && !h.contains("aa:99"));
}

#[test]
fn search_is_literal_and_case_insensitive() {
    let h = History::in_memory();
    h.insert(&msg("aa:1", "Hello World", 1)).unwrap();
    h.insert(&msg("aa:2", "100% sure", 2)).unwrap();
    h.insert(&msg("aa:3", "nothing", 3)).unwrap();
    assert_eq!(h.search("hello", 10, None).unwrap().len(), 1);
    assert_eq!(h.search("%", 10, None).unwrap()[0].body, "100% sure");
    assert!(h.search("_", 10, None).unwrap().is_empty());
}

#[test]
fn survives_reopen_and_reports_a_corrupt_file_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    {
        let h = History::open(&path).unwrap();
        h.insert(&msg("aa:1", "kept", 1)).unwrap();
    }
    let h = History::open(&path).unwrap();
    assert_eq!(h.page(None, 5, None).unwrap().0[0].body, "kept");
    drop(h);
    let bad = dir.path().join("bad.db");
    std::fs::write(&bad, vec![0x5a; 8192]).unwrap();
    let err = History::open(&bad).err().unwrap();
    assert!(err.contains("bad.db") && !err.contains('\n'), "{err}");
}
