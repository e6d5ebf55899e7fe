//! Frame render time against history size: drawing a frame must cost the same with 100 or
//! 100,000 messages, following the newest or scrolled back; the copy view's frame too.
//!
//! Run: `cargo bench --bench render` (add `-- --quick` for a short run).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use p2pchat_tui::tui::fixtures::{message, peer_online, state_at, unsigned, T0};
use p2pchat_tui::tui::model::{apply, update, Action, AppState};
use p2pchat_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn history(n: usize) -> AppState {
    let mut s = state_at(T0, 120, 40, true);
    for id in ["b0b0", "c4c4", "d8d8"] {
        apply(&mut s, peer_online(id, &format!("peer-{id}"), id, "x"));
    }
    for i in 0..n {
        let from = ["b0b0", "c4c4", "d8d8"][i % 3];
        let body = if i % 7 == 0 {
            format!("message {i}: a longer line that wraps over more than one row of the pane, with 早上好 and 🎉 in it")
        } else {
            format!("message {i}")
        };
        let (name, id, ts) = (format!("peer-{from}"), i.to_string(), T0 + i as i64 * 1000);
        let event = message(from, &name, &body, &id, ts, "#general");
        apply(&mut s, if i % 5 != 0 { event } else { unsigned(event) });
    }
    s
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for n in [100usize, 10_000, 100_000] {
        let following = history(n);
        let mut middle = following.clone();
        for _ in 0..(n / 80).min(600) {
            update(&mut middle, Action::ScrollPageUp);
        }
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        group.bench_with_input(BenchmarkId::new("following", n), &following, |b, s| {
            b.iter(|| {
                terminal
                    .draw(|f| view::draw(f, s))
                    .map(|_| ())
                    .expect("draw")
            })
        });
        group.bench_with_input(BenchmarkId::new("scrolled_back", n), &middle, |b, s| {
            b.iter(|| {
                terminal
                    .draw(|f| view::draw(f, s))
                    .map(|_| ())
                    .expect("draw")
            })
        });
    }
    group.finish();
}

/// The copy view (F2): the whole screen as unwrapped text, built the same way whatever the
/// history's length.
fn copy_view(c: &mut Criterion) {
    let mut group = c.benchmark_group("copy_view");
    for n in [100usize, 100_000] {
        let mut s = history(n);
        update(&mut s, Action::ToggleCopyView);
        group.bench_with_input(BenchmarkId::new("following", n), &s, |b, s| {
            b.iter(|| view::copy::frame(s).len())
        });
    }
    group.finish();
}

criterion_group!(benches, render, copy_view);
criterion_main!(benches);
