//! The headless front end reads commands and writes events through pipes (the harness's) or,
//! as here, plain files: `p2pchat-tui --headless < commands.txt > events.jsonl`.

use common::*;
use p2pchat_testkit as common;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn commands_from_a_file_and_events_to_a_file_work_as_with_pipes() {
    let dir = tempfile::tempdir().unwrap();
    let commands = dir.path().join("commands.txt");
    let events = dir.path().join("events.jsonl");
    // The end of the file ends the input, and so quits gracefully.
    std::fs::write(&commands, "/list\n/nonsense\n").unwrap();
    let opts = PeerOpts::loopback("Solo", dir.path(), free_udp_port());
    let mut child = Command::new(&*BIN)
        .arg("--headless")
        .arg("--name")
        .arg(&opts.name)
        .arg("--data-dir")
        .arg(&opts.data_dir)
        .args(&opts.args)
        .stdin(std::fs::File::open(&commands).unwrap())
        .stdout(std::fs::File::create(&events).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "still running after its input ended; events so far:\n{}",
                std::fs::read_to_string(&events).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let text = std::fs::read_to_string(&events).unwrap();
    let seen: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    for event in ["ready", "peers", "error", "stopped"] {
        assert!(
            seen.iter().any(|e| e["event"] == event),
            "no '{event}' in:\n{text}"
        );
    }
    assert_eq!(seen.last().unwrap()["event"], "stopped", "{text}");
}
