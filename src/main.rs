//! The binary edge: parse flags, open the profile, start logging and the network actor, then
//! run the chosen front end. Errors end here as one line on stderr.
#![allow(clippy::print_stderr)]

use p2pchat_engine::limits::Timing;
use p2pchat_runtime::{self as net, NetConfig};
use p2pchat_tui::cli::{BellArg, Cli, TimeFormatArg};
use p2pchat_tui::key_file;
use p2pchat_tui::profile::{self, Profile};
use p2pchat_tui::tui::model::attention::BellMode;
use p2pchat_tui::tui::model::TimeFormat;
use p2pchat_tui::tui::TuiOptions;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = match Cli::load() {
        Ok(cli) => cli,
        Err(message) => {
            eprintln!("p2pchat-tui: {message}");
            return ExitCode::FAILURE;
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("p2pchat-tui: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `--completions SHELL` and `--man`: the generated text on standard output.
fn print_generated(cli: &Cli) -> Result<(), String> {
    let text = match cli.completions {
        Some(shell) => p2pchat_tui::shell_assets::completions(shell),
        None => p2pchat_tui::shell_assets::man_page(),
    };
    std::io::stdout()
        .write_all(&text)
        .map_err(|e| format!("cannot write to standard output: {e}"))
}

fn run(cli: Cli) -> Result<(), String> {
    if cli.prints_and_exits() {
        return print_generated(&cli);
    }
    cli.validate()?;
    if !cli.headless && !p2pchat_tui::tui::stdout_is_terminal() {
        return Err("standard output is not a terminal; use --headless for JSON lines".into());
    }
    let name = cli.display_name();
    let base = profile::base_dir(cli.data_dir.as_deref()).map_err(|e| e.to_string())?;
    let profile = Profile::open(&base, &name).map_err(|e| e.to_string())?;
    p2pchat_tui::logging::init(&profile.log_path(), &cli.log_level)
        .map_err(|e| format!("cannot open log file {}: {e}", profile.log_path().display()))?;
    let identity = key_file::load_or_create(&profile.key_path()).map_err(|e| e.to_string())?;
    tracing::info!(name = %name, id = %identity.id(), "starting");
    let (name_for_ui, id_hex) = (name.clone(), identity.id().to_hex());
    let timing = Timing {
        heartbeat: Duration::from_millis(cli.heartbeat_ms),
        peer_timeout: Duration::from_millis(cli.peer_timeout_ms),
        proposal_ttl: Duration::from_secs(cli.proposal_ttl_secs),
        ..Timing::default()
    };
    let cfg = NetConfig {
        name,
        bind: cli.bind,
        port: cli.port,
        discovery_port: cli.discovery_port,
        broadcast: cli.broadcast.clone(),
        peers: cli.peers.clone(),
        limits: cli.limits(),
        timing,
        state_file: Some(profile.state_path()),
        key_file: profile.key_path().display().to_string(),
        history: Some(profile.history_path()),
        // IPv6 multicast discovery only on real networks: never with --broadcast (loopback
        // runs and every test), where multicast could leave the machine.
        reach: net::ReachOptions {
            interfaces: cli.interfaces.clone(),
            ipv6_discovery: cli.broadcast.is_empty() && !cli.no_ipv6_discovery,
        },
        download_dir: Some(cli.download_dir.clone().unwrap_or_else(|| {
            directories::UserDirs::new()
                .and_then(|u| u.download_dir().map(|d| d.to_path_buf()))
                .unwrap_or_else(|| base.join("downloads"))
        })),
    };
    let saved_path = profile.dir().join(p2pchat_tui::tui::saved::FILE_NAME);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let (handle, events, actor) = net::start(identity, cfg).await.map_err(|e| e.to_string())?;
        let result = if cli.headless {
            p2pchat_tui::headless::run(handle, events).await
        } else {
            let defaults = TuiOptions::default();
            let opts = TuiOptions {
                name: Some(name_for_ui),
                id: Some(id_hex),
                time_format: match cli.time_format {
                    TimeFormatArg::H24 => TimeFormat::TwentyFourHour,
                    TimeFormatArg::H24Seconds => TimeFormat::WithSeconds,
                    TimeFormatArg::H12 => TimeFormat::TwelveHour,
                },
                color: defaults.color && !cli.no_color,
                color_depth: p2pchat_tui::tui::colors::detect(),
                background: cli.theme.background(),
                mouse: !cli.no_mouse,
                bell: match cli.bell {
                    BellArg::Mentions => BellMode::Mentions,
                    BellArg::All => BellMode::All,
                    BellArg::Off => BellMode::Off,
                },
                notify: cli.notify,
                saved_path: Some(saved_path),
                ..defaults
            };
            p2pchat_tui::tui::run(handle, events, opts).await
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), actor).await;
        result.map_err(|e| format!("front end failed: {e}"))
    })?;
    drop(profile);
    Ok(())
}
