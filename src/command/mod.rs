//! The input-line language shared by the interactive interface and headless mode.
//!
//! A line that does not start with `/` is a signed message. `//text` sends `/text` literally.

use p2pchat_engine::api::NetCommand;
use std::net::SocketAddr;

/// A parsed input line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserCommand {
    /// Send a message (signed unless `signed` is false).
    Say {
        body: String,
        signed: bool,
    },
    List,
    Status,
    /// Network diagnostics (`/net`).
    Net,
    Crypto,
    Help,
    Quit,
    Connect(SocketAddr),
    Propose {
        enable: bool,
        threshold: Option<usize>,
        description: String,
    },
    Vote {
        proposal: String,
        approve: bool,
    },
    Proposals,
    /// A private message to one peer (name, fingerprint or id).
    Dm {
        to: String,
        body: String,
    },
    /// Show the last N stored lines.
    History(usize),
    Search(String),
    Verify(String),
    Trust {
        who: String,
        trusted: bool,
        /// The safety code's first digits, as the peer's screen shows them.
        code: Option<String>,
    },
    Block {
        who: String,
        blocked: bool,
    },
    /// Offer a file to one peer (`Some`) or to everyone connected (`None`).
    SendFile {
        to: Option<String>,
        path: String,
    },
    Accept {
        transfer: String,
        dir: Option<String>,
    },
    Decline(String),
    Cancel(String),
    Transfers,
    /// `/msg #room TEXT`: a message to one room without switching to it.
    SayIn {
        room: String,
        body: String,
        signed: bool,
    },
    Join(String),
    /// `/part [#room]`: without a room, the current one.
    Part(Option<String>),
    Rooms,
    /// `/who [#room]`: without a room, the current one.
    Who(Option<String>),
    Reply {
        msg_id: String,
        body: String,
    },
    React {
        msg_id: String,
        emoji: String,
    },
    Edit {
        msg_id: String,
        body: String,
    },
    Delete(String),
}

impl UserCommand {
    /// The network command this stands for; `None` for `/help`, which front ends answer
    /// themselves.
    pub fn to_net_command(self) -> Option<NetCommand> {
        self.to_net_command_in(p2pchat_engine::rooms::GENERAL)
    }

    /// The same, with `room` the current room: where a plain message goes and what `/part`
    /// and `/who` without a room mean (headless mode has no current room: `#general`).
    pub fn to_net_command_in(self, room: &str) -> Option<NetCommand> {
        Some(match self {
            UserCommand::Say { body, signed } if room == p2pchat_engine::rooms::GENERAL => {
                NetCommand::Send { body, signed }
            }
            UserCommand::Say { body, signed } => NetCommand::SendRoom {
                room: room.to_string(),
                body,
                signed,
            },
            UserCommand::SayIn { room, body, signed } => {
                NetCommand::SendRoom { room, body, signed }
            }
            UserCommand::Join(room) => NetCommand::Join { room },
            UserCommand::Part(r) => NetCommand::Part {
                room: r.unwrap_or_else(|| room.to_string()),
            },
            UserCommand::Rooms => NetCommand::ListRooms,
            UserCommand::Reply { msg_id, body } => NetCommand::Reply { msg_id, body },
            UserCommand::React { msg_id, emoji } => NetCommand::React { msg_id, emoji },
            UserCommand::Edit { msg_id, body } => NetCommand::Edit { msg_id, body },
            UserCommand::Delete(msg_id) => NetCommand::Delete { msg_id },
            UserCommand::Who(r) => NetCommand::Who {
                room: r.unwrap_or_else(|| room.to_string()),
            },
            UserCommand::List => NetCommand::ListPeers,
            UserCommand::Status => NetCommand::Status,
            UserCommand::Net => NetCommand::Net,
            UserCommand::Crypto => NetCommand::Identity,
            UserCommand::Quit => NetCommand::Quit,
            UserCommand::Connect(addr) => NetCommand::Connect { addr },
            UserCommand::Propose {
                enable,
                threshold,
                description,
            } => NetCommand::Propose {
                enable,
                threshold,
                description,
            },
            UserCommand::Vote { proposal, approve } => NetCommand::Vote { proposal, approve },
            UserCommand::Proposals => NetCommand::ListProposals,
            UserCommand::Dm { to, body } => NetCommand::SendDm { to, body },
            // The newest N lines (the interface asks for the N above what it shows instead).
            UserCommand::History(n) => NetCommand::History {
                before: None,
                limit: n,
                earlier_runs: false,
                room: None,
            },
            UserCommand::Search(text) => NetCommand::Search { text, room: None },
            UserCommand::Verify(who) => NetCommand::Verify { who },
            UserCommand::Trust { who, trusted, code } => NetCommand::Trust { who, trusted, code },
            UserCommand::Block { who, blocked } => NetCommand::Block { who, blocked },
            UserCommand::SendFile { to, path } => NetCommand::OfferFile { to, path },
            UserCommand::Accept { transfer, dir } => NetCommand::AcceptFile { transfer, dir },
            UserCommand::Decline(transfer) => NetCommand::DeclineFile { transfer },
            UserCommand::Cancel(transfer) => NetCommand::CancelFile { transfer },
            UserCommand::Transfers => NetCommand::ListTransfers,
            UserCommand::Help => return None,
        })
    }
}

