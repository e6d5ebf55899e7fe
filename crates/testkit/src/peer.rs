//! One `p2pchat-tui --headless` process under test: started with its options, its JSON
//! events read on a thread and waited for with timeouts, its stdin for commands, its memory
//! and CPU read from /proc, killed when dropped.

use crate::BIN;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How to start one peer.
#[derive(Clone, Debug)]
pub struct PeerOpts {
    pub name: String,
    pub data_dir: PathBuf,
    /// Flags after the common ones (e.g. `--broadcast`, `--discovery-port`).
    pub args: Vec<String>,
    /// A command the binary runs under, e.g. `["ip", "netns", "exec", "ns1"]`.
    pub wrapper: Vec<String>,
}

impl PeerOpts {
    /// A loopback peer: announces to 127.255.255.255 on `discovery_port`, listens on a free port.
    pub fn loopback(name: &str, data_dir: &Path, discovery_port: u16) -> PeerOpts {
        PeerOpts {
            name: name.into(),
            data_dir: data_dir.to_path_buf(),
            args: vec![
                "--broadcast".into(),
                "127.255.255.255".into(),
                "--discovery-port".into(),
                discovery_port.to_string(),
                "--port".into(),
                "0".into(),
            ],
            wrapper: vec![],
        }
    }

    pub fn arg(mut self, a: &str) -> PeerOpts {
        self.args.push(a.into());
        self
    }
}

/// A running headless peer. Every event is stamped when its line arrives, so measurements
/// (examples/measure.rs, examples/scale.rs) use the same harness as the tests.
pub struct Peer {
    pub name: String,
    pub id: String,
    pub port: u16,
    /// When the process was started.
    pub started: Instant,
    /// When its `ready` event arrived (once [`Peer::ready`] or [`Peer::spawn`] saw it).
    pub ready_at: Option<Instant>,
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<(Instant, Value)>,
    seen: Vec<Value>,
    /// Arrival time of each event in `seen`.
    stamps: Vec<Instant>,
    stderr_rx: mpsc::Receiver<String>,
}

impl Peer {
    /// Starts the peer and waits for its `ready` event.
    pub fn spawn(opts: &PeerOpts) -> Peer {
        Peer::try_spawn(opts).unwrap_or_else(|e| panic!("{} did not start: {e}", opts.name))
    }

    /// Starts the peer; `Err(stderr)` if it exits before `ready`.
    pub fn try_spawn(opts: &PeerOpts) -> Result<Peer, String> {
        let mut peer = Peer::start(opts);
        match peer.try_ready(Duration::from_secs(10)) {
            Some(_) => Ok(peer),
            None => {
                let _ = peer.child.kill();
                let _ = peer.child.wait();
                // The process is gone: read its stderr to the end.
                let mut text = Vec::new();
                while let Ok(line) = peer.stderr_rx.recv_timeout(Duration::from_secs(5)) {
                    text.push(line);
                }
                Err(text.join("\n"))
            }
        }
    }

