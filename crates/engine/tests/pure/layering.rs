//! The layering rule, checked: no engine source file names an I/O crate. The manifest keeps
//! them out of the build; this keeps them out of the text (docs, paths, `extern crate`).

use std::path::{Path, PathBuf};

/// Crates the engine must not name: async runtime, sockets, SQLite, terminal.
const FORBIDDEN: &[&str] = &[
    "tokio",
    "rusqlite",
    "ratatui",
    "crossterm",
    "socket2",
    "if_addrs",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("engine source folder is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `text` names `name` as a word (so `tokio` matches `tokio::` but not `tokios`).
fn names(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[test]
fn no_engine_source_names_an_io_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found only {} engine files", files.len());
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("engine source is readable");
        for name in FORBIDDEN {
            if names(&text, name) {
                found.push(format!("{} names {name}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_manifest_has_no_io_dependency() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("engine manifest is readable");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    for name in FORBIDDEN.iter().chain(&["tokio-util", "if-addrs"]) {
        let listed = deps
            .lines()
            .any(|l| l.split('=').next().is_some_and(|k| k.trim() == *name));
        assert!(!listed, "the engine depends on {name}");
    }
}

#[test]
fn the_word_check_finds_what_it_should() {
    assert!(names("use tokio::sync;", "tokio"));
    assert!(names("x: ratatui::Frame", "ratatui"));
    assert!(!names("tokio_free and mytokio", "tokio"));
}
