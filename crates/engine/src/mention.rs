//! What a chat text says about its reader: whether it names someone (a mention) and whether it
//! is an action (`/me waves`). Pure text rules shared by the node's events and both front ends.

/// A message body that starts with this is an action: `/me waves` is shown `* Alice waves`.
/// It travels as an ordinary signed message, so a peer that does not know the form shows the
/// text as typed, which still reads well.
pub const ACTION_PREFIX: &str = "/me ";

/// The action text of `body` (`waves` for `/me waves`), or `None` when it is not an action.
/// An action with nothing after the prefix is no action.
pub fn action_text(body: &str) -> Option<&str> {
    body.strip_prefix(ACTION_PREFIX)
        .filter(|rest| !rest.trim().is_empty())
}

/// Whether `body` names `name`: the name as a whole word, compared case-insensitively, with
/// or without a leading `@`. "A whole word" means the characters just before and just after
/// it are not letters, digits or `_` (so `Al` is not named by `Alice`, nor `Alice` by
/// `Alice2`). An empty name is never mentioned.
pub fn mentions(body: &str, name: &str) -> bool {
    let name: Vec<char> = name.trim().chars().flat_map(char::to_lowercase).collect();
    if name.is_empty() {
        return false;
    }
    let text: Vec<char> = body.chars().flat_map(char::to_lowercase).collect();
    if text.len() < name.len() {
        return false;
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    (0..=text.len() - name.len()).any(|at| {
        text[at..at + name.len()] == name[..]
            && (at == 0 || !word(text[at - 1]) || !word(name[0]))
            && text
                .get(at + name.len())
                .is_none_or(|&next| !word(next) || !word(name[name.len() - 1]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_mentioned_as_a_whole_word_in_any_case() {
        assert!(mentions("hi Alice", "Alice"));
        assert!(mentions("ALICE: look", "alice"));
        assert!(mentions("@alice what do you think?", "Alice"));
        assert!(mentions("ask alice.", "Alice"));
        assert!(mentions("Anne Marie, hello", "Anne Marie"));
        assert!(!mentions("Alicea and Malice", "Alice"));
        assert!(!mentions("alice_bob", "Alice"));
        assert!(!mentions("Alice2 is here", "Alice"));
        assert!(!mentions("hello", ""));
        assert!(!mentions("", "Alice"));
        // Names of symbols only: the symbols themselves bound the match.
        assert!(mentions("ping :-) now", ":-)"));
        // Lower-casing that changes lengths does not panic or misalign.
        assert!(mentions("İstanbul and Zoë", "zoë"));
    }

    proptest::proptest! {
        /// Any text and name: no panic; a name set apart by spaces is always found, in any case.
        #[test]
        fn any_text_is_safe_and_a_spaced_name_is_found(
            before in "\\PC{0,20}", name in "\\PC{0,12}", after in "\\PC{0,20}"
        ) {
            let _ = mentions(&before, &name);
            let _ = action_text(&before);
            let body = format!("{before} {} {after}", name.to_uppercase());
            let spaced = !name.trim().is_empty() && name.trim() == name;
            // Upper-casing can change a name's letters beyond what lower-casing folds back
            // (`ß` → `SS`), so only names that round-trip are required to match.
            let round_trips = name.to_uppercase().to_lowercase() == name.to_lowercase();
            if spaced && round_trips {
                proptest::prop_assert!(mentions(&body, &name), "{body:?} {name:?}");
            }
        }
    }

    #[test]
    fn an_action_is_the_prefix_and_some_text() {
        assert_eq!(action_text("/me waves"), Some("waves"));
        assert_eq!(action_text("/me  "), None);
        assert_eq!(action_text("/meet at noon"), None);
        assert_eq!(action_text("me waves"), None);
    }
}
