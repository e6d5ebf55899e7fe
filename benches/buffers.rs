//! Switching buffers (issue #15): with 100 rooms of 10,000 messages each, one switch (Alt-N)
//! plus the frame drawn after it, and a frame of the buffer list alone, must cost what a
//! frame with one room costs: the switch swaps two logs, and the list is 100 short entries.
//!
//! Run: `cargo bench --bench buffers -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use p2pchat_engine::api::NetEvent;
use p2pchat_tui::tui::fixtures::{message, state_at, T0};
use p2pchat_tui::tui::model::{apply, update, Action, AppState};
use p2pchat_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// `rooms` rooms joined, `per_room` messages in each (every tenth room has unread lines).
fn rooms(rooms: usize, per_room: usize) -> AppState {
    let mut s = state_at(T0, 120, 40, true);
    for r in 1..rooms {
        apply(
            &mut s,
            NetEvent::Joined {
                room: format!("#room-{r}"),
            },
        );
    }
    for i in 0..per_room {
        for r in 0..rooms {
            let room = if r == 0 {
                "#general".to_string()
            } else {
                format!("#room-{r}")
            };
            let (id, body) = (format!("{r}:{i}"), format!("message {i} in {room}"));
            let ts = T0 + i as i64 * 1000;
            apply(&mut s, message("b0b0", "Bob", &body, &id, ts, &room));
        }
    }
    s
}

fn switch(c: &mut Criterion) {
    let mut group = c.benchmark_group("buffers");
    group.sample_size(20);
    for (n, per) in [(1usize, 10_000usize), (100, 10_000)] {
        let mut s = rooms(n, per);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut k = 0usize;
        group.bench_function(BenchmarkId::new("switch_and_draw", n), |b| {
            b.iter(|| {
                k = (k + 1) % n.max(2);
                update(&mut s, Action::SwitchBuffer(k % n));
                terminal
                    .draw(|f| view::draw(f, &s))
                    .map(|_| ())
                    .expect("draw")
            })
        });
        group.bench_function(BenchmarkId::new("list_title", n), |b| {
            b.iter(|| s.buffers.summary().len())
        });
    }
    group.finish();
}

criterion_group!(benches, switch);
criterion_main!(benches);