    /// Starts the peer without waiting for `ready` (see [`Peer::ready`]), so many can start at
    /// once.
    pub fn start(opts: &PeerOpts) -> Peer {
        let mut cmd = if opts.wrapper.is_empty() {
            Command::new(&*BIN)
        } else {
            let mut c = Command::new(&opts.wrapper[0]);
            c.args(&opts.wrapper[1..]).arg(&*BIN);
            c
        };
        cmd.arg("--headless")
            .arg("--name")
            .arg(&opts.name)
            .arg("--data-dir")
            .arg(&opts.data_dir)
            .args(&opts.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", BIN.as_str()));
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let at = Instant::now();
                match serde_json::from_str::<Value>(&line) {
                    Ok(v) => {
                        if tx.send((at, v)).is_err() {
                            break;
                        }
                    }
                    Err(e) => panic!("stdout line is not JSON ({e}): {line}"),
                }
            }
        });
        let (etx, stderr_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = etx.send(line);
            }
        });
        Peer {
            name: opts.name.clone(),
            id: String::new(),
            port: 0,
            started,
            ready_at: None,
            stdin: child.stdin.take(),
            child,
            rx,
            seen: Vec::new(),
            stamps: Vec::new(),
            stderr_rx,
        }
    }

    /// Waits for `ready`, learns the peer's id and port, and returns when `ready` arrived.
    pub fn ready(&mut self) -> Instant {
        let name = self.name.clone();
        self.try_ready(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("{name} did not start: {}", self.stderr_text()))
    }

    fn try_ready(&mut self, timeout: Duration) -> Option<Instant> {
        let ready = self.try_wait_for(timeout, |e| e["event"] == "ready")?;
        self.id = ready["id"].as_str().unwrap().to_string();
        self.port = ready["port"].as_u64().unwrap() as u16;
        let at = self.stamp_of(|e| e["event"] == "ready");
        self.ready_at = at;
        at
    }

    /// When the first event matching `pred` arrived, if it did.
    fn stamp_of(&self, pred: impl Fn(&Value) -> bool) -> Option<Instant> {
        self.seen.iter().position(pred).map(|i| self.stamps[i])
    }

    /// Takes every event that has arrived into the record (bounding the channel, not memory).
    fn collect(&mut self) {
        while let Ok((at, v)) = self.rx.try_recv() {
            self.stamps.push(at);
            self.seen.push(v);
        }
    }
    /// Everything the process wrote on stderr so far.
    pub fn stderr_text(&self) -> String {
        self.stderr_rx.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// Writes one command line.
    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("peer's stdin accepts input");
        stdin.flush().unwrap();
    }

    /// Waits for an event (already seen or new) matching `pred`.
    pub fn try_wait_for(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(v) = self.seen.iter().find(|v| pred(v)) {
            return Some(v.clone());
        }
        self.try_wait_for_new(timeout, pred)
    }

    /// Waits for a new event matching `pred`.
    pub fn try_wait_for_new(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((at, v)) => {
                    self.stamps.push(at);
                    self.seen.push(v.clone());
                    if pred(&v) {
                        return Some(v);
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// Waits for an event matching `pred`, panicking with what was seen if none comes.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        match self.try_wait_for(timeout, pred) {
            Some(v) => v,
            None => panic!(
                "{}: no '{what}' within {timeout:?}; events seen:\n{}\nstderr: {}",
                self.name,
                self.seen
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
                self.stderr_text()
            ),
        }
    }

    pub fn wait_online(&mut self, other: &Peer, timeout: Duration) -> Value {
        let id = other.id.clone();
        self.wait_for(&format!("peer_online {}", other.name), timeout, move |e| {
            e["event"] == "peer_online" && e["id"] == id.as_str()
        })
    }

    pub fn wait_offline(&mut self, other: &Peer, timeout: Duration) -> Value {
        let id = other.id.clone();
        self.wait_for(&format!("peer_offline {}", other.name), timeout, move |e| {
            e["event"] == "peer_offline" && e["id"] == id.as_str()
        })
    }

    pub fn wait_message(&mut self, body: &str, timeout: Duration) -> Value {
        let body = body.to_string();
        self.wait_for(&format!("message '{body}'"), timeout, move |e| {
            e["event"] == "message" && e["body"] == body.as_str()
        })
    }

    /// Every event received so far.
    pub fn events(&mut self) -> &[Value] {
        self.collect();
        &self.seen
    }

    /// Moves the events that have arrived out of the channel (their stamps are kept).
    pub fn drain(&mut self) {
        self.collect();
    }

    /// The first event matching `pred` that arrived at or after `since`, and when it arrived;
    /// panics after `timeout`.
    pub fn wait_since(
        &mut self,
        since: Instant,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> (Instant, Value) {
        self.collect();
        let hit = self
            .seen
            .iter()
            .zip(&self.stamps)
            .find(|(v, at)| **at >= since && pred(v));
        if let Some((v, at)) = hit {
            return (*at, v.clone());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((at, v)) => {
                    self.stamps.push(at);
                    self.seen.push(v.clone());
                    if at >= since && pred(&v) {
                        return (at, v);
                    }
                }
                // A panic, not exit: unwinding drops the peers (and a lab's namespaces).
                Err(_) => panic!("{}: no {what} within {timeout:?}", self.name),
            }
        }
    }

    /// When `peer_online` for `id` arrived (at or after `since`).
    pub fn online_since(&mut self, since: Instant, id: &str, timeout: Duration) -> Instant {
        self.wait_since(since, &format!("peer_online {id}"), timeout, |e| {
            e["event"] == "peer_online" && e["id"] == id
        })
        .0
    }

    /// `peer_offline` for `id` (at or after `since`) and when it arrived.
    pub fn offline_since(
        &mut self,
        since: Instant,
        id: &str,
        timeout: Duration,
    ) -> (Instant, Value) {
        self.wait_since(since, &format!("peer_offline {id}"), timeout, |e| {
            e["event"] == "peer_offline" && e["id"] == id
        })
    }

    /// Resident memory in KiB (0 if unknown).
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// CPU time used so far (utime + stime), in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        num(11) + num(12)
    }

    /// Closes stdin (after `/quit`) and waits for the process to end.
    pub fn reap(&mut self) {
        self.stdin = None;
        let _ = self.child.wait();
    }

    /// Closes stdin (after `/quit`) and waits until `deadline` for the process to end; whether
    /// it did (if not, `Drop` kills it).
    pub fn reap_by(&mut self, deadline: Instant) -> bool {
        self.stdin = None;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no goodbye, no flush.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `/quit`, then waits for `stopped` and for the process to exit.
    pub fn quit(&mut self) {
        self.send("/quit");
        self.wait_for("stopped", Duration::from_secs(10), |e| {
            e["event"] == "stopped"
        });
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "{} exited with {status}", self.name);
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("{} did not exit after /quit", self.name);
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
