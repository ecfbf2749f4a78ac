//! Opening the byte pipe to a board, whatever the port form.

use std::io::{self, Write};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{net, process, websocket};
use crate::error::{Phase, Result, TransportError};
use crate::io::link::lost;
use crate::io::login::{Credentials, Login};
use crate::io::timed::{AbortSignal, Ready, SourceReader, TimedRead, wait_readable};
use crate::io::wait::{Budget, Wait};
use crate::repl::raw_repl::ReplOptions;
use crate::spec::PortSpec;
use crate::sys;
use crate::usb;

/// The writing half of a port. It is shared so that an interrupt (Ctrl-C) can be sent while the
/// protocol thread is blocked reading.
pub(crate) type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// Serial settings.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Everything needed to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    pub serial: SerialOptions,
    /// For telnet and WebREPL.
    pub credentials: Credentials,
    /// Tries to open the port, one second apart (negative: keep trying). The waits for a device
    /// that is not there (yet) are not part of `connect_timeout`.
    pub attempts: i32,
    /// The longest the whole connect may take, from the try that opens the port: opening it
    /// (TCP connect, WebSocket upgrade, `execpty:`'s pty name), logging in, interrupting the
    /// board, the friendly prompt, the raw REPL banner and the soft reset. Each of these steps
    /// also waits at most `repl.timeout`. Default 10 s.
    pub connect_timeout: Duration,
    pub repl: ReplOptions,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            serial: SerialOptions::default(),
            credentials: Credentials::default(),
            attempts: 1,
            connect_timeout: Duration::from_secs(10),
            repl: ReplOptions::default(),
        }
    }
}

/// An open port: a reader that can time out, a shared writer, what must be kept alive, and the
/// login to perform before the REPL can be used.
pub(crate) struct Port {
    pub reader: Box<dyn TimedRead>,
    pub writer: SharedWriter,
    pub login: Option<Login>,
    keep_alive: KeepAlive,
}

