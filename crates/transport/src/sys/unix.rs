//! The platform layer on Unix (Linux, and in principle macOS): `poll(2)` on descriptors, a pipe
//! to wake a blocked wait, serialport's `TTYPort`, process groups and `SIGTERM`.

use std::io::{self, PipeReader, PipeWriter, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::Errno;

use crate::io::timed::{ReadOutcome, Ready};

/// What a timed read waits on: a descriptor.
pub(crate) type Source<'a> = BorrowedFd<'a>;

/// Owned things a timed read can wait on: anything with a descriptor.
pub(crate) trait Pollable {
    fn source(&self) -> Source<'_>;
}

impl<T: AsFd> Pollable for T {
    fn source(&self) -> Source<'_> {
        self.as_fd()
    }
}

/// One `poll(2)`: `None` when a signal interrupted it.
pub(crate) fn poll_once(
    source: Source<'_>,
    timeout: Option<Duration>,
    wake: Option<Source<'_>>,
) -> io::Result<Option<Ready>> {
    let ts = match timeout {
        Some(t) => {
            Some(Timespec::try_from(t).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?)
        }
        None => None,
    };
    let mut fds = [
        PollFd::new(&source, PollFlags::IN),
        PollFd::new(&source, PollFlags::empty()),
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
        Err(Errno::INTR) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Read once from a readable descriptor.
pub(crate) fn read_now(source: Source<'_>, buf: &mut [u8]) -> io::Result<ReadOutcome> {
    loop {
        match rustix::io::read(source, &mut *buf) {
            Ok(0) => return Ok(ReadOutcome::Closed),
            Ok(n) => return Ok(ReadOutcome::Data(n)),
            Err(Errno::INTR) => continue,
            Err(Errno::AGAIN) => return Ok(ReadOutcome::TimedOut),
            // A pty whose other end went away reports EIO; a USB adapter that was unplugged
            // reports ENXIO or ENODEV; a reset TCP connection ECONNRESET. All: the board is gone.
            Err(Errno::IO | Errno::NXIO | Errno::NODEV | Errno::CONNRESET) => {
                return Ok(ReadOutcome::Closed);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A non-blocking pipe: a byte in it means "wake up".
pub(crate) struct WakePipe {
    read: PipeReader,
    write: PipeWriter,
}

impl WakePipe {
    pub fn new() -> io::Result<WakePipe> {
        let (read, write) = std::io::pipe()?;
        rustix::io::ioctl_fionbio(&read, true)?;
        rustix::io::ioctl_fionbio(&write, true)?;
        Ok(WakePipe { read, write })
    }

    pub fn wake(&self) {
        // A full pipe already holds a wake-up: nothing more to do.
        let _ = (&self.write).write(&[1]);
    }

    /// Empty the pipe (after a wake-up was seen).
    pub fn drain(&self) {
        let mut sink = [0u8; 64];
        while matches!((&self.read).read(&mut sink), Ok(n) if n > 0) {}
    }

    /// What a wait watches besides its own source.
    pub fn source(&self) -> Source<'_> {
        self.read.as_fd()
    }
}

/// serialport's native port on this system.
pub(crate) type SerialPort = serialport::TTYPort;

/// A serial port lent to a timed read: serialport's `TTYPort` has a raw descriptor, not `AsFd`.
pub(crate) struct SerialSource(SerialPort);

impl Pollable for SerialSource {
    fn source(&self) -> Source<'_> {
        // SAFETY: the descriptor is owned by the TTYPort inside `self` and lives as long as it.
        unsafe { BorrowedFd::borrow_raw(self.0.as_raw_fd()) }
    }
}

/// Open a serial port: the port itself (kept open while the board is in use), a handle to read
/// it with timeouts and one to write it. `exclusive: false` lets other programs open it too.
pub(crate) fn open_serial(
    builder: serialport::SerialPortBuilder,
    exclusive: bool,
) -> serialport::Result<(SerialPort, SerialSource, SerialPort)> {
    use serialport::SerialPort as _;
    let mut port = builder.open_native()?;
    if !exclusive {
        port.set_exclusive(false)?;
    }
    // Bytes that arrived before we opened the port belong to nobody: drop them.
    let _ = port.clear(serialport::ClearBuffer::Input);
    let reader = SerialSource(port.try_clone_native()?);
    let writer = port.try_clone_native()?;
    Ok((port, reader, writer))
}

/// Make `cmd` start its own process group, so that [`stop_process_group`] ends everything it
/// started (a shell and its children).
pub(crate) fn own_process_group(cmd: &mut Command) -> &mut Command {
    cmd.process_group(0)
}

/// SIGTERM the child's process group and reap it in the background (never blocks the caller).
pub(crate) fn stop_process_group(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let pgid = child.id() as libc::pid_t;
    // SAFETY: plain kill(2) on the process group we created; no memory is involved.
    unsafe {
        libc::kill(-pgid, libc::SIGTERM);
    }
    let pid = child.id() as libc::pid_t;
    std::thread::spawn(move || {
        let mut status = 0;
        // SAFETY: waitpid on our own child's pid.
        unsafe {
            libc::waitpid(pid, &mut status, 0);
        }
    });
}
