//! Writes that give up after a bound, for bytes that must go out while the protocol thread may be
//! blocked in a write of its own (an interrupt): the port's writer is shared behind a mutex, and
//! a board that stopped reading (a full pty or USB buffer) holds a write, and so the mutex, for
//! as long as it likes.
//!
//! The write runs on a helper thread; the caller waits for it at most the bound. A helper that
//! has not taken the writer by then writes nothing (a late Ctrl-C would interrupt whatever runs
//! next); one already writing is left to finish on its own, and until it has, later writes fail
//! at once instead of queueing more helpers behind it.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{RecvTimeoutError, bounded};

use crate::io::port::SharedWriter;

/// Bounded writes to one port (see the module docs).
#[derive(Default)]
pub(crate) struct BoundedWrites {
    /// A helper thread of an earlier write has not finished.
    busy: Arc<AtomicBool>,
}

impl BoundedWrites {
    /// Write all of `bytes` to `writer` and flush, or fail with [`io::ErrorKind::TimedOut`]
    /// after `timeout`.
    pub(crate) fn write_all(
        &self,
        writer: &SharedWriter,
        bytes: &[u8],
        timeout: Duration,
    ) -> io::Result<()> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "an earlier write is still waiting for the board to take its bytes",
            ));
        }
        let (done_tx, done) = bounded(1);
        let gave_up = Arc::new(AtomicBool::new(false));
        let helper = {
            let (writer, bytes, busy, gave_up) = (
                writer.clone(),
                bytes.to_vec(),
                self.busy.clone(),
                gave_up.clone(),
            );
            move || {
                let result = {
                    let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
                    if gave_up.load(Ordering::SeqCst) {
                        Ok(())
                    } else {
                        w.write_all(&bytes).and_then(|()| w.flush())
                    }
                };
                busy.store(false, Ordering::SeqCst);
                let _ = done_tx.send(result);
            }
        };
        if let Err(e) = std::thread::Builder::new()
            .name("belay bounded write".into())
            .spawn(helper)
        {
            self.busy.store(false, Ordering::SeqCst);
            return Err(e);
        }
        match done.recv_timeout(timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
                gave_up.store(true, Ordering::SeqCst);
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "the board took nothing for {timeout:.1?} (it stopped reading, or the \
                         line is full)"
                    ),
                ))
            }
            Err(RecvTimeoutError::Disconnected) => Err(io::Error::other("the writing thread died")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Instant;

    use super::*;

    /// A writer that takes nothing until `release` is set, then records what it is given.
    struct Stuck {
        release: Arc<AtomicBool>,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl io::Write for Stuck {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            while !self.release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            self.written.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn stuck() -> (SharedWriter, Arc<AtomicBool>, Arc<Mutex<Vec<u8>>>) {
        let release = Arc::new(AtomicBool::new(false));
        let written = Arc::new(Mutex::new(Vec::new()));
        let writer: SharedWriter = Arc::new(Mutex::new(Box::new(Stuck {
            release: release.clone(),
            written: written.clone(),
        })));
        (writer, release, written)
    }

    fn settle(cond: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !cond() {
            assert!(Instant::now() < deadline, "did not settle");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_write_behind_a_board_that_stopped_reading_gives_up_after_its_bound() {
        let (writer, release, written) = stuck();
        let writes = BoundedWrites::default();
        let t0 = Instant::now();
        let err = writes
            .write_all(&writer, b"\x03\x03", Duration::from_millis(200))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
        assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
        // While that write is stuck, another fails at once instead of queueing behind it.
        let t0 = Instant::now();
        let err = writes
            .write_all(&writer, b"x", Duration::from_secs(5))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
        assert!(t0.elapsed() < Duration::from_millis(100));
        // Once the board reads again, the stuck write ends and writes work again.
        release.store(true, Ordering::SeqCst);
        settle(|| written.lock().unwrap().as_slice() == b"\x03\x03");
        settle(|| !writes.busy.load(Ordering::SeqCst));
        writes
            .write_all(&writer, b"ok", Duration::from_secs(5))
            .unwrap();
        assert_eq!(written.lock().unwrap().as_slice(), b"\x03\x03ok");
    }

    #[test]
    fn a_write_behind_another_threads_stuck_write_is_dropped_when_given_up() {
        let (writer, release, written) = stuck();
        // Another thread (the protocol thread) is stuck in a write, holding the writer.
        let other = {
            let writer = writer.clone();
            std::thread::spawn(move || {
                let mut w = writer.lock().unwrap();
                w.write_all(b"command").unwrap();
            })
        };
        settle(|| writer.try_lock().is_err());
        let writes = BoundedWrites::default();
        let err = writes
            .write_all(&writer, b"\x03\x03", Duration::from_millis(200))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
        release.store(true, Ordering::SeqCst);
        other.join().unwrap();
        settle(|| !writes.busy.load(Ordering::SeqCst));
        // The given-up Ctrl-C never reaches the board: it would interrupt whatever runs next.
        assert_eq!(written.lock().unwrap().as_slice(), b"command");
    }
}
