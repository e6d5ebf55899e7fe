//! Command-line flags (clap) and their resolution into settings.

use crate::config_file::{self, FileSettings};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// Serverless LAN chat: peers find each other by UDP broadcast and talk over direct TCP
/// connections, with signed messages and group voting on secure-only mode.
#[derive(Parser, Debug, Clone)]
#[command(name = "p2pchat-tui", version, about, long_about)]
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

    /// Discover, advertise and accept connections on this network interface only (repeatable;
    /// default: all)
    #[arg(long = "interface", value_name = "NAME")]
    pub interfaces: Vec<String>,

    /// No IPv6 link-local multicast discovery (it is off anyway when --broadcast is given)
    #[arg(long)]
    pub no_ipv6_discovery: bool,

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

    /// Read settings from FILE instead of config.toml in the platform config directory
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Clock format in the message pane
    #[arg(long, value_enum, default_value_t = TimeFormatArg::H24)]
    pub time_format: TimeFormatArg,

    /// No colours (as does the NO_COLOR environment variable); selection stays visible
    #[arg(long)]
    pub no_color: bool,

    /// Leave the mouse to the terminal (text selection without Shift; no clicks or wheel)
    #[arg(long)]
    pub no_mouse: bool,

    /// Colours for a dark or light terminal background; auto reads COLORFGBG (else dark)
    #[arg(long, value_enum, default_value_t = ThemeArg::Auto)]
    pub theme: ThemeArg,

    /// Print a completion script for SHELL to standard output and exit
    #[arg(long, value_name = "SHELL", value_enum)]
    pub completions: Option<clap_complete::Shell>,

    /// Print the manual page (roff) to standard output and exit
    #[arg(long)]
    pub man: bool,
    /// When the terminal bell rings: on lines naming you and private messages, on every
    /// message, or never
    #[arg(long, value_enum, default_value_t = BellArg::Mentions)]
    pub bell: BellArg,

    /// Desktop notifications through the terminal (OSC 777, or OSC 9 in iTerm2) for lines
    /// naming you and private messages while you are not reading; `--notify=false` turns off
    #[arg(long, num_args = 0..=1, default_value_t = false, default_missing_value = "true", value_name = "BOOL", action = clap::ArgAction::Set)]
    pub notify: bool,

    /// Most megabytes (MiB) of stored messages in history.db; the oldest are pruned past it,
    /// the largest author's first
    #[arg(long, value_name = "MB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_store_mb: u64,

    /// Most megabytes (MiB) of stored messages from any one author; their oldest are pruned
    /// past it
    #[arg(long, value_name = "MB", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_author_mb: u64,

    /// Stored messages older than this many days are pruned (and not offered to peers)
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub retention_days: u64,

    /// Put accepted files in DIR (default: the platform download directory)
    #[arg(long, value_name = "DIR")]
    pub download_dir: Option<PathBuf>,

    /// Refuse file offers larger than this many megabytes (MiB)
    #[arg(long, value_name = "MB", default_value_t = 16384, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub max_file_size_mb: u64,

    /// Send each file at most this many KiB per second (0: as fast as the network allows)
    #[arg(long, value_name = "KIB", default_value_t = 0)]
    pub max_transfer_rate_kib: u64,
}

/// `--time-format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TimeFormatArg {
    /// 14:05
    #[value(name = "24h")]
    H24,
    /// 14:05:09
    #[value(name = "24h-seconds")]
    H24Seconds,
    /// 2:05pm
    #[value(name = "12h")]
    H12,
}

/// `--theme` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    /// From COLORFGBG when the terminal sets it, else dark
    Auto,
    /// Light text on a dark background
    Dark,
    /// Dark text on a light background
    Light,
}

impl ThemeArg {
    /// The background this choice means (`auto` asks the environment).
    pub fn background(self) -> crate::tui::colors::Background {
        use crate::tui::colors::{detect, Background};
        match self {
            ThemeArg::Auto => detect::background_from_env(),
            ThemeArg::Dark => Background::Dark,
            ThemeArg::Light => Background::Light,
        }
    }
}

/// `--bell` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BellArg {
    /// Lines that name you, and private messages
    Mentions,
    /// Every message from someone else
    All,
    /// Never
    Off,
}

fn parse_peer(s: &str) -> Result<SocketAddr, String> {
    s.to_socket_addrs()
        .map_err(|e| format!("'{s}' is not HOST:PORT ({e})"))?
        .find(|a| a.is_ipv4())
        .ok_or_else(|| format!("'{s}' has no IPv4 address"))
}