enum KeepAlive {
    Nothing,
    Serial(#[allow(dead_code)] sys::SerialPort),
    Process(Child),
    PtyProcess(Child, #[allow(dead_code)] sys::SerialPort),
}

impl Port {
    /// Open `spec`, retrying as `opts.attempts` allows when the device is missing. Returns the
    /// port and the connect budget, which began with the try that opened it. With
    /// `abort`, a close request stops the tries (and drops a port opened meanwhile).
    pub(crate) fn open(
        spec: &PortSpec,
        opts: &ConnectOptions,
        abort: Option<&AbortSignal>,
    ) -> Result<(Port, Budget)> {
        let closing = || abort.is_some_and(AbortSignal::is_closing);
        let mut tries = 0;
        loop {
            tries += 1;
            if closing() {
                return Err(TransportError::Closed);
            }
            let budget = Budget::starting_now(opts.connect_timeout);
            let step = Wait::new(Phase::Connect, opts.repl.timeout).within(budget);
            match Self::open_once(spec, opts, step) {
                Ok(_) if closing() => return Err(TransportError::Closed),
                Ok(port) => return Ok((port, budget)),
                Err(e) if retryable(&e) && (opts.attempts < 0 || tries < opts.attempts) => {
                    pause_between_tries(abort)?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One try; each wait in it is bounded by `step` (read at the start of that wait).
    fn open_once(spec: &PortSpec, opts: &ConnectOptions, step: Wait) -> Result<Port> {
        match spec {
            PortSpec::Serial(path) => open_serial(path, &opts.serial),
            PortSpec::Usb(wanted) => {
                open_serial(&wanted.select(&usb::list_usb_ports())?, &opts.serial)
            }
            PortSpec::Auto => open_serial(&usb::select_auto(&usb::list_usb_ports())?, &opts.serial),
            PortSpec::Exec(cmd) => {
                let (child, reader, stdin) = process::spawn_piped(cmd)?;
                Ok(Port::new(
                    Box::new(reader),
                    Box::new(stdin),
                    None,
                    KeepAlive::Process(child),
                ))
            }
            PortSpec::ExecPty(cmd) => {
                let (child, path) = process::spawn_pty(cmd, step.allowed())?;
                let mut port = open_serial(&path, &opts.serial)?;
                let KeepAlive::Serial(tty) =
                    std::mem::replace(&mut port.keep_alive, KeepAlive::Nothing)
                else {
                    unreachable!("open_serial keeps the tty")
                };
                port.keep_alive = KeepAlive::PtyProcess(child, tty);
                Ok(port)
            }
            PortSpec::Socket { host, port } => {
                let stream = net::connect(host, *port, step.allowed(), &spec.to_string())?;
                let writer = stream.try_clone().map_err(|e| open_error(spec, e))?;
                Ok(Port::new(
                    Box::new(SourceReader::new(stream)),
                    Box::new(writer),
                    None,
                    KeepAlive::Nothing,
                ))
            }
            PortSpec::Rfc2217 { host, port } => {
                let stream = net::connect(host, *port, step.allowed(), &spec.to_string())?;
                let mut writer =
                    net::TelnetWriter(stream.try_clone().map_err(|e| open_error(spec, e))?);
                // Negotiation bytes go as they are (the writer would double their 0xFF).
                writer
                    .0
                    .write_all(&net::rfc2217_start(opts.serial.baudrate))
                    .map_err(|e| open_error(spec, e))?;
                let reader = net::TelnetReader::new(stream, net::Options::RFC2217)
                    .map_err(|e| open_error(spec, e))?;
                Ok(Port::new(
                    Box::new(reader),
                    Box::new(writer),
                    None,
                    KeepAlive::Nothing,
                ))
            }
            PortSpec::Telnet { host, port } => {
                let stream = net::connect(host, *port, step.allowed(), &spec.to_string())?;
                let writer =
                    net::TelnetWriter(stream.try_clone().map_err(|e| open_error(spec, e))?);
                let reader = net::TelnetReader::new(stream, net::Options::REPL)
                    .map_err(|e| open_error(spec, e))?;
                let login = Login::Telnet(opts.credentials.clone());
                Ok(Port::new(
                    Box::new(reader),
                    Box::new(writer),
                    Some(login),
                    KeepAlive::Nothing,
                ))
            }
            PortSpec::WebRepl { host, port, path } => {
                let stream = net::connect(host, *port, step.allowed(), &spec.to_string())?;
                let (reader, writer) =
                    websocket::handshake(stream, host, *port, path, step.allowed())?;
                let login = Login::WebRepl(opts.credentials.clone());
                Ok(Port::new(
                    Box::new(reader),
                    Box::new(writer),
                    Some(login),
                    KeepAlive::Nothing,
                ))
            }
        }
    }

    fn new(
        reader: Box<dyn TimedRead>,
        writer: Box<dyn Write + Send>,
        login: Option<Login>,
        keep_alive: KeepAlive,
    ) -> Port {
        Port {
            reader,
            writer: Arc::new(Mutex::new(writer)),
            login,
            keep_alive,
        }
    }

    /// Build a port from arbitrary halves (used by tests with scripted byte streams).
    pub(crate) fn from_parts(reader: Box<dyn TimedRead>, writer: Box<dyn Write + Send>) -> Port {
        Port::new(reader, writer, None, KeepAlive::Nothing)
    }
}

impl Drop for Port {
    fn drop(&mut self) {
        if let KeepAlive::Process(child) | KeepAlive::PtyProcess(child, _) = &mut self.keep_alive {
            sys::stop_process_group(child);
        }
    }
}

/// One second between tries to open a missing device; a close request ends it at once.
fn pause_between_tries(abort: Option<&AbortSignal>) -> Result<()> {
    const PAUSE: Duration = Duration::from_secs(1);
    let Some(abort) = abort else {
        std::thread::sleep(PAUSE);
        return Ok(());
    };
    let until = Instant::now() + PAUSE;
    loop {
        if abort.is_closing() {
            return Err(TransportError::Closed);
        }
        let left = until.saturating_duration_since(Instant::now());
        match wait_readable(abort.source(), Some(left), None) {
            Ok(Ready::TimedOut) => return Ok(()),
            // The close request (seen above), or a stale abort request: nothing runs yet.
            Ok(_) => {
                abort.take();
            }
            Err(e) => return Err(lost("waiting between tries to open the port failed", e)),
        }
    }
}

/// Errors worth another try: the device is not there (yet).
fn retryable(e: &TransportError) -> bool {
    matches!(
        e,
        TransportError::Open { .. } | TransportError::Usb(usb::UsbError::NotFound { .. })
    )
}

fn open_error(spec: &PortSpec, e: io::Error) -> TransportError {
    TransportError::Open {
        port: spec.to_string(),
        reason: e.to_string(),
    }
}

fn open_serial(path: &str, opts: &SerialOptions) -> Result<Port> {
    let open_err = |e: &dyn std::fmt::Display| TransportError::Open {
        port: path.to_string(),
        reason: e.to_string(),
    };
    let (port, reader, writer) =
        sys::open_serial(path, opts.baudrate, opts.exclusive).map_err(|e| open_err(&e))?;
    Ok(Port::new(
        Box::new(SourceReader(reader)),
        Box::new(writer),
        None,
        KeepAlive::Serial(port),
    ))
}

/// Write all of `bytes` through the shared writer and flush.
pub(crate) fn write_all(writer: &SharedWriter, bytes: &[u8]) -> io::Result<()> {
    let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
    w.write_all(bytes)?;
    w.flush()
}
