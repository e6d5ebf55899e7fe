//! Tests of the command line: defaults, ranges, conflicts and what each flag turns into.

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
fn flags_win_over_the_config_file() {
    let m = Cli::command()
        .try_get_matches_from(["p2pchat-tui", "--port", "7000", "--no-mouse"])
        .unwrap();
    let mut cli = Cli::from_arg_matches(&m).unwrap();
    let file = crate::config_file::parse(
        "port = 9000\nname = \"Zed\"\ndiscovery_port = 4000\nmouse = true\ncolor = false\ntime_format = \"12h\"\npeers = [\"127.0.0.1:5\"]\n",
        "t",
    )
    .unwrap();
    cli.apply_settings(&m, file).unwrap();
    assert_eq!(cli.port, 7000, "flag wins");
    assert_eq!(cli.name.as_deref(), Some("Zed"), "file fills the rest");
    assert_eq!(cli.discovery_port, 4000);
    assert!(cli.no_mouse && cli.no_color);
    assert_eq!(cli.time_format, TimeFormatArg::H12);
    assert_eq!(cli.peers, vec!["127.0.0.1:5".parse().unwrap()]);
    assert_eq!(
        cli.limits(),
        p2pchat_engine::limits::Limits::default(),
        "defaults agree"
    );
    let quota = crate::config_file::parse(
        "max_store_mb = 5\nmax_author_mb = 2\nretention_days = 7\n",
        "t",
    )
    .unwrap();
    cli.apply_settings(&m, quota).unwrap();
    assert_eq!(cli.limits().max_store_bytes, 5 * 1024 * 1024);
    assert_eq!(cli.limits().max_author_bytes, 2 * 1024 * 1024);
    assert_eq!(cli.limits().retention.as_secs(), 7 * 86_400);
    let zero = crate::config_file::parse("retention_days = 0\n", "t").unwrap();
    cli.apply_settings(&m, zero).unwrap();
    assert!(cli.validate().unwrap_err().contains("retention_days"));
    let alerts = crate::config_file::parse("bell = \"all\"\nnotify = true\n", "t").unwrap();
    cli.apply_settings(&m, alerts).unwrap();
    assert_eq!(cli.bell, BellArg::All);
    assert!(cli.notify);
    let loud = crate::config_file::parse("bell = \"loud\"\n", "t").unwrap();
    assert!(cli.apply_settings(&m, loud).unwrap_err().contains("loud"));
    let bad = crate::config_file::parse("time_format = \"sundial\"\n", "t").unwrap();
    assert!(cli.apply_settings(&m, bad).unwrap_err().contains("sundial"));
    let light = crate::config_file::parse("theme = \"light\"\n", "t").unwrap();
    cli.apply_settings(&m, light).unwrap();
    assert_eq!(cli.theme, ThemeArg::Light);
    let sepia = crate::config_file::parse("theme = \"sepia\"\n", "t").unwrap();
    assert!(cli.apply_settings(&m, sepia).unwrap_err().contains("sepia"));
}

#[test]
fn bell_and_notify_flags() {
    let cli = Cli::try_parse_from(["p2pchat-tui"]).unwrap();
    assert_eq!((cli.bell, cli.notify), (BellArg::Mentions, false));
    let cli = Cli::try_parse_from(["p2pchat-tui", "--bell", "off", "--notify"]).unwrap();
    assert_eq!((cli.bell, cli.notify), (BellArg::Off, true));
    let cli = Cli::try_parse_from(["p2pchat-tui", "--notify=false"]).unwrap();
    assert!(!cli.notify);
    assert!(Cli::try_parse_from(["p2pchat-tui", "--bell", "loud"]).is_err());
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
