//! Blocking reads with a timeout on any byte source (tty, pipe, socket), waited on through the
//! platform layer ([`crate::sys`]: `poll(2)` on Unix).
//!
//! The protocol thread blocks until bytes arrive, the deadline passes, or another thread wakes it
//! through an [`AbortSignal`]: no sleeps and no polling loops.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};

use crate::sys::{self, Pollable, Source, WakePipe};
/// Outcome of one read attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// `n > 0` bytes were read into the buffer.
    Data(usize),
    /// Nothing arrived before the timeout.
    TimedOut,
    /// The other side is gone (EOF, hang-up, I/O error on the device).
    Closed,
    /// The wake-up descriptor became readable (another thread wants the reader back).
    Woken,
}

/// When a read gives up: after `timeout` (`None`: never), or as soon as `wake` (if given)
/// becomes readable. `wake` is the platform's source type (a descriptor on Unix).
#[derive(Debug, Clone, Copy)]
pub struct Until<'a> {
    pub timeout: Option<Duration>,
    pub wake: Option<Source<'a>>,
}

impl<'a> Until<'a> {
    /// After `timeout`, with no wake-up descriptor.
    pub fn timeout(timeout: Option<Duration>) -> Until<'static> {
        Until {
            timeout,
            wake: None,
        }
    }

    /// The same wake-up descriptor with another timeout (what is left of this one).
    pub fn with_timeout(self, timeout: Option<Duration>) -> Until<'a> {
        Until { timeout, ..self }
    }
}

/// A byte source whose reads can time out and be woken up early.
pub trait TimedRead: Send {
    /// Read into `buf`, waiting as `until` says.
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome>;
}

/// What a wait found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ready {
    Readable,
    TimedOut,
    Woken,
}

/// The deadline loop every reader shares: call `attempt` with what is left of `timeout` (`None`:
/// no limit) until it returns an answer. An attempt returns `None` when it consumed something
/// that is not an answer for the caller yet (a signal, telnet negotiation, a WebSocket frame
/// header) and must be retried with the time that is left.
pub(crate) fn retry_until<T>(
    timeout: Option<Duration>,
    mut attempt: impl FnMut(Option<Duration>) -> io::Result<Option<T>>,
) -> io::Result<T> {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if let Some(answer) = attempt(left)? {
            return Ok(answer);
        }
    }
}

/// Wait until `source` is readable, `wake` is readable, or `timeout` passes.
pub(crate) fn wait_readable(
    source: Source<'_>,
    timeout: Option<Duration>,
    wake: Option<Source<'_>>,
) -> io::Result<Ready> {
    // A signal cuts a wait short: wait again for the time that is left.
    retry_until(timeout, |left| sys::poll_once(source, left, wake))
}

/// Read this process's standard input (a terminal, a pipe) once, waiting at most `timeout`.
/// Whoever uses this reads stdin only through it (on Windows a thread reads it for the process).
pub fn read_stdin(buf: &mut [u8], timeout: Duration) -> io::Result<ReadOutcome> {
    read_within(io::stdin().source(), buf, Until::timeout(Some(timeout)))
}

/// Wait as `until` says, then read once.
fn read_within(source: Source<'_>, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
    match wait_readable(source, until.timeout, until.wake)? {
        Ready::Readable => sys::read_now(source, buf),
        Ready::TimedOut => Ok(ReadOutcome::TimedOut),
        Ready::Woken => Ok(ReadOutcome::Woken),
    }
}

/// Any owned reader the platform can wait on (pipe, tty, socket, serial port).
pub(crate) struct SourceReader<T>(pub T);

impl<T: sys::Watch> SourceReader<sys::Watched<T>> {
    /// A reader made ready to be waited on ([`sys::Watch`]).
    pub fn new(reader: T) -> Self {
        SourceReader(reader.watch())
    }
}

impl<T: Pollable + Send> TimedRead for SourceReader<T> {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
        read_within(self.0.source(), buf, until)
    }
}

/// Lets another thread make the protocol thread give up: the command it is running (after an
/// interrupt went unanswered), or everything (the connection is being closed). A blocked read is
/// woken through a [`WakePipe`] it waits on besides its own source; a wait on the consumer of a call's
/// output through [`AbortSignal::nudged`]. Commands carry ids so that a late request cannot hit
/// the next one.
pub(crate) struct AbortSignal {
    pipe: WakePipe,
    /// The command being run (0: none).
    current: AtomicU64,
    /// The command someone asked to abandon.
    requested: AtomicU64,
    /// The connection is closing: every read and wait gives up, for good.
    closing: AtomicBool,
    /// A new command is queued: a read waiting while no command runs returns.
    poked: AtomicBool,
    /// Holds a token after a request, for waits that are not on a descriptor.
    nudge: (Sender<()>, Receiver<()>),
}

