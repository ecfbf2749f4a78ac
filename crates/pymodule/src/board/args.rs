//! `Device(...)`'s arguments, bound as Belay binds them: Belay's `Pyboard` parameters (positional
//! or keyword; `attempts` positionally), then `Device`'s own keyword-only ones. Also the port
//! resolution (argument, `--port`, `BELAY_DEVICE`) and the connection the CLI starts early.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use belay_transport::{
    ConnectOptions, Connection, Credentials, PendingConnection, PortSpec, ReplOptions,
    SerialOptions,
};
use rustpython_vm::builtins::PyStr;
use rustpython_vm::function::{ArgIntoBool, ArgIntoFloat};
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use crate::errors::{self, ConnectionFailedError, connect_error, transport_error};
use crate::usb::PyUsbSpecifier;

static DEFAULT_PORT: OnceLock<Option<String>> = OnceLock::new();
static DEFAULT_CONNECT_TIMEOUT: OnceLock<Duration> = OnceLock::new();

/// A connection started before the script asked for it (see [`preconnect`]).
static EARLY: Mutex<Option<(String, PendingConnection)>> = Mutex::new(None);

/// The port `belay.Device()` uses when none is given (the CLI's `--port`).
pub fn set_default_port(port: Option<String>) {
    let _ = DEFAULT_PORT.set(port);
}

/// The longest a connect may take when `Device(connect_timeout=...)` is not given (the CLI's
/// `--connect-timeout`; 10 s otherwise).
pub fn set_default_connect_timeout(timeout: Duration) {
    let _ = DEFAULT_CONNECT_TIMEOUT.set(timeout);
}

fn default_connect_timeout() -> Duration {
    DEFAULT_CONNECT_TIMEOUT
        .get()
        .copied()
        .unwrap_or_else(|| ConnectOptions::default().connect_timeout)
}

/// `Device`'s default settings (what an early connection is made with).
fn early_options() -> ConnectOptions {
    ConnectOptions {
        connect_timeout: default_connect_timeout(),
        ..ConnectOptions::default()
    }
}

/// Start connecting to `port` with `Device`'s default settings now, while the interpreter
/// starts; the first `Device` for that port with default settings adopts the connection. Used by
/// the CLI when `--port` is given explicitly: the board is the one the user named.
pub fn preconnect(port: &str) {
    if let Ok(spec) = PortSpec::parse(port) {
        let pending = Connection::start(spec, early_options());
        *EARLY.lock().unwrap_or_else(|p| p.into_inner()) = Some((port.to_string(), pending));
    }
}

/// Close an early connection nobody adopted (call before the process exits).
pub fn release_preconnect() {
    let early = EARLY.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((_, pending)) = early {
        drop(pending.into_connection());
    }
}

/// The early connection for `port`, if it was made with `opts`. One made with other settings is
/// closed (a serial port can be open only once).
fn take_early(port: &str, opts: &ConnectOptions) -> Option<PendingConnection> {
    let mut early = EARLY.lock().unwrap_or_else(|p| p.into_inner());
    match early.take() {
        Some((p, pending)) if p == port && *opts == early_options() => Some(pending),
        Some((p, pending)) if p == port => {
            drop(pending.into_connection());
            None
        }
        other => {
            *early = other;
            None
        }
    }
}

/// `Device(device=None, baudrate=115200, user="micro", password="python", attempts=1,
/// exclusive=True, *, startup=None, attempts=0, auto_sync_time=True, timeout=None,
/// connect_timeout=10)`: Belay's
/// `Pyboard` parameters (the first `attempts`, positional only, is Pyboard's tries to connect),
/// then `Device`'s own (the keyword `attempts` is the number of automatic reconnects; `timeout` is
/// belay-run's: the longest a call may run; `connect_timeout` too: the longest connecting may
/// take, every step of it included).
#[derive(rustpython_vm::FromArgs)]
pub struct DeviceParams {
    #[pyarg(any, default)]
    device: Option<PyObjectRef>,
    #[pyarg(any, default)]
    baudrate: Option<u32>,
    #[pyarg(any, default)]
    user: Option<PyObjectRef>,
    #[pyarg(any, default)]
    password: Option<PyObjectRef>,
    #[pyarg(positional, default)]
    pyboard_attempts: Option<i32>,
    #[pyarg(any, default)]
    exclusive: Option<ArgIntoBool>,
    #[pyarg(named, default)]
    startup: Option<PyObjectRef>,
    #[pyarg(named, name = "attempts", default)]
    reconnect_attempts: Option<i32>,
    #[pyarg(named, default)]
    auto_sync_time: Option<ArgIntoBool>,
    #[pyarg(named, default)]
    timeout: Option<ArgIntoFloat>,
    #[pyarg(named, default)]
    connect_timeout: Option<ArgIntoFloat>,
}

/// The arguments of `Device(...)`, checked and resolved.
#[derive(Debug, Clone)]
pub struct DeviceArgs {
    /// The port string: the argument, `--port`, or `BELAY_DEVICE`.
    pub port: String,
    serial: SerialOptions,
    credentials: Credentials,
    /// Tries for the first connection (Pyboard's positional `attempts`, or derived from the
    /// keyword `attempts`: one more than the reconnect attempts; negative: forever).
    connect_attempts: i32,
    /// `Device(attempts=N)`: reconnect automatically N times (negative: forever; 0: never, and
    /// no command history).
    pub reconnect_attempts: i32,
    pub startup: Option<String>,
    pub timeout: Option<Duration>,
    /// The longest one connect may take (every step, the soft reset included).
    connect_timeout: Duration,
    /// Synchronise the clocks at start-up and time every call (`auto_sync_time`, default True).
    pub auto_sync_time: bool,
}

