//! Command-line flags (clap) and their resolution into settings.

use clap::Parser;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// Serverless LAN chat: peers find each other by UDP broadcast and talk over direct TCP
/// connections, with signed messages and group voting on secure-only mode.
#[derive(Parser, Debug, Clone)]
#[command(name = "p2pchat-tui", version, about)]
pub struct Cli {
    /// Your display name; each name gets its own identity and profile
    #[arg(long, short = 'n', env = "P2PCHAT_NAME")]
    pub name: Option<String>,

    /// TCP port to listen on (a free one is used if it is taken)
    #[arg(long, short = 'p', default_value_t = 8080)]
    pub port: u16,

    /// Address to listen on
    #[arg(long, default_value = "0.0.0.0")]
    pub bind: IpAddr,

    /// UDP port for discovery announcements (shared by every instance on a host)
    #[arg(long, default_value_t = 9999)]
    pub discovery_port: u16,

    /// Announce to this address instead of every interface's broadcast address (repeatable),
    /// e.g. 127.255.255.255 for peers on this machine only
    #[arg(long = "broadcast", value_name = "ADDR")]
    pub broadcast: Vec<Ipv4Addr>,

    /// Dial this peer directly, for networks that block broadcast (repeatable)
    #[arg(long = "peer", value_name = "HOST:PORT", value_parser = parse_peer)]
    pub peers: Vec<SocketAddr>,

    /// Heartbeat interval in milliseconds
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(50..=60_000))]
    pub heartbeat_ms: u64,

    /// Drop a peer heard nothing from for this many milliseconds
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    pub peer_timeout_ms: u64,

    /// How long a proposal stays open, in seconds
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(5..=86_400))]
    pub proposal_ttl_secs: u64,

    /// Keep profiles (identity, state, log) under DIR instead of the platform data directory
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// No interface: read commands on stdin, write JSON events on stdout, one per line
    #[arg(long)]
    pub headless: bool,

    /// Log level for the log file in the profile (error, warn, info, debug, trace)
    #[arg(long, default_value = "info")]
    pub log_level: String,
}

fn parse_peer(s: &str) -> Result<SocketAddr, String> {
    s.to_socket_addrs()
        .map_err(|e| format!("'{s}' is not HOST:PORT ({e})"))?
        .find(|a| a.is_ipv4())
        .ok_or_else(|| format!("'{s}' has no IPv4 address"))
}

impl Cli {
    /// The display name: `--name`, else the login name, else "anon".
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "anon".to_string())
    }

    /// Cross-flag checks clap cannot express.
    pub fn validate(&self) -> Result<(), String> {
        if self.peer_timeout_ms <= self.heartbeat_ms {
            return Err(format!(
                "--peer-timeout-ms ({}) must be longer than --heartbeat-ms ({})",
                self.peer_timeout_ms, self.heartbeat_ms
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "p2pchat-tui",
            "--name",
            "Bob",
            "--broadcast",
            "127.255.255.255",
            "--peer",
            "127.0.0.1:9000",
            "--headless",
            "--port",
            "0",
        ])
        .unwrap();
        assert_eq!(cli.display_name(), "Bob");
        assert_eq!(cli.broadcast, vec![Ipv4Addr::new(127, 255, 255, 255)]);
        assert_eq!(cli.peers, vec!["127.0.0.1:9000".parse().unwrap()]);
        assert!(cli.headless && cli.validate().is_ok());
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Cli::try_parse_from(["p2pchat-tui", "--peer", "nohost"]).is_err());
        assert!(Cli::try_parse_from(["p2pchat-tui", "--broadcast", "x"]).is_err());
        let cli = Cli::try_parse_from([
            "p2pchat-tui",
            "--heartbeat-ms",
            "5000",
            "--peer-timeout-ms",
            "1000",
        ])
        .unwrap();
        assert!(cli.validate().is_err());
    }
}