mod list;
pub use list::{command_names, COMMANDS};

/// Parses one input line. `Ok(None)` for a blank line; `Err` is a one-line message for the user.
pub fn parse(line: &str) -> Result<Option<UserCommand>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return Ok(None);
    }
    if let Some(literal) = line.strip_prefix("//") {
        return Ok(Some(UserCommand::Say {
            body: format!("/{literal}"),
            signed: true,
        }));
    }
    let Some(rest) = line.strip_prefix('/') else {
        return Ok(Some(UserCommand::Say {
            body: line.to_string(),
            signed: true,
        }));
    };
    let (name, args) = match rest.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (rest, ""),
    };
    let needs_text = |signed: bool| {
        if args.is_empty() {
            Err(format!("/{name} needs a message: /{name} TEXT"))
        } else {
            Ok(Some(UserCommand::Say {
                body: args.to_string(),
                signed,
            }))
        }
    };
    let no_args = |cmd: UserCommand| {
        if args.is_empty() {
            Ok(Some(cmd))
        } else {
            Err(format!("/{name} takes no arguments"))
        }
    };
    match name {
        "msg" => crate::room_command::parse_msg(args).unwrap_or_else(|| needs_text(true)),
        "join" | "part" | "rooms" | "who" => crate::room_command::parse(name, args),
        "reply" | "react" | "edit" | "delete" => crate::room_command::parse_act(name, args),
        // An action travels as a signed message that starts with `/me ` (PROTOCOL.md §7.1).
        "me" if args.is_empty() => Err("/me needs an action: /me waves".into()),
        "me" => Ok(Some(UserCommand::Say {
            body: format!("{}{args}", p2pchat_engine::mention::ACTION_PREFIX),
            signed: true,
        })),
        "unsigned" => needs_text(false),
        "list" | "peers" => no_args(UserCommand::List),
        "status" => no_args(UserCommand::Status),
        "net" => no_args(UserCommand::Net),
        "crypto" => no_args(UserCommand::Crypto),
        "help" => no_args(UserCommand::Help),
        "quit" | "exit" => no_args(UserCommand::Quit),
        "proposals" => no_args(UserCommand::Proposals),
        "connect" => args
            .parse::<SocketAddr>()
            .map(|a| Some(UserCommand::Connect(a)))
            .map_err(|_| "usage: /connect HOST:PORT (an IP address and port)".to_string()),
        "propose" => parse_propose(args).map(Some),
        "dm" => match args.split_once(char::is_whitespace) {
            Some((to, body)) if !body.trim().is_empty() => Ok(Some(UserCommand::Dm {
                to: to.to_string(),
                body: body.trim_start().to_string(),
            })),
            _ => Err("usage: /dm NAME TEXT".into()),
        },
        "history" => match args {
            "" => Ok(Some(UserCommand::History(50))),
            n => n
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .map(|n| Some(UserCommand::History(n)))
                .ok_or_else(|| "usage: /history [N] (a positive number)".to_string()),
        },
        "search" if args.is_empty() => Err("usage: /search TEXT".into()),
        "search" => Ok(Some(UserCommand::Search(args.to_string()))),
        "verify" | "trust" | "untrust" | "block" | "unblock" if args.is_empty() => {
            Err(format!("usage: /{name} NAME (a name, fingerprint or id)"))
        }
        "verify" => Ok(Some(UserCommand::Verify(args.to_string()))),
        "trust" | "untrust" => {
            // `/trust NAME 12345`: a last word of digits is the safety code's beginning.
            let (who, code) = match args.rsplit_once(char::is_whitespace) {
                Some((who, code))
                    if name == "trust"
                        && code.len() >= 4
                        && code.chars().all(|c| c.is_ascii_digit()) =>
                {
                    (who.trim_end().to_string(), Some(code.to_string()))
                }
                _ => (args.to_string(), None),
            };
            Ok(Some(UserCommand::Trust {
                who,
                trusted: name == "trust",
                code,
            }))
        }
        "block" | "unblock" => Ok(Some(UserCommand::Block {
            who: args.to_string(),
            blocked: name == "block",
        })),
        "vote" => parse_vote(args).map(Some),
        "send" => match args.split_once(char::is_whitespace) {
            Some((to, path)) if !path.trim().is_empty() => Ok(Some(UserCommand::SendFile {
                to: Some(to.to_string()),
                path: path.trim().to_string(),
            })),
            _ => Err("usage: /send NAME PATH".into()),
        },
        "share" if args.is_empty() => Err("usage: /share PATH".into()),
        "share" => Ok(Some(UserCommand::SendFile {
            to: None,
            path: args.to_string(),
        })),
        "accept" => match args.split_once(char::is_whitespace) {
            Some((id, dir)) => Ok(Some(UserCommand::Accept {
                transfer: id.to_string(),
                dir: Some(dir.trim().to_string()),
            })),
            None if !args.is_empty() => Ok(Some(UserCommand::Accept {
                transfer: args.to_string(),
                dir: None,
            })),
            None => Err("usage: /accept ID [DIR]".into()),
        },
        "decline" | "cancel" if args.is_empty() || args.contains(char::is_whitespace) => {
            Err(format!("usage: /{name} ID"))
        }
        "decline" => Ok(Some(UserCommand::Decline(args.to_string()))),
        "cancel" => Ok(Some(UserCommand::Cancel(args.to_string()))),
        "transfers" => no_args(UserCommand::Transfers),
        _ => Err(format!("unknown command /{name}; type /help for the list")),
    }
}

