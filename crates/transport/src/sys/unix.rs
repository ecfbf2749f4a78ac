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

/// A reader ready to be waited on: on Unix the reader itself (its descriptor is polled).
pub(crate) type Watched<T> = T;

/// Readers that can be made ready to wait on (pipes, sockets).
pub(crate) trait Watch: Sized {
    fn watch(self) -> Watched<Self>;
}

impl<T: AsFd> Watch for T {
    fn watch(self) -> T {
        self
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
    path: &str,
    baud: u32,
    exclusive: bool,
) -> serialport::Result<(SerialPort, SerialSource, SerialPort)> {
    use serialport::SerialPort as _;
    refuse_non_devices(path)?;
    let builder = serialport::new(path, baud).timeout(SERIAL_TIMEOUT);
    let mut port = match builder.open_native() {
        #[cfg(target_os = "linux")]
        Err(e) if is_enosys(&e) => open_plain_termios(path, baud)?,
        opened => opened.map_err(|e| explain_open_error(path, e))?,
    };
    if !exclusive {
        port.set_exclusive(false)?;
    }
    // Bytes that arrived before we opened the port belong to nobody: drop them.
    let _ = port.clear(serialport::ClearBuffer::Input);
    let reader = SerialSource(port.try_clone_native()?);
    let writer = port.try_clone_native()?;
    Ok((port, reader, writer))
}

/// A path that exists but is no character device (a regular file, a folder, a pipe) is not
/// opened: it cannot be a serial port.
fn refuse_non_devices(path: &str) -> serialport::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::metadata(path) {
        Ok(meta) if !meta.file_type().is_char_device() => Err(serialport::Error::new(
            serialport::ErrorKind::InvalidInput,
            format!("not a serial port ({})", file_kind(&meta.file_type())),
        )),
        _ => Ok(()),
    }
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a regular file"
    }
}

/// serialport's open errors, worded for a person: EBUSY (another program set `TIOCEXCL`) and a
/// lock another program holds are both `NoDevice`; a character device that is no terminal
/// (`/dev/null`) fails its first terminal call.
fn explain_open_error(path: &str, e: serialport::Error) -> serialport::Error {
    use std::io::IsTerminal;
    use std::os::unix::fs::OpenOptionsExt;
    let text = match e.kind {
        serialport::ErrorKind::NoDevice => format!(
            "{}: the port may be in use by another program (a terminal, mpremote, another \
             belay-run)",
            e.description
        ),
        serialport::ErrorKind::Io(_) => return e,
        // Opened read-only and without blocking only to ask; serialport opened it already.
        _ if std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)
            .is_ok_and(|f| !f.is_terminal()) =>
        {
            "not a serial port (a character device that is no terminal)".to_string()
        }
        _ => return e,
    };
    serialport::Error::new(e.kind, text)
}

/// How long one blocking serial call may take (reads are timed by `poll` before they happen).
const SERIAL_TIMEOUT: Duration = Duration::from_secs(10);

/// serialport maps errno values it does not name to `Unknown`, keeping only strerror's text
/// (nix's description of ENOSYS).
#[cfg(target_os = "linux")]
fn is_enosys(e: &serialport::Error) -> bool {
    e.kind == serialport::ErrorKind::Unknown && e.description == "Function not implemented"
}

/// Open a tty with the classic termios calls only. serialport configures Linux ports with the
/// `TCSETS2` ioctl (any baud rate); user-mode emulators such as Debian's qemu-user 7.2 answer it
/// with ENOSYS, so a Raspberry Pi build tested under emulation could open no board (rustix falls
/// back to `TCSETS` on ENOTTY only). glibc's `tcsetattr` still uses `TCSETS`: this path sets raw
/// 8N1 at a standard rate through it, then hands the descriptor to serialport (README
/// "Platforms").
#[cfg(target_os = "linux")]
fn open_plain_termios(path: &str, baud: u32) -> serialport::Result<SerialPort> {
    use rustix::fs::{Mode, OFlags};
    use std::os::fd::{FromRawFd, IntoRawFd};
    let fail = |what: &str, err: io::Error| {
        serialport::Error::new(
            serialport::ErrorKind::Io(err.kind()),
            format!("{what} {path}: {err}"),
        )
    };
    let flags = OFlags::RDWR | OFlags::NOCTTY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(|e| fail("open", e.into()))?;
    let raw = fd.as_raw_fd();
    // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
    let mut tio: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: termios calls on our own open descriptor with a valid struct.
    if unsafe { libc::tcgetattr(raw, &mut tio) } != 0 {
        return Err(fail("tcgetattr", io::Error::last_os_error()));
    }
    // SAFETY: as above; cfmakeraw only edits the struct.
    unsafe { libc::cfmakeraw(&mut tio) };
    tio.c_cflag |= libc::CREAD | libc::CLOCAL;
    tio.c_cflag &= !(libc::CSTOPB | libc::CRTSCTS);
    tio.c_iflag &= !(libc::IXON | libc::IXOFF | libc::IXANY);
    if let Some(speed) = standard_speed(baud) {
        // What cfsetspeed does on Linux: the rate lives in the CBAUD bits.
        tio.c_cflag = (tio.c_cflag & !libc::CBAUD) | speed;
    }
    // SAFETY: as above.
    if unsafe { libc::tcsetattr(raw, libc::TCSANOW, &tio) } != 0 {
        return Err(fail("tcsetattr", io::Error::last_os_error()));
    }
    // Blocking from here on, as serialport leaves its ports.
    rustix::fs::fcntl_setfl(&fd, OFlags::empty()).map_err(|e| fail("fcntl", e.into()))?;
    // SAFETY: ownership of the descriptor passes to the TTYPort.
    let mut port = unsafe { serialport::TTYPort::from_raw_fd(fd.into_raw_fd()) };
    use serialport::SerialPort as _;
    port.set_timeout(SERIAL_TIMEOUT)?;
    Ok(port)
}

