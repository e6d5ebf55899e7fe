//! The config file (`config.toml` in the platform config directory, or `--config FILE`):
//! defaults for the flags. A flag given on the command line always wins.

use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

/// Everything the file may set. Unknown keys are errors, so typos do not pass silently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub name: Option<String>,
    pub port: Option<u16>,
    pub bind: Option<IpAddr>,
    pub discovery_port: Option<u16>,
    pub broadcast: Option<Vec<Ipv4Addr>>,
    /// `HOST:PORT` strings, resolved like `--peer`.
    pub peers: Option<Vec<String>>,
    pub heartbeat_ms: Option<u64>,
    pub peer_timeout_ms: Option<u64>,
    pub proposal_ttl_secs: Option<u64>,
    pub data_dir: Option<PathBuf>,
    pub log_level: Option<String>,
    /// `24h`, `24h-seconds` or `12h`.
    pub time_format: Option<String>,
    pub color: Option<bool>,
    pub mouse: Option<bool>,
    /// `auto`, `dark` or `light`.
    pub theme: Option<String>,
    /// `mentions`, `all` or `off`.
    pub bell: Option<String>,
    pub notify: Option<bool>,
    /// `--max-store-mb`, `--max-author-mb`, `--retention-days`.
    pub max_store_mb: Option<u64>,
    pub max_author_mb: Option<u64>,
    pub retention_days: Option<u64>,
    /// `--download-dir`, `--max-file-size-mb`.
    pub download_dir: Option<PathBuf>,
    pub max_file_size_mb: Option<u64>,
    pub max_transfer_rate_kib: Option<u64>,
}

/// `config.toml` in the platform's config directory (`~/.config/p2pchat-tui/` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "p2pchat-tui")
        .map(|p| p.config_dir().join("config.toml"))
}

/// Reads the file at `path`. A missing file is empty settings unless `required` (it was named
/// with `--config`). Errors are one line naming the file and, for syntax errors, the line.
pub fn load(path: &Path, required: bool) -> Result<FileSettings, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            Ok(FileSettings::default())
        }
        Err(e) => Err(format!("cannot read config file {}: {e}", path.display())),
    }
}

/// Parses config text; `shown` names the file in errors.
pub fn parse(text: &str, shown: &str) -> Result<FileSettings, String> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().replace('\n', " ");
        match line {
            Some(n) => format!("config file {shown}, line {n}: {message}"),
            None => format!("config file {shown}: {message}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example the project ships (assets/) parses, with the flags' defaults, and with every
    /// commented-out key uncommented too: it cannot drift from what the program reads.
    #[test]
    fn the_shipped_example_config_parses_and_names_every_key() {
        let text = include_str!("../assets/config.example.toml");
        let s = parse(text, "config.example.toml").unwrap();
        let cli = <crate::cli::Cli as clap::Parser>::parse_from(["p2pchat-tui"]);
        assert_eq!(s.port, Some(cli.port));
        assert_eq!(s.max_store_mb, Some(cli.max_store_mb));
        assert_eq!(s.retention_days, Some(cli.retention_days));
        let all: String = text
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.contains(" = "))
                    .unwrap_or(l)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let every = parse(&all, "config.example.toml (all keys)").unwrap();
        assert!(every.name.is_some() && every.bind.is_some() && every.data_dir.is_some());
        assert!(every.peers.is_some() && every.broadcast.is_some());
        assert_eq!(s.bell.as_deref(), Some("mentions"));
        assert_eq!(s.notify, Some(cli.notify));
    }

    #[test]
    fn a_full_file_parses() {
        let s = parse(
            "name = \"Alice\"\nport = 9000\nbroadcast = [\"127.255.255.255\"]\ntime_format = \"12h\"\ncolor = false\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(s.name.as_deref(), Some("Alice"));
        assert_eq!(s.port, Some(9000));
        assert_eq!(s.broadcast, Some(vec![Ipv4Addr::new(127, 255, 255, 255)]));
        assert_eq!(s.color, Some(false));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = parse("name = \"A\"\nport = \"high\"\n", "c.toml").unwrap_err();
        assert!(e.starts_with("config file c.toml, line 2:"), "{e}");
        let e = parse("name = \"A\"\n\ncolour = true\n", "c.toml").unwrap_err();
        assert!(e.contains("line 3") && e.contains("colour"), "{e}");
        let e = parse("name = \n", "c.toml").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn missing_file_is_fine_unless_named() {
        let p = Path::new("/nonexistent/p2pchat/config.toml");
        assert_eq!(load(p, false).unwrap(), FileSettings::default());
        assert!(load(p, true)
            .unwrap_err()
            .contains("cannot read config file"));
    }
}
