//! Shell completions and the manual page, generated from the clap definitions in
//! [`crate::cli`]: printed by `--completions SHELL` and `--man`, and committed under assets/
//! ([`COMMITTED`]; a test regenerates them and compares, so they cannot drift).

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The program name the scripts complete and the page documents.
const BIN: &str = "p2pchat-tui";

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    out
}

/// Sections clap does not know: keys, environment, files.
const EXTRA_SECTIONS: &str = r#".SH KEYS
In the interface: \fBEnter\fR sends, \fBTab\fR/\fBShift\-Tab\fR move between panes,
\fBF1\fR or \fB?\fR shows every key and command, \fBCtrl\-Y\fR/\fBCtrl\-N\fR vote in the
proposals pane, \fBF2\fR shows the messages bare for copying with the terminal's selection,
\fBCtrl\-Q\fR quits. A click focuses the pane under the pointer and selects a peer or a
proposal; the wheel scrolls the pane under it.
.SH ENVIRONMENT
.TP
\fBP2PCHAT_NAME\fR
The display name, as \fB\-\-name\fR.
.TP
\fBNO_COLOR\fR
When set and not empty, no colours (as \fB\-\-no\-color\fR).
.TP
\fBTERM\fR, \fBCOLORTERM\fR
How many colours the terminal shows: \fBCOLORTERM=truecolor\fR means RGB; otherwise
terminfo's \fIcolors\fR for \fBTERM\fR (8 for \fBTERM=xterm\fR, which then gets only the
8 basic colours).
.TP
\fBCOLORFGBG\fR
With \fB\-\-theme auto\fR, whether the background is dark or light.
.SH FILES
.TP
\fI~/.config/p2pchat\-tui/config.toml\fR
Settings: the flags' defaults (\fB\-\-config\fR names another file).
.TP
\fI~/.local/share/p2pchat\-tui/profiles/NAME/\fR
One profile per name: \fIidentity.key\fR (the Ed25519 key), \fIhistory.db\fR (every line
shown), \fIstate.json\fR, \fIp2pchat.log\fR.
.SH NETWORK
Discovery sends UDP broadcasts on every interface; to try it on one machine without
touching the network use \fB\-\-broadcast 127.255.255.255\fR.
"#;

/// The manual page (roff).
pub fn man_page() -> Vec<u8> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    out.extend_from_slice(EXTRA_SECTIONS.as_bytes());
    let _ = man.render_version_section(&mut out);
    out
}

/// The generated files committed in the repository: (path from the root, contents).
pub const COMMITTED: &[(&str, Generated)] = &[
    ("assets/p2pchat-tui.1", Generated::Man),
    (
        "assets/completions/p2pchat-tui.bash",
        Generated::Completions(Shell::Bash),
    ),
    (
        "assets/completions/_p2pchat-tui",
        Generated::Completions(Shell::Zsh),
    ),
    (
        "assets/completions/p2pchat-tui.fish",
        Generated::Completions(Shell::Fish),
    ),
    (
        "assets/completions/_p2pchat-tui.ps1",
        Generated::Completions(Shell::PowerShell),
    ),
    (
        "assets/completions/p2pchat-tui.elv",
        Generated::Completions(Shell::Elvish),
    ),
];

/// What a committed file is generated from.
#[derive(Clone, Copy, Debug)]
pub enum Generated {
    Man,
    Completions(Shell),
}

impl Generated {
    pub fn render(self) -> Vec<u8> {
        match self {
            Generated::Man => man_page(),
            Generated::Completions(shell) => completions(shell),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_flags() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let text = String::from_utf8(completions(shell)).unwrap();
            for flag in ["discovery-port", "broadcast", "theme", "completions"] {
                assert!(text.contains(flag), "{shell}: no {flag}");
            }
        }
    }

    #[test]
    fn the_man_page_has_the_usual_sections() {
        let text = String::from_utf8(man_page()).unwrap();
        for section in [
            ".TH",
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH OPTIONS",
            ".SH ENVIRONMENT",
        ] {
            assert!(text.contains(section), "no {section}");
        }
        assert!(text.contains("discovery\\-port"));
    }
}
