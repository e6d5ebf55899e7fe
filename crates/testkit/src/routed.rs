//! Labs beyond one bridge, made and removed by the test that uses them: two subnets joined by
//! a router namespace (broadcast does not cross it, routed TCP does), with an optional
//! nftables rule in the router; and an IPv6-only LAN (link-local addresses only).
//!
//! Names follow [`crate::netlab`]'s scheme (`p2p{tag}{pid}x{n}-...`), so a lab left behind by a
//! killed test process is swept by the next lab; `Drop` kills what runs inside and deletes
//! every namespace. No interface is ever made in the machine's own namespace.

use crate::netlab::{ip, remove_ns, short, sweep_stale};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Runs `ip netns exec NS PROGRAM ARGS`, returning its stderr on failure.
pub fn exec_in(ns: &str, program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new("ip")
        .args(["netns", "exec", ns, program])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn prefix(tag: char) -> String {
    assert!(tag.is_ascii_lowercase());
    sweep_stale();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("p2p{tag}{}x{n}", std::process::id())
}

/// Two subnets, `a` (10.78.1.0/24) and `b` (10.78.2.0/24), joined by a router namespace.
pub struct RoutedLab {
    pub prefix: String,
    pub sizes: [usize; 2],
    namespaces: Vec<String>,
}

impl RoutedLab {
    /// `sizes[0]` hosts in subnet a, `sizes[1]` in subnet b. `tag`: one lowercase letter.
    pub fn new(tag: char, sizes: [usize; 2]) -> Result<RoutedLab, String> {
        let mut lab = RoutedLab {
            prefix: prefix(tag),
            sizes,
            namespaces: Vec::new(),
        };
        lab.build()?;
        Ok(lab)
    }

    /// The router's namespace.
    pub fn router(&self) -> String {
        format!("{}-r", self.prefix)
    }

    /// The router's bridge (its leg) on subnet `s`, with address `10.78.{s+1}.1`.
    pub fn bridge(&self, s: usize) -> String {
        short(&format!("{}{}", ["A", "B"][s], &self.prefix[3..]))
    }

    /// Namespace of host `i` (1-based) of subnet `s` (0 = a, 1 = b).
    pub fn ns(&self, s: usize, i: usize) -> String {
        format!("{}-{}{i}", self.prefix, ["a", "b"][s])
    }

    /// Address of host `i` of subnet `s`.
    pub fn addr(&self, s: usize, i: usize) -> String {
        format!("10.78.{}.{}", s + 1, 10 + i)
    }

    /// Command prefix that runs a program inside host `i` of subnet `s`.
    pub fn wrapper(&self, s: usize, i: usize) -> Vec<String> {
        vec!["ip".into(), "netns".into(), "exec".into(), self.ns(s, i)]
    }

    fn build(&mut self) -> Result<(), String> {
        let r = self.router();
        ip(&["netns", "add", &r])?;
        self.namespaces.push(r.clone());
        ip(&["-n", &r, "link", "set", "lo", "up"])?;
        exec_in(&r, "sysctl", &["-qw", "net.ipv4.ip_forward=1"])?;
        let tag = self.prefix[3..].to_string();
        for s in 0..2 {
            let bridge = self.bridge(s);
            ip(&["-n", &r, "link", "add", &bridge, "type", "bridge"])?;
            ip(&["-n", &r, "link", "set", &bridge, "up"])?;
            let gw = format!("10.78.{}.1/24", s + 1);
            ip(&["-n", &r, "addr", "add", &gw, "dev", &bridge])?;
            for i in 1..=self.sizes[s] {
                let h = self.ns(s, i);
                ip(&["netns", "add", &h])?;
                self.namespaces.push(h.clone());
                let veth = short(&format!("v{tag}{s}h{i}"));
                ip(&[
                    "-n", &r, "link", "add", &veth, "type", "veth", "peer", "name", "eth0",
                    "netns", &h,
                ])?;
                ip(&["-n", &r, "link", "set", &veth, "master", &bridge, "up"])?;
                let addr = format!("{}/24", self.addr(s, i));
                let brd = format!("10.78.{}.255", s + 1);
                ip(&["-n", &h, "addr", "add", &addr, "brd", &brd, "dev", "eth0"])?;
                ip(&["-n", &h, "link", "set", "eth0", "up"])?;
                ip(&["-n", &h, "link", "set", "lo", "up"])?;
                let via = format!("10.78.{}.1", s + 1);
                ip(&["-n", &h, "route", "add", "default", "via", &via])?;
            }
        }
        Ok(())
    }

    /// Makes the router drop TCP between two addresses, both ways (nftables).
    pub fn drop_tcp_between(&self, x: &str, y: &str) -> Result<(), String> {
        let rules = format!(
            "table inet reach {{\n  chain filt {{\n    type filter hook forward priority 0; policy accept;\n    ip saddr {x} ip daddr {y} meta l4proto tcp drop\n    ip saddr {y} ip daddr {x} meta l4proto tcp drop\n  }}\n}}\n"
        );
        let file = std::env::temp_dir().join(format!("{}-rules.nft", self.prefix));
        std::fs::write(&file, rules).map_err(|e| e.to_string())?;
        let result = exec_in(&self.router(), "nft", &["-f", &file.display().to_string()]);
        let _ = std::fs::remove_file(&file);
        result.map(|_| ())
    }
}

impl Drop for RoutedLab {
    fn drop(&mut self) {
        for ns in self.namespaces.iter().rev() {
            remove_ns(ns);
        }
    }
}

/// One bridge whose hosts have IPv6 link-local addresses only (no IPv4 at all).
pub struct Lan6 {
    pub prefix: String,
    pub hosts: usize,
    namespaces: Vec<String>,
}

impl Lan6 {
    pub fn new(tag: char, hosts: usize) -> Result<Lan6, String> {
        let mut lab = Lan6 {
            prefix: prefix(tag),
            hosts,
            namespaces: Vec::new(),
        };
        let br = format!("{}-br", lab.prefix);
        ip(&["netns", "add", &br])?;
        lab.namespaces.push(br.clone());
        let tag = lab.prefix[3..].to_string();
        let bridge = short(&format!("b{tag}"));
        ip(&["-n", &br, "link", "add", &bridge, "type", "bridge"])?;
        ip(&["-n", &br, "link", "set", &bridge, "up"])?;
        for i in 1..=hosts {
            let h = lab.ns(i);
            ip(&["netns", "add", &h])?;
            lab.namespaces.push(h.clone());
            // Link-local addresses are usable at once (no duplicate address detection).
            exec_in(&h, "sysctl", &["-qw", "net.ipv6.conf.default.accept_dad=0"])?;
            let veth = short(&format!("v{tag}h{i}"));
            ip(&[
                "-n", &br, "link", "add", &veth, "type", "veth", "peer", "name", "eth0", "netns",
                &h,
            ])?;
            ip(&["-n", &br, "link", "set", &veth, "master", &bridge, "up"])?;
            ip(&["-n", &h, "link", "set", "eth0", "up"])?;
            ip(&["-n", &h, "link", "set", "lo", "up"])?;
        }
        Ok(lab)
    }

    pub fn ns(&self, i: usize) -> String {
        format!("{}-h{i}", self.prefix)
    }

    pub fn wrapper(&self, i: usize) -> Vec<String> {
        vec!["ip".into(), "netns".into(), "exec".into(), self.ns(i)]
    }

    /// True once every host has a usable link-local address on eth0.
    pub fn addresses_ready(&self) -> bool {
        (1..=self.hosts).all(|i| {
            exec_in(&self.ns(i), "ip", &["-6", "addr", "show", "dev", "eth0"])
                .map(|out| out.contains("fe80::") && !out.contains("tentative"))
                .unwrap_or(false)
        })
    }
}

impl Drop for Lan6 {
    fn drop(&mut self) {
        for ns in self.namespaces.iter().rev() {
            remove_ns(ns);
        }
    }
}
