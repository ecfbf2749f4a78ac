//! Blocking reads with a timeout on any file descriptor (tty, pipe, socket), built on `poll(2)`.
//!
//! The protocol thread blocks in `poll` until bytes arrive, the deadline passes, or another
//! thread wakes it through an [`AbortSignal`]: no sleeps and no polling loops.

use std::io::{self, PipeReader, PipeWriter, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};
use rustix::event::{PollFd, PollFlags, Timespec, poll};

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
/// becomes readable.
#[derive(Debug, Clone, Copy)]
pub struct Until<'a> {
    pub timeout: Option<Duration>,
    pub wake: Option<BorrowedFd<'a>>,
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

/// Wait until `fd` is readable, `wake` is readable, or `timeout` passes.
pub(crate) fn wait_readable(
    fd: BorrowedFd<'_>,
    timeout: Option<Duration>,
    wake: Option<BorrowedFd<'_>>,
) -> io::Result<Ready> {
    retry_until(timeout, |left| {
        let ts = match left {
            Some(t) => Some(
                Timespec::try_from(t).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?,
            ),
            None => None,
        };
        let mut fds = [
            PollFd::new(&fd, PollFlags::IN),
            PollFd::new(&fd, PollFlags::empty()),
        ];
        let n = match wake {
            Some(ref w) => {
                fds[1] = PollFd::new(w, PollFlags::IN);
                2
            }
            None => 1,
        };
        match poll(&mut fds[..n], ts.as_ref()) {
            Ok(0) => Ok(Some(Ready::TimedOut)),
            // Data first: bytes that already arrived are never dropped for a wake-up.
            Ok(_) if !fds[0].revents().is_empty() => Ok(Some(Ready::Readable)),
            Ok(_) => Ok(Some(Ready::Woken)),
            // A signal: poll again for the time that is left.
            Err(rustix::io::Errno::INTR) => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
}

/// Whether `fd` (any descriptor: a terminal's stdin, a pipe) has input within `timeout`.
pub fn readable_within(fd: BorrowedFd<'_>, timeout: Duration) -> io::Result<bool> {
    Ok(wait_readable(fd, Some(timeout), None)? == Ready::Readable)
}

/// Read once from a file descriptor, mapping end-of-file and device errors to `Closed`.
fn read_fd(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    timeout: Option<Duration>,
    wake: Option<BorrowedFd<'_>>,
) -> io::Result<ReadOutcome> {
    match wait_readable(fd, timeout, wake)? {
        Ready::Readable => {}
        Ready::TimedOut => return Ok(ReadOutcome::TimedOut),
        Ready::Woken => return Ok(ReadOutcome::Woken),
    }
    loop {
        match rustix::io::read(fd, &mut *buf) {
            Ok(0) => return Ok(ReadOutcome::Closed),
            Ok(n) => return Ok(ReadOutcome::Data(n)),
            Err(rustix::io::Errno::INTR) => continue,
            Err(rustix::io::Errno::AGAIN) => return Ok(ReadOutcome::TimedOut),
            // A pty whose other end went away reports EIO; a USB adapter that was unplugged
            // reports ENXIO or ENODEV; a reset TCP connection ECONNRESET. All: the board is gone.
            Err(
                rustix::io::Errno::IO
                | rustix::io::Errno::NXIO
                | rustix::io::Errno::NODEV
                | rustix::io::Errno::CONNRESET,
            ) => {
                return Ok(ReadOutcome::Closed);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Any owned file-descriptor-backed reader (pipe, tty, socket).
pub(crate) struct FdReader<T: AsFd + Send>(pub T);

impl<T: AsFd + Send> TimedRead for FdReader<T> {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
        read_fd(self.0.as_fd(), buf, until.timeout, until.wake)
    }
}

/// Lets another thread make the protocol thread give up: the command it is running (after an
/// interrupt went unanswered), or everything (the connection is being closed). A blocked read is
/// woken through a pipe it polls besides its own descriptor; a wait on the consumer of a call's
/// output through [`AbortSignal::nudged`]. Commands carry ids so that a late request cannot hit
/// the next one.
pub(crate) struct AbortSignal {
    read: PipeReader,
    write: PipeWriter,
    /// The command being run (0: none).
    current: AtomicU64,
    /// The command someone asked to abandon.
    requested: AtomicU64,
    /// The connection is closing: every read and wait gives up, for good.
    closing: AtomicBool,
    /// Holds a token after a request, for waits that are not on a descriptor.
    nudge: (Sender<()>, Receiver<()>),
}

impl AbortSignal {
    pub fn new() -> io::Result<AbortSignal> {
        let (read, write) = std::io::pipe()?;
        rustix::io::ioctl_fionbio(&read, true)?;
        rustix::io::ioctl_fionbio(&write, true)?;
        Ok(AbortSignal {
            read,
            write,
            current: AtomicU64::new(0),
            requested: AtomicU64::new(0),
            closing: AtomicBool::new(false),
            nudge: bounded(1),
        })
    }

    /// A new signal, to share between the protocol thread and the others.
    pub fn shared() -> crate::error::Result<std::sync::Arc<AbortSignal>> {
        AbortSignal::new()
            .map(std::sync::Arc::new)
            .map_err(|e| crate::io::link::lost("creating the wake-up pipe failed", e))
    }

    /// The descriptor a reader polls besides its own.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
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
        // A full pipe (or a token already there) already holds a wake-up: nothing more to do.
        let _ = (&self.write).write(&[1]);
        let _ = self.nudge.0.try_send(());
    }

    /// After a wake-up: whether the running command must be abandoned. Stale requests (for a
    /// command that already finished) are dropped.
    pub fn take(&self) -> bool {
        let mut sink = [0u8; 64];
        while matches!((&self.read).read(&mut sink), Ok(n) if n > 0) {}
        let current = self.current.load(Ordering::SeqCst);
        current != 0 && self.requested.load(Ordering::SeqCst) == current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn pipe_read_times_out_then_reads_then_sees_eof() {
        let (r, w) = std::io::pipe().unwrap();
        let mut reader = FdReader(r);
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
        let mut reader = FdReader(r);
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
                    wake: Some(abort.fd()),
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