impl Cli {
    /// Parses the command line, then fills what it did not give from the config file.
    pub fn load() -> Result<Cli, String> {
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.to_string())?;
        if cli.prints_and_exits() {
            return Ok(cli); // a broken config file must not stop `--man`
        }
        let (path, required) = match &cli.config {
            Some(p) => (Some(p.clone()), true),
            None => (config_file::default_path(), false),
        };
        if let Some(path) = path {
            let file = config_file::load(&path, required)?;
            cli.apply_settings(&matches, file)
                .map_err(|e| format!("config file {}: {e}", path.display()))?;
        }
        Ok(cli)
    }

    /// `--completions` or `--man`: print and exit, before any profile or network.
    pub fn prints_and_exits(&self) -> bool {
        self.completions.is_some() || self.man
    }

    /// Takes each setting from `file` unless the command line (or environment) gave it.
    pub fn apply_settings(&mut self, m: &ArgMatches, file: FileSettings) -> Result<(), String> {
        let given = |id: &str| {
            matches!(
                m.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        macro_rules! take {
            ($field:ident) => {
                if !given(stringify!($field)) {
                    if let Some(v) = file.$field {
                        self.$field = v;
                    }
                }
            };
        }
        take!(port);
        take!(bind);
        take!(discovery_port);
        take!(broadcast);
        take!(heartbeat_ms);
        take!(peer_timeout_ms);
        take!(proposal_ttl_secs);
        take!(log_level);
        take!(max_store_mb);
        take!(max_author_mb);
        take!(retention_days);
        take!(max_file_size_mb);
        take!(max_transfer_rate_kib);
        if !given("download_dir") && file.download_dir.is_some() {
            self.download_dir = file.download_dir;
        }
        if !given("name") && file.name.is_some() {
            self.name = file.name;
        }
        if !given("data_dir") && file.data_dir.is_some() {
            self.data_dir = file.data_dir;
        }
        if !given("peers") {
            if let Some(peers) = file.peers {
                self.peers = peers
                    .iter()
                    .map(|p| parse_peer(p))
                    .collect::<Result<_, _>>()?;
            }
        }
        if !given("time_format") {
            if let Some(t) = file.time_format {
                self.time_format = TimeFormatArg::from_str(&t, true).map_err(|_| {
                    format!("time_format must be 24h, 24h-seconds or 12h, not '{t}'")
                })?;
            }
        }
        if !given("theme") {
            if let Some(t) = file.theme {
                self.theme = ThemeArg::from_str(&t, true)
                    .map_err(|_| format!("theme must be auto, dark or light, not '{t}'"))?;
            }
        }
        if !given("bell") {
            if let Some(b) = file.bell {
                self.bell = BellArg::from_str(&b, true)
                    .map_err(|_| format!("bell must be mentions, all or off, not '{b}'"))?;
            }
        }
        take!(notify);
        if !given("no_color") && file.color == Some(false) {
            self.no_color = true;
        }
        if !given("no_mouse") && file.mouse == Some(false) {
            self.no_mouse = true;
        }
        Ok(())
    }

    /// The limits, with the store's quotas and retention from the flags.
    pub fn limits(&self) -> p2pchat_engine::limits::Limits {
        const MIB: u64 = 1024 * 1024;
        p2pchat_engine::limits::Limits {
            max_store_bytes: self.max_store_mb * MIB,
            max_author_bytes: self.max_author_mb * MIB,
            retention: std::time::Duration::from_secs(self.retention_days * 24 * 60 * 60),
            max_file_size: self.max_file_size_mb * MIB,
            transfer_rate: self.max_transfer_rate_kib.saturating_mul(1024),
            ..p2pchat_engine::limits::Limits::default()
        }
    }

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
        if !(50..=60_000).contains(&self.heartbeat_ms) {
            return Err(format!(
                "heartbeat of {} ms is out of range 50..=60000",
                self.heartbeat_ms
            ));
        }
        if !(100..=600_000).contains(&self.peer_timeout_ms) {
            return Err(format!(
                "peer timeout of {} ms is out of range 100..=600000",
                self.peer_timeout_ms
            ));
        }
        if !(5..=86_400).contains(&self.proposal_ttl_secs) {
            return Err(format!(
                "proposal lifetime of {} s is out of range 5..=86400",
                self.proposal_ttl_secs
            ));
        }
        for (flag, value, max) in [
            ("max_store_mb", self.max_store_mb, 1_000_000),
            ("max_author_mb", self.max_author_mb, 1_000_000),
            ("retention_days", self.retention_days, 3650),
            ("max_file_size_mb", self.max_file_size_mb, 65_536),
        ] {
            if !(1..=max).contains(&value) {
                return Err(format!("{flag} of {value} is out of range 1..={max}"));
            }
        }
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
mod tests;
