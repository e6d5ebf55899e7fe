//! The keymap: own key type, the scopes consulted per mode/focus, and key -> [`Action`] lookup
//! over the table in [`super::bindings`].

use crossterm::event::{KeyCode as CtCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::bindings::{Scope, BINDINGS};
use super::state::Focus;
use Scope as S;

/// A key, independent of the terminal library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key with modifiers. Shift is folded into characters (`A`, `?`) and `BackTab`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: Code) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }
    pub const fn ctrl(code: Code) -> Key {
        Key {
            code,
            ctrl: true,
            alt: false,
        }
    }
    pub const fn alt(code: Code) -> Key {
        Key {
            code,
            ctrl: false,
            alt: true,
        }
    }

    /// Converts a crossterm key event; releases and unknown keys give `None`.
    pub fn from_crossterm(ev: &KeyEvent) -> Option<Key> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let code = match ev.code {
            CtCode::Char(c) => Code::Char(c),
            CtCode::Enter => Code::Enter,
            CtCode::Esc => Code::Esc,
            CtCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => Code::BackTab,
            CtCode::Tab => Code::Tab,
            CtCode::BackTab => Code::BackTab,
            CtCode::Backspace => Code::Backspace,
            CtCode::Delete => Code::Delete,
            CtCode::Left => Code::Left,
            CtCode::Right => Code::Right,
            CtCode::Up => Code::Up,
            CtCode::Down => Code::Down,
            CtCode::Home => Code::Home,
            CtCode::End => Code::End,
            CtCode::PageUp => Code::PageUp,
            CtCode::PageDown => Code::PageDown,
            CtCode::F(n) => Code::F(n),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// How help shows the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            Code::Char(' ') => "Space".to_string(),
            Code::Char(c) => c.to_string(),
            Code::Enter => "Enter".into(),
            Code::Esc => "Esc".into(),
            Code::Tab => "Tab".into(),
            Code::BackTab => "Shift-Tab".into(),
            Code::Backspace => "Backspace".into(),
            Code::Delete => "Delete".into(),
            Code::Left => "Left".into(),
            Code::Right => "Right".into(),
            Code::Up => "Up".into(),
            Code::Down => "Down".into(),
            Code::Home => "Home".into(),
            Code::End => "End".into(),
            Code::PageUp => "PgUp".into(),
            Code::PageDown => "PgDn".into(),
            Code::F(n) => format!("F{n}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{}", base.to_uppercase_if_letter()),
            (_, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

trait UpperLetter {
    fn to_uppercase_if_letter(&self) -> String;
}

impl UpperLetter for String {
    fn to_uppercase_if_letter(&self) -> String {
        if self.chars().count() == 1 {
            self.to_uppercase()
        } else {
            self.clone()
        }
    }
}

/// What the keymap needs to know about the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub focus: Focus,
    pub help_open: bool,
    pub copy_view: bool,
}

impl Mode {
    /// The mode `state` is in.
    pub fn of(state: &super::state::AppState) -> Mode {
        Mode {
            focus: state.focus,
            help_open: state.help.is_some(),
            copy_view: state.copy_view,
        }
    }
}

/// The scopes consulted for `mode`, in order.
fn scopes(mode: Mode) -> &'static [Scope] {
    if mode.copy_view {
        return &[S::CopyView];
    }
    if mode.help_open {
        return &[S::Help];
    }
    match mode.focus {
        Focus::Input => &[S::Input, S::Global],
        Focus::Peers => &[S::Peers, S::Panes, S::Global],
        Focus::Messages => &[S::Messages, S::Panes, S::Global],
        Focus::Proposals => &[S::Proposals, S::Panes, S::Global],
    }
}

/// The action for `key` in `mode`. Unbound printable characters type into the input.
pub fn lookup(mode: Mode, key: Key) -> Option<Action> {
    for scope in scopes(mode) {
        if let Some(b) = BINDINGS.iter().find(|b| b.scope == *scope && b.key == key) {
            return Some(b.action.clone());
        }
    }
    match key {
        Key {
            code: Code::Char(c),
            ctrl: false,
            alt: false,
        } if !mode.help_open => Some(Action::InsertChar(c)),
        // The copy view ends on any key; a letter also types (above): none is lost.
        _ if mode.copy_view => Some(Action::LeaveCopyView),
        _ => None,
    }
}

/// Help rows: (scope, keys joined with " / ", description), one per scope and description.
pub fn help_rows() -> Vec<(Scope, String, &'static str)> {
    let mut rows: Vec<(Scope, String, &'static str)> = Vec::new();
    for b in BINDINGS {
        match rows
            .iter_mut()
            .find(|(s, _, h)| *s == b.scope && *h == b.help)
        {
            Some(row) => {
                row.1.push_str(" / ");
                row.1.push_str(&b.key.label());
            }
            None => rows.push((b.scope, b.key.label(), b.help)),
        }
    }
    // What people look for first (quitting, voting) comes first.
    let order = [
        S::Global,
        S::Proposals,
        S::Input,
        S::Messages,
        S::Peers,
        S::Panes,
        S::Help,
        S::CopyView,
    ];
    rows.sort_by_key(|(scope, _, _)| order.iter().position(|o| o == scope).unwrap_or(order.len()));
    rows
}
