//! Terminal setup and restore: raw mode, alternate screen, bracketed paste, focus reports,
//! mouse capture, the window title; and the bytes of the alerts the model asks for.
//! Restore runs exactly once on every exit path: drop of the guard, a panic (hook), or an
//! explicit call from a signal handler path.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;

use super::model::attention::Alert;
use ratatui::Terminal;

/// Whether the terminal is currently in full-screen mode (and so needs restoring).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether mouse capture was turned on.
static MOUSE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// The ratatui terminal on standard output.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns full-screen mode; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    /// Enters full-screen mode. On failure the terminal is left as it was.
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        MOUSE.store(mouse, Ordering::SeqCst);
        let setup = (|| -> io::Result<Term> {
            let mut out = io::stdout();
            execute!(
                out,
                EnterAlternateScreen,
                EnableBracketedPaste,
                EnableFocusChange
            )?;
            // Keep the terminal's own title, to put it back at exit (xterm's title stack).
            let _ = out.write_all(PUSH_TITLE).and_then(|_| out.flush());
            if mouse {
                execute!(out, EnableMouseCapture)?;
            }
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.clear()?;
            Ok(terminal)
        })();
        match setup {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Turns mouse capture on or off (off for the copy view, so the terminal's selection works).
pub fn set_mouse_capture(out: &mut impl io::Write, on: bool) -> io::Result<()> {
    if on {
        execute!(out, EnableMouseCapture)
    } else {
        execute!(out, DisableMouseCapture)
    }
}

/// Leaves full-screen mode if it is on. Safe to call any number of times; errors are ignored
/// because the terminal may already be gone (SIGHUP).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = out.write_all(POP_TITLE);
    let _ = execute!(
        out,
        DisableFocusChange,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// Saves the window title on the terminal's title stack (`CSI 22 ; 0 t`).
const PUSH_TITLE: &[u8] = b"\x1b[22;0t";
/// Restores the saved window title (`CSI 23 ; 0 t`).
const POP_TITLE: &[u8] = b"\x1b[23;0t";

/// How desktop notifications are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyCode {
    /// `OSC 777 ; notify ; TITLE ; BODY BEL` (urxvt's; foot, Ghostty, WezTerm, VTE terminals).
    Osc777,
    /// `OSC 9 ; TEXT BEL` (iTerm2's; Windows Terminal, WezTerm, kitty).
    Osc9,
}

impl NotifyCode {
    /// OSC 9 in iTerm2 (which does not know OSC 777), OSC 777 elsewhere.
    pub fn from_env() -> NotifyCode {
        match std::env::var("TERM_PROGRAM").as_deref() {
            Ok("iTerm.app") => NotifyCode::Osc9,
            _ => NotifyCode::Osc777,
        }
    }
}

/// The bytes that carry `alert` to the terminal. Texts in alerts are already cleaned by the
/// model (no control characters); this cleans again so no alert can end its sequence early.
pub fn alert_bytes(alert: &Alert, code: NotifyCode) -> Vec<u8> {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| !p2pchat_engine::node::sanitize::is_unsafe_char(*c))
            .collect()
    };
    match alert {
        Alert::Bell => b"\x07".to_vec(),
        Alert::Title(title) => format!("\x1b]0;{}\x07", clean(title)).into_bytes(),
        Alert::Desktop { title, body } => match code {
            NotifyCode::Osc777 => format!(
                "\x1b]777;notify;{};{}\x07",
                clean(title).replace(';', ","),
                clean(body)
            )
            .into_bytes(),
            NotifyCode::Osc9 => {
                format!("\x1b]9;{}: {}\x07", clean(title), clean(body)).into_bytes()
            }
        },
    }
}

/// Writes `alerts` to the terminal (after a frame is drawn, so they never split one).
pub fn write_alerts(alerts: &[Alert], code: NotifyCode) -> io::Result<()> {
    if alerts.is_empty() {
        return Ok(());
    }
    let mut out = io::stdout();
    for alert in alerts {
        out.write_all(&alert_bytes(alert, code))?;
    }
    out.flush()
}

/// Restores the terminal before the default panic message is printed, so it is readable.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_single_sequences_that_nothing_inside_can_end() {
        assert_eq!(alert_bytes(&Alert::Bell, NotifyCode::Osc777), b"\x07");
        let title = Alert::Title("p2pchat-tui (1 unread)\x07\x1b]0;evil".into());
        assert_eq!(
            alert_bytes(&title, NotifyCode::Osc777),
            b"\x1b]0;p2pchat-tui (1 unread)]0;evil\x07"
        );
        let note = Alert::Desktop {
            title: "Bob; mentioned you".into(),
            body: "hi\x1b\\ Alice".into(),
        };
        assert_eq!(
            alert_bytes(&note, NotifyCode::Osc777),
            b"\x1b]777;notify;Bob, mentioned you;hi\\ Alice\x07"
        );
        assert_eq!(
            alert_bytes(&note, NotifyCode::Osc9),
            b"\x1b]9;Bob; mentioned you: hi\\ Alice\x07"
        );
    }
}