fn parse_propose(args: &str) -> Result<UserCommand, String> {
    let mut enable = true;
    let mut threshold = None;
    let mut words = args.split_whitespace().peekable();
    let mut description = Vec::new();
    while let Some(w) = words.next() {
        match w {
            "--disable" => enable = false,
            "--threshold" => {
                let v = words.next().ok_or("--threshold needs a number")?;
                threshold = Some(parse_threshold(v)?);
            }
            _ if w.starts_with("--threshold=") => {
                threshold = Some(parse_threshold(&w["--threshold=".len()..])?);
            }
            _ => {
                description.push(w);
                description.extend(words.by_ref());
            }
        }
    }
    let description = if description.is_empty() {
        if enable {
            "Switch to secure-only mode"
        } else {
            "Return to open mode"
        }
        .to_string()
    } else {
        description.join(" ")
    };
    Ok(UserCommand::Propose {
        enable,
        threshold,
        description,
    })
}

fn parse_threshold(v: &str) -> Result<usize, String> {
    v.parse::<usize>()
        .map_err(|_| format!("threshold must be a whole number, not '{v}'"))
}

fn parse_vote(args: &str) -> Result<UserCommand, String> {
    let mut words = args.split_whitespace();
    let (Some(id), Some(choice), None) = (words.next(), words.next(), words.next()) else {
        return Err("usage: /vote ID approve|reject".into());
    };
    let approve = match choice {
        "approve" | "yes" | "y" => true,
        "reject" | "no" | "n" => false,
        _ => return Err(format!("vote must be approve or reject, not '{choice}'")),
    };
    Ok(UserCommand::Vote {
        proposal: id.to_string(),
        approve,
    })
}

#[cfg(test)]
mod tests;