/// `value` as a str, or `default` when it is None.
fn text(
    value: Option<PyObjectRef>,
    name: &str,
    default: &str,
    vm: &VirtualMachine,
) -> PyResult<String> {
    match value {
        None => Ok(default.to_string()),
        Some(v) => Ok(v
            .downcast::<PyStr>()
            .map_err(|_| vm.new_type_error(format!("{name} must be a str")))?
            .to_string()),
    }
}

impl DeviceArgs {
    pub fn bind(p: DeviceParams, vm: &VirtualMachine) -> PyResult<DeviceArgs> {
        let reconnect_attempts = p.reconnect_attempts.unwrap_or(0);
        let connect_attempts = match p.pyboard_attempts {
            Some(0) => {
                return Err(vm.new_value_error(
                    "attempts must be a positive number of tries, or negative to retry forever",
                ));
            }
            Some(n) => n,
            None if reconnect_attempts < 0 => -1,
            None => reconnect_attempts.saturating_add(1),
        };
        let seconds = |value: Option<ArgIntoFloat>, name: &str| match value.map(f64::from) {
            None => Ok(None),
            Some(secs) if secs > 0.0 && secs.is_finite() => Ok(Some(Duration::from_secs_f64(secs))),
            Some(_) => Err(vm.new_value_error(format!(
                "{name} must be a positive number of seconds or None"
            ))),
        };
        let timeout = seconds(p.timeout, "timeout")?;
        let connect_timeout =
            seconds(p.connect_timeout, "connect_timeout")?.unwrap_or_else(default_connect_timeout);
        Ok(DeviceArgs {
            port: port(p.device, vm)?,
            serial: SerialOptions {
                baudrate: p.baudrate.unwrap_or(115_200),
                exclusive: p.exclusive.is_none_or(ArgIntoBool::into_bool),
            },
            credentials: Credentials {
                user: text(p.user, "user", "micro", vm)?,
                password: text(p.password, "password", "python", vm)?,
            },
            connect_attempts,
            reconnect_attempts,
            startup: p
                .startup
                .map(|s| text(Some(s), "startup", "", vm))
                .transpose()?,
            timeout,
            connect_timeout,
            auto_sync_time: p.auto_sync_time.is_none_or(ArgIntoBool::into_bool),
        })
    }

    /// Open the port and enter the raw REPL, waiting interruptibly; `attempts` overrides the
    /// number of tries.
    pub fn connect(&self, attempts: Option<i32>, vm: &VirtualMachine) -> PyResult<Connection> {
        let spec = PortSpec::parse(&self.port).map_err(|e| transport_error(vm, e))?;
        let opts = ConnectOptions {
            serial: self.serial.clone(),
            credentials: self.credentials.clone(),
            attempts: attempts.unwrap_or(self.connect_attempts),
            repl: ReplOptions::default(),
            connect_timeout: self.connect_timeout,
        };
        let pending = match take_early(&self.port, &opts) {
            Some(early) => early,
            None => Connection::start(spec, opts),
        };
        loop {
            vm.check_signals()?;
            match vm.allow_threads(|| pending.wait(Duration::from_millis(50))) {
                None => continue,
                Some(Ok(())) => return Ok(pending.into_connection()),
                Some(Err(e)) => return Err(connect_error(vm, &self.port, e)),
            }
        }
    }
}

/// The port string: the argument (a str, or a `belay.UsbSpecifier`), `--port`, or
/// `BELAY_DEVICE`.
fn port(given: Option<PyObjectRef>, vm: &VirtualMachine) -> PyResult<String> {
    if let Some(p) = given {
        if let Some(s) = p.downcast_ref::<PyStr>() {
            return Ok(s.to_string());
        }
        if let Some(u) = p.downcast_ref::<PyUsbSpecifier>() {
            return Ok(u.json());
        }
        return Err(vm.new_type_error(format!(
            "the port must be a str such as '/dev/ttyACM0' or a belay.UsbSpecifier, not '{}'",
            p.class().name()
        )));
    }
    let from_cli = DEFAULT_PORT.get().cloned().flatten();
    let from_env = std::env::var("BELAY_DEVICE")
        .ok()
        .filter(|s| !s.trim().is_empty());
    from_cli.or(from_env).ok_or_else(|| {
        let mut message = "no port given: call belay.Device('/dev/ttyACM0'), run `belay-run --port PORT script.py`, or set BELAY_DEVICE".to_string();
        if port_option_after_script(vm) {
            message.push_str(
                "\n--port goes before the script: `belay-run --port PORT script.py ARGS` \
                 (everything after the script is the script's own sys.argv)",
            );
        }
        errors::new::<ConnectionFailedError>(vm, message)
    })
}

/// Whether the script's own arguments hold `--port`/`-p` (`belay-run script.py --port X`: meant
/// for belay-run, but everything after the script is the script's).
fn port_option_after_script(vm: &VirtualMachine) -> bool {
    let Ok(argv) = vm.sys_module.get_attr("argv", vm) else {
        return false;
    };
    let Ok(words) = argv.try_into_value::<Vec<String>>(vm) else {
        return false;
    };
    words
        .iter()
        .skip(1)
        .any(|w| w == "--port" || w == "-p" || w.starts_with("--port="))
}