/// The termios constant for a standard baud rate (other rates keep the tty's own).
#[cfg(target_os = "linux")]
fn standard_speed(baud: u32) -> Option<libc::tcflag_t> {
    Some(match baud {
        9600 => libc::B9600,
        19200 => libc::B19200,
        38400 => libc::B38400,
        57600 => libc::B57600,
        115200 => libc::B115200,
        230400 => libc::B230400,
        460800 => libc::B460800,
        921600 => libc::B921600,
        _ => return None,
    })
}

/// The command that runs a line through the system's shell.
pub(crate) fn shell(line: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(line);
    cmd
}

/// Start `cmd` in a process group of its own, so that [`stop_process_group`] ends everything it
/// started (a shell and its children).
pub(crate) fn spawn_group(cmd: &mut Command) -> io::Result<Child> {
    cmd.process_group(0).spawn()
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::fd::{FromRawFd, OwnedFd};

    /// A pty pair: the controlling side, and the path of the side a board would be.
    fn pty() -> (std::fs::File, String) {
        // SAFETY: posix_openpt/grantpt/unlockpt/ptsname_r on a descriptor we own.
        unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(master >= 0, "posix_openpt: {}", io::Error::last_os_error());
            assert_eq!(libc::grantpt(master), 0);
            assert_eq!(libc::unlockpt(master), 0);
            let mut name = [0 as libc::c_char; 128];
            assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
            let path = std::ffi::CStr::from_ptr(name.as_ptr())
                .to_string_lossy()
                .into_owned();
            (std::fs::File::from(OwnedFd::from_raw_fd(master)), path)
        }
    }

    #[test]
    fn plain_termios_opens_a_raw_port_that_passes_bytes_both_ways() {
        let (mut master, path) = pty();
        let mut port = open_plain_termios(&path, 115200).expect("open");
        // Raw: a Ctrl-C and a CR reach the reader untouched, no echo comes back.
        master.write_all(b"\x03abc\r").unwrap();
        let mut got = [0u8; 5];
        port.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"\x03abc\r");
        port.write_all(b"\x04ok").unwrap();
        let mut back = [0u8; 3];
        master.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"\x04ok");
    }

    #[test]
    fn paths_that_are_no_tty_are_not_serial_ports() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let path = file.path().to_str().unwrap();
        let err = open_serial(path, 115200, true)
            .err()
            .expect("a file is no port");
        assert_eq!(err.description, "not a serial port (a regular file)");
        let dir = tempfile::tempdir().unwrap();
        let err = open_serial(dir.path().to_str().unwrap(), 115200, true)
            .err()
            .expect("a folder is no port");
        assert_eq!(err.description, "not a serial port (a folder)");
        let err = open_serial("/dev/null", 115200, true)
            .err()
            .expect("/dev/null is no port");
        assert!(err.description.starts_with("not a serial port"), "{err}");
    }

    #[test]
    fn a_port_held_by_another_program_says_so() {
        let (_master, path) = pty();
        let _held = open_serial(&path, 115200, true).expect("the first open");
        let err = open_serial(&path, 115200, true)
            .err()
            .expect("the second exclusive open");
        assert!(
            err.description.contains("may be in use by another program"),
            "{err}"
        );
    }

    #[test]
    fn plain_termios_reports_a_missing_device_by_name() {
        let err = open_plain_termios("/dev/belay-no-such-tty", 115200).unwrap_err();
        assert!(err.description.contains("/dev/belay-no-such-tty"), "{err}");
        assert_eq!(err.kind, serialport::ErrorKind::Io(io::ErrorKind::NotFound));
    }
}
