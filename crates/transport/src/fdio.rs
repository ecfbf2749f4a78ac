//! Blocking reads with a timeout on any file descriptor (tty, pipe, socket), built on `poll(2)`.
//!
//! The protocol thread blocks in `poll` until bytes arrive or the deadline passes: no sleeps and
//! no polling loops.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

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
}

/// A byte source whose reads can time out.
pub trait TimedRead: Send {
    /// Read into `buf`, waiting at most `timeout` (`None`: wait as long as it takes).
    fn read_timeout(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> io::Result<ReadOutcome>;
}

/// Wait until `fd` is readable or `timeout` passes. Returns false on timeout.
pub fn wait_readable(fd: BorrowedFd<'_>, timeout: Option<Duration>) -> io::Result<bool> {
    let ts = match timeout {
        Some(t) => {
            Some(Timespec::try_from(t).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?)
        }
        None => None,
    };
    loop {
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, ts.as_ref()) {
            Ok(0) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Read once from a readable file descriptor, mapping end-of-file and device errors to `Closed`.
fn read_fd(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    timeout: Option<Duration>,
) -> io::Result<ReadOutcome> {
    if !wait_readable(fd, timeout)? {
        return Ok(ReadOutcome::TimedOut);
    }
    loop {
        match rustix::io::read(fd, &mut *buf) {
            Ok(0) => return Ok(ReadOutcome::Closed),
            Ok(n) => return Ok(ReadOutcome::Data(n)),
            Err(rustix::io::Errno::INTR) => continue,
            Err(rustix::io::Errno::AGAIN) => return Ok(ReadOutcome::TimedOut),
            // A pty whose other end went away reports EIO; a USB adapter that was unplugged
            // reports ENXIO or ENODEV. All of them mean the board is gone.
            Err(rustix::io::Errno::IO | rustix::io::Errno::NXIO | rustix::io::Errno::NODEV) => {
                return Ok(ReadOutcome::Closed);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Any owned file-descriptor-backed reader (pipe, tty, socket).
pub struct FdReader<T: AsFd + Send>(pub T);

impl<T: AsFd + Send> TimedRead for FdReader<T> {
    fn read_timeout(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> io::Result<ReadOutcome> {
        read_fd(self.0.as_fd(), buf, timeout)
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
        let mut reader = FdReader(r);
        let mut buf = [0u8; 16];
        let t0 = Instant::now();
        let out = reader
            .read_timeout(&mut buf, Some(Duration::from_millis(30)))
            .unwrap();
        assert_eq!(out, ReadOutcome::TimedOut);
        assert!(t0.elapsed() >= Duration::from_millis(25));
        let mut w = w;
        w.write_all(b"abc").unwrap();
        assert_eq!(
            reader.read_timeout(&mut buf, None).unwrap(),
            ReadOutcome::Data(3)
        );
        assert_eq!(&buf[..3], b"abc");
        drop(w);
        assert_eq!(
            reader.read_timeout(&mut buf, None).unwrap(),
            ReadOutcome::Closed
        );
    }
}
