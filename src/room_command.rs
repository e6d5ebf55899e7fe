//! The room commands of the input-line language: `/join`, `/part`, `/rooms`, `/who` and the
//! `/msg #room TEXT` form. Names are checked here so a bad one is refused before it is sent.

use crate::command::UserCommand;
use p2pchat_engine::rooms::RoomName;

/// A room argument, checked: `Err` is the one-line reason.
fn room_arg(name: &str, arg: &str) -> Result<String, String> {
    RoomName::parse(arg)
        .map(|r| r.to_string())
        .map_err(|e| format!("/{name} {arg}: {e}"))
}

/// `/join`, `/part`, `/rooms`, `/who` with their arguments.
pub fn parse(name: &str, args: &str) -> Result<Option<UserCommand>, String> {
    let one_word = args.split_whitespace().count() <= 1;
    let cmd = match (name, args) {
        ("join", "") => return Err("usage: /join #ROOM".into()),
        ("join", room) if one_word => UserCommand::Join(room_arg(name, room)?),
        ("part", "") => UserCommand::Part(None),
        ("part", room) if one_word => UserCommand::Part(Some(room_arg(name, room)?)),
        ("who", "") => UserCommand::Who(None),
        ("who", room) if one_word => UserCommand::Who(Some(room_arg(name, room)?)),
        ("rooms", "") => UserCommand::Rooms,
        ("rooms", _) => return Err("/rooms takes no arguments".into()),
        _ => return Err(format!("usage: /{name} #ROOM (one room name)")),
    };
    Ok(Some(cmd))
}

/// `/reply MSG_ID TEXT`, `/react MSG_ID EMOJI`, `/edit MSG_ID TEXT`, `/delete MSG_ID`.
pub fn parse_act(name: &str, args: &str) -> Result<Option<UserCommand>, String> {
    let (id, rest) = match args.split_once(char::is_whitespace) {
        Some((id, rest)) => (id.to_string(), rest.trim()),
        None => (args.to_string(), ""),
    };
    let cmd = match name {
        _ if id.is_empty() => None,
        "react" if !rest.is_empty() && !rest.contains(char::is_whitespace) => {
            Some(UserCommand::React {
                msg_id: id,
                emoji: rest.to_string(),
            })
        }
        "reply" if !rest.is_empty() => Some(UserCommand::Reply {
            msg_id: id,
            body: rest.to_string(),
        }),
        "edit" if !rest.is_empty() => Some(UserCommand::Edit {
            msg_id: id,
            body: rest.to_string(),
        }),
        "delete" if rest.is_empty() => Some(UserCommand::Delete(id)),
        _ => None,
    };
    let usage = match name {
        "react" => "usage: /react MSG_ID EMOJI",
        "edit" => "usage: /edit MSG_ID TEXT",
        "reply" => "usage: /reply MSG_ID TEXT",
        _ => "usage: /delete MSG_ID",
    };
    cmd.map(Some).ok_or_else(|| usage.to_string())
}

/// `/msg #room TEXT` when the first word is a room name; `None` for `/msg TEXT`. A first
/// word that looks like a room but is not a valid name is an error (not sent to #general).
pub fn parse_msg(args: &str) -> Option<Result<Option<UserCommand>, String>> {
    let first = args.split_whitespace().next()?;
    if !first.starts_with('#') || first.len() == 1 {
        return None;
    }
    let body = args[first.len()..].trim_start();
    Some(match room_arg("msg", first) {
        Ok(_) if body.is_empty() => Err(format!("/msg {first} needs a message")),
        Ok(room) => Ok(Some(UserCommand::SayIn {
            room,
            body: body.to_string(),
            signed: true,
        })),
        Err(e) => Err(e),
    })
}

#[cfg(test)]
mod tests {
    use crate::command::{parse, UserCommand};

    #[test]
    fn room_commands_parse_and_refuse_bad_names_in_one_line() {
        assert_eq!(
            parse("/join #dev"),
            Ok(Some(UserCommand::Join("#dev".into())))
        );
        assert_eq!(parse("/part"), Ok(Some(UserCommand::Part(None))));
        assert_eq!(
            parse("/part #dev"),
            Ok(Some(UserCommand::Part(Some("#dev".into()))))
        );
        assert_eq!(parse("/rooms"), Ok(Some(UserCommand::Rooms)));
        assert_eq!(parse("/who"), Ok(Some(UserCommand::Who(None))));
        let err = parse("/join #Dev").unwrap_err();
        assert!(err.contains("lower-case") && !err.contains('\n'), "{err}");
        assert!(parse("/join dev").unwrap_err().contains("starts with '#'"));
        assert!(parse("/join").is_err());
        assert_eq!(
            parse("/msg #dev hello there"),
            Ok(Some(UserCommand::SayIn {
                room: "#dev".into(),
                body: "hello there".into(),
                signed: true
            }))
        );
        assert!(parse("/msg #dev").is_err());
        assert!(parse("/msg #BAD hi").is_err());
        assert!(matches!(
            parse("/msg # is a hash"),
            Ok(Some(UserCommand::Say { .. }))
        ));
    }

    #[test]
    fn react_edit_delete_take_a_message_id() {
        assert_eq!(
            parse("/react ab:1 👍"),
            Ok(Some(UserCommand::React {
                msg_id: "ab:1".into(),
                emoji: "👍".into()
            }))
        );
        assert_eq!(
            parse("/edit ab:1 the new text"),
            Ok(Some(UserCommand::Edit {
                msg_id: "ab:1".into(),
                body: "the new text".into()
            }))
        );
        assert_eq!(
            parse("/delete ab:1"),
            Ok(Some(UserCommand::Delete("ab:1".into())))
        );
        assert!(parse("/react ab:1").is_err());
        assert!(parse("/delete").is_err());
        assert!(parse("/delete ab:1 extra").is_err());
    }

    #[test]
    fn the_current_room_decides_where_plain_text_goes() {
        use p2pchat_engine::api::NetCommand;
        let say = parse("hi").unwrap().unwrap();
        assert!(matches!(
            say.clone().to_net_command(),
            Some(NetCommand::Send { .. })
        ));
        assert_eq!(
            say.to_net_command_in("#dev"),
            Some(NetCommand::SendRoom {
                room: "#dev".into(),
                body: "hi".into(),
                signed: true
            })
        );
        assert_eq!(
            UserCommand::Part(None).to_net_command_in("#dev"),
            Some(NetCommand::Part {
                room: "#dev".into()
            })
        );
    }
}
