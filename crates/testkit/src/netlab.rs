//! A private LAN of hosts in network namespaces, made and removed by the test that uses it
//! (the same layout as /work/shared/netlab: one bridge, host i at 10.77.0.i/24, broadcast
//! 10.77.0.255, nothing routed off the bridge).
//!
//! Every name includes a tag, the process id and a counter, so parallel tests and parallel
//! `cargo test` runs never collide. The veth pairs are created directly inside the private
//! namespaces (`ip -n BRIDGE link add ... peer ... netns HOST`), so no interface ever appears
//! in the machine's own namespace. [`Lab`]'s `Drop` kills whatever still runs in its
//! namespaces and deletes them, also when a test panics; namespaces left behind by a test
//! process that was killed outright are swept by the next [`Lab::new`].

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Why namespaces cannot be used here (not root, no iproute2), or `None` if they can.
pub fn unavailable() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        .map(str::to_string);
    if euid.as_deref() != Some("0") {
        return Some("needs root (network namespaces)".into());
    }
    let ip_ok = Command::new("ip")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ip_ok {
        return Some("needs iproute2 (`ip` not found)".into());
    }
    None
}

/// Runs `ip ARGS`, returning its stderr on failure.
pub fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn ip_out(args: &[&str]) -> String {
    Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Kills every process in `ns`, then deletes it. Errors are ignored: this is cleanup.
pub(crate) fn remove_ns(ns: &str) {
    for _ in 0..50 {
        let pids = ip_out(&["netns", "pids", ns]);
        let pids: Vec<&str> = pids.split_whitespace().collect();
        if pids.is_empty() {
            break;
        }
        for pid in pids {
            let _ = Command::new("kill")
                .args(["-9", pid])
                .stderr(Stdio::null())
                .status();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = ip(&["netns", "del", ns]);
}

/// Deletes namespaces of this naming scheme whose creating process no longer exists.
pub(crate) fn sweep_stale() {
    let me = std::process::id();
    for line in ip_out(&["netns", "list"]).lines() {
        let Some(ns) = line.split_whitespace().next() else {
            continue;
        };
        let Some(rest) = ns.strip_prefix("p2p") else {
            continue;
        };
        // p2p{tag letter}{pid}x{counter}-{br|hN}
        let rest = rest.get(1..).unwrap_or("");
        let Some((pid, tail)) = rest.split_once('x') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !tail.contains('-') || pid == me {
            continue;
        }
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            remove_ns(ns);
        }
    }
}

/// `n` hosts on one private bridge.
pub struct Lab {
    /// e.g. `p2pt1234x0`; host namespaces are `{prefix}-h1` .. `{prefix}-hN`.
    pub prefix: String,
    pub hosts: usize,
    namespaces: Vec<String>,
}

impl Lab {
    /// Makes the lab. `tag` is one lowercase letter naming the user (`t` tests, `m` measure).
    pub fn new(tag: char, hosts: usize) -> Result<Lab, String> {
        assert!(tag.is_ascii_lowercase() && (1..=200).contains(&hosts));
        sweep_stale();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let prefix = format!("p2p{tag}{}x{n}", std::process::id());
        let mut lab = Lab {
            prefix,
            hosts,
            namespaces: Vec::new(),
        };
        lab.build()?; // on error, Drop removes what was made
        Ok(lab)
    }

    fn build(&mut self) -> Result<(), String> {
        let br = format!("{}-br", self.prefix);
        ip(&["netns", "add", &br])?;
        self.namespaces.push(br.clone());
        // Names inside private namespaces; still unique and at most 15 characters.
        let tag = &self.prefix[3..];
        let bridge = short(&format!("b{tag}"));
        ip(&["-n", &br, "link", "add", &bridge, "type", "bridge"])?;
        ip(&["-n", &br, "link", "set", &bridge, "up"])?;
        for i in 1..=self.hosts {
            let h = self.ns(i);
            ip(&["netns", "add", &h])?;
            self.namespaces.push(h.clone());
            let veth = short(&format!("v{tag}h{i}"));
            ip(&[
                "-n", &br, "link", "add", &veth, "type", "veth", "peer", "name", "eth0", "netns",
                &h,
            ])?;
            ip(&["-n", &br, "link", "set", &veth, "master", &bridge, "up"])?;
            let addr = format!("{}/24", self.addr(i));
            ip(&[
                "-n",
                &h,
                "addr",
                "add",
                &addr,
                "brd",
                "10.77.0.255",
                "dev",
                "eth0",
            ])?;
            ip(&["-n", &h, "link", "set", "eth0", "up"])?;
            ip(&["-n", &h, "link", "set", "lo", "up"])?;
            ip(&["-n", &h, "route", "add", "default", "dev", "eth0"])?;
        }
        Ok(())
    }

    /// Namespace of host `i` (1-based).
    pub fn ns(&self, i: usize) -> String {
        format!("{}-h{i}", self.prefix)
    }

    /// Address of host `i`.
    pub fn addr(&self, i: usize) -> String {
        format!("10.77.0.{i}")
    }

    /// Command prefix that runs a program inside host `i`.
    pub fn wrapper(&self, i: usize) -> Vec<String> {
        vec!["ip".into(), "netns".into(), "exec".into(), self.ns(i)]
    }

    /// Takes host `i`'s link down: a pulled cable, no FIN or RST is sent.
    pub fn cut(&self, i: usize) {
        ip(&["-n", &self.ns(i), "link", "set", "eth0", "down"]).expect("cut link");
    }

    /// Brings host `i`'s link back (and its default route, which `down` removed).
    pub fn heal(&self, i: usize) {
        let h = self.ns(i);
        ip(&["-n", &h, "link", "set", "eth0", "up"]).expect("heal link");
        ip(&["-n", &h, "route", "replace", "default", "dev", "eth0"]).expect("default route");
    }
}

/// Interface names are at most 15 bytes; keep the unique tail if a pid is very long.
pub(crate) fn short(name: &str) -> String {
    if name.len() <= 15 {
        name.to_string()
    } else {
        name[name.len() - 15..].to_string()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for ns in self.namespaces.iter().rev() {
            remove_ns(ns);
        }
    }
}

/// True (after printing why) if a namespace test cannot run here: not root, no iproute2, or
/// P2PCHAT_NETNS_TESTS=0.
pub fn skip(test: &str) -> bool {
    let reason = if std::env::var("P2PCHAT_NETNS_TESTS").as_deref() == Ok("0") {
        Some("P2PCHAT_NETNS_TESTS=0".to_string())
    } else {
        unavailable()
    };
    match reason {
        Some(r) => crate::prereq::missing(test, &r),
        None => false,
    }
}
