//! The generated files committed under assets/ (completions for each shell, the man page) are
//! what the current clap definitions generate. After changing a flag, regenerate them with
//! `UPDATE_ASSETS=1 cargo test -p p2pchat-tui --test main assets`.

use p2pchat_tui::shell_assets::COMMITTED;
use std::path::Path;

#[test]
fn committed_completions_and_man_page_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_ASSETS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, generated) in COMMITTED {
        let file = root.join(path);
        let fresh = generated.render();
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &fresh).unwrap();
            continue;
        }
        match std::fs::read(&file) {
            Ok(old) if old == fresh => {}
            Ok(_) => stale.push(format!("{path} differs")),
            Err(e) => stale.push(format!("{path}: {e}")),
        }
    }
    assert!(
        stale.is_empty(),
        "{}; regenerate with UPDATE_ASSETS=1 cargo test -p p2pchat-tui --test main assets",
        stale.join(", ")
    );
}

#[test]
fn the_binary_prints_what_is_committed() {
    // `--man` and `--completions` print before touching a profile or the network.
    for (flag, path) in [
        (vec!["--man"], "assets/p2pchat-tui.1"),
        (
            vec!["--completions", "bash"],
            "assets/completions/p2pchat-tui.bash",
        ),
        (
            vec!["--completions", "zsh"],
            "assets/completions/_p2pchat-tui",
        ),
        (
            vec!["--completions", "fish"],
            "assets/completions/p2pchat-tui.fish",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_p2pchat-tui"))
            .args(&flag)
            .env("P2PCHAT_NAME", "nobody")
            .output()
            .expect("the binary runs");
        assert!(out.status.success(), "{flag:?}: {out:?}");
        let committed = COMMITTED.iter().find(|(p, _)| *p == path).unwrap().1;
        assert_eq!(out.stdout, committed.render(), "{flag:?}");
    }
}
