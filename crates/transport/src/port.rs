//! Opening the byte pipe to a board: a serial/tty path or a child process (`exec:COMMAND`).

use std::io::{self, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::error::{Result, TransportError};
use crate::fdio::{FdReader, TimedRead};

/// The writing half of a port. It is shared so that an interrupt (Ctrl-C) can be sent while the
/// protocol thread is blocked reading.
pub type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// What the user asked to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// A serial device or any tty path, e.g. `/dev/ttyACM0` or `/dev/pts/7`.
    Serial(String),
    /// `exec:COMMAND`: a child process run by `sh -c`, talking over its stdin and stdout.
    Exec(String),
}

impl PortSpec {
    /// Parse a Belay port string.
    pub fn parse(port: &str) -> Result<PortSpec> {
        let bad = |reason: &str| TransportError::BadPort {
            port: port.to_string(),
            reason: reason.to_string(),
        };
        if let Some(cmd) = port.strip_prefix("exec:") {
            if cmd.trim().is_empty() {
                return Err(bad("`exec:` needs a command after the colon"));
            }
            return Ok(PortSpec::Exec(cmd.to_string()));
        }
        if port.trim().is_empty() {
            return Err(bad("the port is empty"));
        }
        Ok(PortSpec::Serial(port.to_string()))
    }

    /// Whether a soft reset is safe right after connecting (it always is for these two kinds;
    /// network transports will answer differently).
    pub fn soft_reset_on_connect(&self) -> bool {
        true
    }
}

impl std::fmt::Display for PortSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortSpec::Serial(p) => write!(f, "{p}"),
            PortSpec::Exec(c) => write!(f, "exec:{c}"),
        }
    }
}

/// Serial settings.
#[derive(Debug, Clone)]
pub struct SerialOptions {
    pub baudrate: u32,
    pub exclusive: bool,
}

impl Default for SerialOptions {
    fn default() -> Self {
        SerialOptions {
            baudrate: 115_200,
            exclusive: true,
        }
    }
}

/// An open port: a reader that can time out, a shared writer and whatever must be kept alive.
pub struct Port {
    pub reader: Box<dyn TimedRead>,
    pub writer: SharedWriter,
    keep_alive: KeepAlive,
}

enum KeepAlive {
    Serial(#[allow(dead_code)] serialport::TTYPort),
    Process(Child),
    None,
}

impl Port {
    /// Open `spec`.
    pub fn open(spec: &PortSpec, serial: &SerialOptions) -> Result<Port> {
        match spec {
            PortSpec::Serial(path) => open_serial(path, serial),
            PortSpec::Exec(cmd) => open_process(cmd),
        }
    }

    /// Build a port from arbitrary halves (used by tests with scripted byte streams).
    pub fn from_parts(reader: Box<dyn TimedRead>, writer: Box<dyn Write + Send>) -> Port {
        Port {
            reader,
            writer: Arc::new(Mutex::new(writer)),
            keep_alive: KeepAlive::None,
        }
    }
}

impl Drop for Port {
    fn drop(&mut self) {
        if let KeepAlive::Process(child) = &mut self.keep_alive {
            stop_process_group(child);
        }
    }
}

fn open_serial(path: &str, opts: &SerialOptions) -> Result<Port> {
    let open_err = |e: &dyn std::fmt::Display| TransportError::Open {
        port: path.to_string(),
        reason: e.to_string(),
    };
    let port = serialport::new(path, opts.baudrate)
        .timeout(std::time::Duration::from_secs(10))
        .open_native()
        .map_err(|e| open_err(&e))?;
    let mut port = port;
    if !opts.exclusive {
        port.set_exclusive(false).map_err(|e| open_err(&e))?;
    }
    // Bytes that arrived before we opened the port belong to nobody: drop them.
    use serialport::SerialPort;
    let _ = port.clear(serialport::ClearBuffer::Input);
    let reader = port.try_clone_native().map_err(|e| open_err(&e))?;
    let writer = port.try_clone_native().map_err(|e| open_err(&e))?;
    Ok(Port {
        reader: Box::new(FdReader(TtyFd(reader))),
        writer: Arc::new(Mutex::new(Box::new(writer))),
        keep_alive: KeepAlive::Serial(port),
    })
}

/// Borrowing adapter: serialport's `TTYPort` exposes a raw fd, not `AsFd`.
struct TtyFd(serialport::TTYPort);

impl std::os::fd::AsFd for TtyFd {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsRawFd;
        // SAFETY: the fd is owned by the TTYPort inside `self` and lives as long as `self`.
        unsafe { std::os::fd::BorrowedFd::borrow_raw(self.0.as_raw_fd()) }
    }
}

fn open_process(cmd: &str) -> Result<Port> {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        // Its own process group, so closing the port stops the whole pipeline it started.
        .process_group(0)
        .spawn()
        .map_err(|e| TransportError::Open {
            port: format!("exec:{cmd}"),
            reason: e.to_string(),
        })?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    Ok(Port {
        reader: Box::new(FdReader(stdout)),
        writer: Arc::new(Mutex::new(Box::new(stdin))),
        keep_alive: KeepAlive::Process(child),
    })
}

/// SIGTERM the child's process group and reap it in the background (never blocks the caller).
fn stop_process_group(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let pgid = child.id() as libc::pid_t;
    // SAFETY: plain kill(2) on the process group we created; no memory is involved.
    unsafe {
        libc::kill(-pgid, libc::SIGTERM);
    }
    let pid = child.id();
    // Reap without holding up the host program; `waitpid` returns as soon as it has exited.
    std::thread::spawn(move || {
        let mut status = 0;
        // SAFETY: waitpid on our own child's pid.
        unsafe {
            libc::waitpid(pid as libc::pid_t, &mut status, 0);
        }
    });
}

/// Write all of `bytes` through the shared writer and flush.
pub fn write_all(writer: &SharedWriter, bytes: &[u8]) -> io::Result<()> {
    let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
    w.write_all(bytes)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_port_forms() {
        assert_eq!(
            PortSpec::parse("/dev/ttyACM0").unwrap(),
            PortSpec::Serial("/dev/ttyACM0".into())
        );
        assert_eq!(
            PortSpec::parse("exec:micropython -i").unwrap(),
            PortSpec::Exec("micropython -i".into())
        );
        assert!(PortSpec::parse("exec:  ").is_err());
        assert!(PortSpec::parse("").is_err());
    }
}