impl AbortSignal {
    pub fn new() -> io::Result<AbortSignal> {
        Ok(AbortSignal {
            pipe: WakePipe::new()?,
            current: AtomicU64::new(0),
            requested: AtomicU64::new(0),
            closing: AtomicBool::new(false),
            poked: AtomicBool::new(false),
            nudge: bounded(1),
        })
    }

    /// A new signal, to share between the protocol thread and the others.
    pub fn shared() -> crate::error::Result<std::sync::Arc<AbortSignal>> {
        AbortSignal::new()
            .map(std::sync::Arc::new)
            .map_err(|e| crate::io::link::lost("creating the wake-up pipe failed", e))
    }

    /// What a reader waits on besides its own source.
    pub fn source(&self) -> Source<'_> {
        self.pipe.source()
    }

    pub fn begin(&self, id: u64) {
        self.current.store(id, Ordering::SeqCst);
    }

    pub fn end(&self) {
        self.current.store(0, Ordering::SeqCst);
    }

    /// Ask the protocol thread to abandon command `id`.
    pub fn request(&self, id: u64) {
        self.requested.store(id, Ordering::SeqCst);
        self.wake();
    }

    /// Make the protocol thread give up whatever it waits for, now and from now on.
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.wake();
    }

    /// Wake a read that waits while no command runs (a command was queued).
    pub fn poke(&self) {
        self.poked.store(true, Ordering::SeqCst);
        self.pipe.wake();
    }

    /// After a wake-up: whether it was a [`AbortSignal::poke`] (consumed).
    pub fn take_poke(&self) -> bool {
        self.poked.swap(false, Ordering::SeqCst)
    }

    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    /// Whether the running command is to be given up (closing, or an abort request for it),
    /// without consuming the wake-up.
    pub fn giving_up(&self) -> bool {
        let current = self.current.load(Ordering::SeqCst);
        self.is_closing() || (current != 0 && self.requested.load(Ordering::SeqCst) == current)
    }

    /// Receives a token after each request or close (stale tokens are possible: check
    /// [`AbortSignal::giving_up`]).
    pub fn nudged(&self) -> &Receiver<()> {
        &self.nudge.1
    }

    fn wake(&self) {
        self.pipe.wake();
        // A token already there already holds a wake-up.
        let _ = self.nudge.0.try_send(());
    }

    /// After a wake-up: whether the running command must be abandoned. Stale requests (for a
    /// command that already finished) are dropped.
    pub fn take(&self) -> bool {
        self.pipe.drain();
        let current = self.current.load(Ordering::SeqCst);
        current != 0 && self.requested.load(Ordering::SeqCst) == current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::Instant;

    #[test]
    fn pipe_read_times_out_then_reads_then_sees_eof() {
        let (r, w) = std::io::pipe().unwrap();
        let mut reader = SourceReader(r);
        let mut buf = [0u8; 16];
        let t0 = Instant::now();
        let out = reader
            .read_timeout(&mut buf, Until::timeout(Some(Duration::from_millis(30))))
            .unwrap();
        assert_eq!(out, ReadOutcome::TimedOut);
        assert!(t0.elapsed() >= Duration::from_millis(25));
        let mut w = w;
        w.write_all(b"abc").unwrap();
        assert_eq!(
            reader.read_timeout(&mut buf, Until::timeout(None)).unwrap(),
            ReadOutcome::Data(3)
        );
        assert_eq!(&buf[..3], b"abc");
        drop(w);
        assert_eq!(
            reader.read_timeout(&mut buf, Until::timeout(None)).unwrap(),
            ReadOutcome::Closed
        );
    }

    #[test]
    fn abort_signal_wakes_a_blocked_reader_for_the_current_command_only() {
        let (r, _w) = std::io::pipe().unwrap();
        let mut reader = SourceReader(r);
        let abort = std::sync::Arc::new(AbortSignal::new().unwrap());
        abort.begin(7);
        let remote = abort.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            remote.request(7);
        });
        let mut buf = [0u8; 4];
        let out = reader
            .read_timeout(
                &mut buf,
                Until {
                    timeout: None,
                    wake: Some(abort.source()),
                },
            )
            .unwrap();
        assert_eq!(out, ReadOutcome::Woken);
        assert!(abort.take());
        t.join().unwrap();
        // A request for a finished command does not abort the next one.
        abort.request(7);
        abort.begin(8);
        assert!(!abort.take());
    }
}
