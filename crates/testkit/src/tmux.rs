//! Drives the real interactive binary inside a private tmux server: keys in with `send-keys`,
//! the screen out with `capture-pane`, always polled against a deadline.
//!
//! Each [`Tmux`] has its own server socket (`tmux -L`), so parallel tests never see each other's
//! sessions, and no user configuration is read (`-f /dev/null`). Dropping it kills the server,
//! which hangs up on (SIGHUP) whatever still runs in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Whether a usable tmux is installed; `Err(reason)` says why not.
pub fn available() -> Result<(), String> {
    match Command::new("tmux").arg("-V").output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!("`tmux -V` failed: {}", out.status)),
        Err(e) => Err(format!("tmux is not installed ({e})")),
    }
}

/// `true` (skip, with the reason printed) when tmux is missing; a failure under `CI=true`.
pub fn skip(test: &str) -> bool {
    match available() {
        Ok(()) => false,
        Err(why) => crate::prereq::missing(test, &why),
    }
}

/// The interactive program for `name` on loopback: its profile under `dir`, discovery on the
/// private port `discovery`, any free TCP port, plus `extra` flags.
pub fn chat_command(name: &str, dir: &Path, discovery: u16, extra: &[&str]) -> Vec<String> {
    let discovery = discovery.to_string();
    let mut command: Vec<String> = [
        crate::BIN.as_str(),
        "--name",
        name,
        "--data-dir",
        &dir.to_string_lossy(),
        "--broadcast",
        "127.255.255.255",
        "--discovery-port",
        &discovery,
        "--port",
        "0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    command.extend(extra.iter().map(|s| s.to_string()));
    command
}

/// A private tmux server with one session running one command in one pane.
pub struct Tmux {
    socket: String,
    session: String,
    status_file: PathBuf,
    /// The server's socket file, removed on drop (tmux 3.3a's kill-server leaves it).
    socket_path: Option<PathBuf>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Tmux {
    /// Starts `command` (program and arguments) in a detached `width` x `height` session.
    ///
    /// The program runs under `sh`, which writes its exit status to `status_file` when it ends
    /// ([`Tmux::exit_status`]): tmux 3.3a's own `#{pane_dead_status}` sometimes never arrives
    /// (the pane is marked dead but the program is left unreaped). The pane stays after the
    /// program exits, so its last screen can still be captured.
    pub fn start(
        label: &str,
        width: u16,
        height: u16,
        command: &[String],
        status_file: &Path,
    ) -> Tmux {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let mut tmux = Tmux {
            socket: format!("p2pchat-{label}-{}-{n}-{nanos}", std::process::id()),
            session: label.to_string(),
            status_file: status_file.to_path_buf(),
            socket_path: None,
        };
        let _ = std::fs::remove_file(status_file);
        let (w, h) = (width.to_string(), height.to_string());
        let mut args: Vec<&str> = vec![
            "new-session",
            "-d",
            "-x",
            &w,
            "-y",
            &h,
            "-s",
            &tmux.session,
            "sh",
            "-c",
            r#""$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0""#,
            status_file.to_str().expect("UTF-8 path"),
        ];
        args.extend(command.iter().map(String::as_str));
        // In the same server call, so it is set before the program could exit.
        args.extend([
            ";",
            "set-option",
            "-t",
            &tmux.session,
            "remain-on-exit",
            "on",
        ]);
        tmux.run(&args);
        let out = tmux.run(&["display-message", "-p", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        tmux.socket_path = (!path.is_empty()).then(|| PathBuf::from(path));
        tmux
    }

    /// The `-t` target of the session's pane.
    pub fn target(&self) -> String {
        format!("{}:0.0", self.session)
    }

    fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c
    }

    /// Runs a tmux command against this server; panics if it fails.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command().args(args).output().expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Types `text` literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.target(), "-l", text]);
    }

    /// Sends key names such as `Enter`, `Tab`, `C-q`, `Escape`, `F1`.
    pub fn keys(&self, keys: &[&str]) {
        let target = self.target();
        let mut args = vec!["send-keys", "-t", &target];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Pastes the contents of `file` as one bracketed paste (`paste-buffer -p`), as a terminal
    /// does when the program has asked for bracketed paste mode.
    pub fn paste_file(&self, file: &Path) {
        let file = file.to_str().expect("UTF-8 path");
        self.run(&["load-buffer", "-b", "e2e-paste", file]);
        self.run(&[
            "paste-buffer",
            "-p",
            "-d",
            "-b",
            "e2e-paste",
            "-t",
            &self.target(),
        ]);
    }

    /// Resizes the window (the program gets SIGWINCH).
    pub fn resize(&self, width: u16, height: u16) {
        self.run(&[
            "resize-window",
            "-t",
            &self.session,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// The screen as plain text, one line per row, trailing blanks trimmed.
    pub fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.target()]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with the rows the terminal wrapped joined back into lines (`capture-pane -J`):
    /// a line longer than the width comes back whole only if the program let the terminal
    /// wrap it (rather than breaking it into rows itself).
    pub fn capture_joined(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-J", "-t", &self.target()]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with colours and attributes as ANSI escapes (`capture-pane -e`).
    pub fn capture_ansi(&self) -> String {
        let out = self.run(&["capture-pane", "-e", "-p", "-t", &self.target()]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane's size in cells.
    pub fn size(&self) -> (u16, u16) {
        let out = self.run(&[
            "display-message",
            "-p",
            "-t",
            &self.target(),
            "#{pane_width} #{pane_height}",
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.split_whitespace().map(|s| s.parse().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    }

    /// `None` while the program runs, then its exit status (128 + N if signal N ended it).
    pub fn exit_status(&self) -> Option<i32> {
        let text = std::fs::read_to_string(&self.status_file).ok()?;
        Some(text.trim().parse().expect("a number in the status file"))
    }

    /// Polls the screen until `pred` holds; panics (showing the screen) at the deadline or
    /// if the program exits first.
    pub fn wait_screen(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if let Some(status) = self.exit_status() {
                panic!(
                    "the program exited ({status:?}) while waiting for {what}; screen:\n{}",
                    self.capture()
                );
            }
            if Instant::now() >= deadline {
                panic!("no {what} on screen within {timeout:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits for the program to exit; returns its exit status.
    pub fn wait_exit(&self, timeout: Duration) -> i32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exit_status() {
                return status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the program did not exit within {timeout:?}; screen:\n{}",
                    self.capture()
                );
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .command()
            .arg("kill-server")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}
