//! The state writer: saves the state file on its own thread, so the actor task never waits
//! for an fsync. Saves run strictly in the order they were asked for; when several are
//! waiting only the newest is written (an older state never overwrites a newer one).

use super::state_file::{SavedState, StateFile};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// One request to the writer thread.
struct SaveJob {
    state: SavedState,
    /// Told once this state (or a newer one) is on disk.
    done: Option<mpsc::SyncSender<()>>,
}

/// The handle the actor keeps; dropping it writes what is queued and waits for the thread.
pub struct StateWriter {
    jobs: Option<mpsc::Sender<SaveJob>>,
    thread: Option<JoinHandle<()>>,
}

impl StateWriter {
    /// Starts the writer thread for `file`.
    pub fn start(file: StateFile) -> std::io::Result<StateWriter> {
        let (jobs, queue) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("state-writer".into())
            .spawn(move || write_loop(&file, &queue))?;
        Ok(StateWriter {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Queues `state` to be saved; returns at once.
    pub fn save(&self, state: SavedState) {
        self.submit(SaveJob { state, done: None });
    }

    /// Queues `state` and waits until it (or a newer state) has been written. For the rare
    /// saves that must be durable before the caller goes on.
    pub fn save_and_wait(&self, state: SavedState) {
        let (done, written) = mpsc::sync_channel(1);
        self.submit(SaveJob {
            state,
            done: Some(done),
        });
        let _ = written.recv();
    }

    fn submit(&self, job: SaveJob) {
        if let Some(jobs) = &self.jobs {
            if jobs.send(job).is_err() {
                tracing::error!("state writer has stopped; state not saved");
            }
        }
    }

    /// Writes everything queued, then stops the thread. Blocks until the last save is done.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("state writer thread panicked");
            }
        }
    }
}

impl Drop for StateWriter {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits for a job, takes every job queued behind it, writes the newest state once and
/// then tells everyone who waited. Ends when the handle is gone and the queue is empty.
fn write_loop(file: &StateFile, queue: &mpsc::Receiver<SaveJob>) {
    while let Ok(first) = queue.recv() {
        let mut newest = first.state;
        let mut waiting: Vec<mpsc::SyncSender<()>> = first.done.into_iter().collect();
        while let Ok(next) = queue.try_recv() {
            newest = next.state;
            waiting.extend(next.done);
        }
        if let Err(e) = file.save(&newest) {
            tracing::error!("cannot save state: {e}");
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(seq: u64) -> SavedState {
        SavedState {
            seq_reserved: seq,
            ..Default::default()
        }
    }

    #[test]
    fn the_newest_state_is_on_disk_after_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let writer = StateWriter::start(StateFile::new(&path)).unwrap();
        for seq in 1..=500 {
            writer.save(state(seq));
        }
        writer.finish();
        assert_eq!(StateFile::new(&path).load().unwrap(), state(500));
        assert!(!dir.path().join("state.json.tmp").exists());
    }

    #[test]
    fn saves_keep_their_order_and_waiting_sees_the_state_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let file = StateFile::new(&path);
        let writer = StateWriter::start(file.clone()).unwrap();
        for round in 0..50u64 {
            for seq in round * 10 + 1..round * 10 + 10 {
                writer.save(state(seq));
            }
            writer.save_and_wait(state(round * 10 + 10));
            // Nothing newer was asked for, so exactly this state is on disk: an older
            // queued save never lands after it.
            assert_eq!(file.load().unwrap(), state(round * 10 + 10));
        }
        drop(writer);
        assert_eq!(file.load().unwrap(), state(500));
    }

    #[test]
    fn a_failing_save_does_not_stop_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone").join("state.json");
        let writer = StateWriter::start(StateFile::new(&missing)).unwrap();
        writer.save_and_wait(state(1));
        std::fs::create_dir(dir.path().join("gone")).unwrap();
        writer.save_and_wait(state(2));
        writer.finish();
        assert_eq!(StateFile::new(&missing).load().unwrap(), state(2));
    }
}
