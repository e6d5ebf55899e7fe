//! Tests of the input-line parser: plain text, escapes, each command's arguments and errors.

use super::*;

fn say(body: &str, signed: bool) -> Option<UserCommand> {
    Some(UserCommand::Say {
        body: body.into(),
        signed,
    })
}

#[test]
fn plain_text_and_message_commands() {
    assert_eq!(parse("hello there"), Ok(say("hello there", true)));
    assert_eq!(parse("/msg hi"), Ok(say("hi", true)));
    assert_eq!(parse("/unsigned hi you"), Ok(say("hi you", false)));
    assert_eq!(parse("//etc"), Ok(say("/etc", true)));
    assert_eq!(parse("   "), Ok(None));
    assert!(parse("/unsigned").unwrap_err().contains("needs a message"));
}

#[test]
fn simple_commands_and_errors() {
    assert_eq!(parse("/list"), Ok(Some(UserCommand::List)));
    assert_eq!(parse("/quit"), Ok(Some(UserCommand::Quit)));
    assert!(parse("/list x").is_err());
    assert!(parse("/bogus")
        .unwrap_err()
        .contains("unknown command /bogus"));
    assert_eq!(
        parse("/connect 127.0.0.1:9000"),
        Ok(Some(UserCommand::Connect(
            "127.0.0.1:9000".parse().unwrap()
        )))
    );
    assert!(parse("/connect nowhere").is_err());
}

#[test]
fn propose_and_vote() {
    assert_eq!(
        parse("/propose --threshold 2 lock it down"),
        Ok(Some(UserCommand::Propose {
            enable: true,
            threshold: Some(2),
            description: "lock it down".into()
        }))
    );
    assert!(matches!(
        parse("/propose --disable"),
        Ok(Some(UserCommand::Propose {
            enable: false,
            threshold: None,
            ..
        }))
    ));
    assert!(parse("/propose --threshold x").is_err());
    assert_eq!(
        parse("/vote ab12 approve"),
        Ok(Some(UserCommand::Vote {
            proposal: "ab12".into(),
            approve: true
        }))
    );
    assert!(parse("/vote ab12 maybe").is_err());
    assert!(parse("/vote").is_err());
}

#[test]
fn dm_history_search_and_trust_commands() {
    assert_eq!(
        parse("/dm Bob hi there"),
        Ok(Some(UserCommand::Dm {
            to: "Bob".into(),
            body: "hi there".into()
        }))
    );
    assert!(parse("/dm Bob").is_err());
    assert_eq!(parse("/history"), Ok(Some(UserCommand::History(50))));
    assert_eq!(parse("/history 5"), Ok(Some(UserCommand::History(5))));
    assert!(parse("/history x").is_err());
    assert_eq!(
        parse("/search a b"),
        Ok(Some(UserCommand::Search("a b".into())))
    );
    assert_eq!(
        parse("/untrust ab12:cd34"),
        Ok(Some(UserCommand::Trust {
            who: "ab12:cd34".into(),
            trusted: false,
            code: None
        }))
    );
    assert_eq!(
        parse("/trust Bob Smith 12345"),
        Ok(Some(UserCommand::Trust {
            who: "Bob Smith".into(),
            trusted: true,
            code: Some("12345".into())
        }))
    );
    assert_eq!(
        parse("/block Eve"),
        Ok(Some(UserCommand::Block {
            who: "Eve".into(),
            blocked: true
        }))
    );
    assert!(parse("/verify").is_err());
}

#[test]
fn completion_names() {
    let names: Vec<_> = command_names().collect();
    assert!(names.contains(&"/unsigned") && names.contains(&"/quit"));
}
