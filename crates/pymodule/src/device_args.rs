//! `Device(...)` arguments: binding them as Belay does (belay-spec §1.2), finding the port, and
//! connecting.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use belay_transport::{
    ConnectOptions, Connection, Credentials, PendingConnection, PortSpec, ReplOptions,
    SerialOptions,
};
use rustpython_vm::builtins::PyStr;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

use crate::module::belay;
use crate::session::transport_error;
use crate::usb::PyUsbSpecifier;

static DEFAULT_PORT: OnceLock<Option<String>> = OnceLock::new();

/// A connection started before the script asked for it (see [`preconnect`]).
static EARLY: Mutex<Option<(String, PendingConnection)>> = Mutex::new(None);

/// The port `belay.Device()` uses when none is given (the CLI's `--port`).
pub fn set_default_port(port: Option<String>) {
    let _ = DEFAULT_PORT.set(port);
}

/// Start connecting to `port` with `Device`'s default settings now, while the interpreter
/// starts; the first `Device` for that port with default settings adopts the connection. Used by
/// the CLI when `--port` is given explicitly: the board is the one the user named.
pub fn preconnect(port: &str) {
    if let Ok(spec) = PortSpec::parse(port) {
        let pending = Connection::start(spec, ConnectOptions::default());
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
        Some((p, pending)) if p == port && *opts == ConnectOptions::default() => Some(pending),
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

/// Belay's `Pyboard` parameters, in positional order.
const PYBOARD_PARAMS: [&str; 6] = [
    "device",
    "baudrate",
    "user",
    "password",
    "attempts",
    "exclusive",
];
/// `Device`'s own keyword-only parameters (`timeout` is belay-run's: the longest a call may run).
const DEVICE_KEYWORDS: [&str; 4] = ["startup", "attempts", "auto_sync_time", "timeout"];

/// The arguments of `Device(...)` after binding.
#[derive(Clone)]
pub struct DeviceArgs {
    port: Option<PyObjectRef>,
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
    /// Synchronise the clocks at start-up and time every call (`auto_sync_time`, default True).
    pub auto_sync_time: bool,
}

impl DeviceArgs {
    pub fn bind(mut args: FuncArgs, vm: &VirtualMachine) -> PyResult<DeviceArgs> {
        if args.args.len() > PYBOARD_PARAMS.len() {
            return Err(vm.new_type_error(format!(
                "Device() takes at most {} positional arguments ({} given)",
                PYBOARD_PARAMS.len(),
                args.args.len()
            )));
        }
        let mut named: Vec<(&str, PyObjectRef)> = PYBOARD_PARAMS
            .iter()
            .copied()
            .zip(std::mem::take(&mut args.args))
            .collect();
        let mut own: Vec<(String, PyObjectRef)> = Vec::new();
        for (key, value) in args.kwargs {
            let key = key.to_string();
            if DEVICE_KEYWORDS.contains(&key.as_str()) {
                own.push((key, value));
                continue;
            }
            match PYBOARD_PARAMS.iter().find(|p| **p == key) {
                Some(p) if named.iter().any(|(n, _)| n == p) => {
                    return Err(vm.new_type_error(format!(
                        "Device() got multiple values for argument '{key}'"
                    )));
                }
                Some(p) => named.push((p, value)),
                None => {
                    return Err(vm.new_type_error(format!(
                        "Device() got an unexpected keyword argument '{key}'"
                    )));
                }
            }
        }
        let get = |list: &[(&str, PyObjectRef)], name: &str| {
            list.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .filter(|v| !vm.is_none(v))
        };
        let own: Vec<(&str, PyObjectRef)> =
            own.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();

        let text = |v: Option<PyObjectRef>, name: &str, default: &str| -> PyResult<String> {
            match v {
                None => Ok(default.to_string()),
                Some(v) => Ok(v
                    .downcast::<PyStr>()
                    .map_err(|_| vm.new_type_error(format!("{name} must be a str")))?
                    .to_string()),
            }
        };
        let pyboard_attempts = match get(&named, "attempts") {
            Some(a) => Some(a.try_into_value::<i32>(vm)?),
            None => None,
        };
        let reconnect_attempts = match get(&own, "attempts") {
            Some(a) => a.try_into_value::<i32>(vm)?,
            None => 0,
        };
        let connect_attempts = match pyboard_attempts {
            Some(0) => {
                return Err(vm.new_value_error(
                    "attempts must be a positive number of tries, or negative to retry forever",
                ));
            }
            Some(n) => n,
            None if reconnect_attempts < 0 => -1,
            None => reconnect_attempts.saturating_add(1),
        };
        let timeout = match get(&own, "timeout") {
            None => None,
            Some(t) => {
                let secs: f64 = t.try_into_value(vm)?;
                if !(secs > 0.0 && secs.is_finite()) {
                    return Err(
                        vm.new_value_error("timeout must be a positive number of seconds or None")
                    );
                }
                Some(Duration::from_secs_f64(secs))
            }
        };
        Ok(DeviceArgs {
            port: get(&named, "device"),
            serial: SerialOptions {
                baudrate: match get(&named, "baudrate") {
                    Some(b) => b.try_into_value::<u32>(vm)?,
                    None => 115_200,
                },
                exclusive: match get(&named, "exclusive") {
                    Some(e) => e.try_to_bool(vm)?,
                    None => true,
                },
            },
            credentials: Credentials {
                user: text(get(&named, "user"), "user", "micro")?,
                password: text(get(&named, "password"), "password", "python")?,
            },
            connect_attempts,
            reconnect_attempts,
            startup: match get(&own, "startup") {
                None => None,
                Some(s) => Some(text(Some(s), "startup", "")?),
            },
            timeout,
            auto_sync_time: match get(&own, "auto_sync_time") {
                Some(v) => v.try_to_bool(vm)?,
                None => true,
            },
        })
    }

    /// The port string: the argument, `--port`, or `BELAY_DEVICE`.
    fn port(&self, vm: &VirtualMachine) -> PyResult<String> {
        if let Some(p) = &self.port {
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
            vm.new_exception_msg(
                belay::connection_failed_error(vm),
                "no port given: call belay.Device('/dev/ttyACM0'), run `belay-run --port PORT script.py`, or set BELAY_DEVICE"
                    .into(),
            )
        })
    }

    /// Open the port and enter the raw REPL, waiting interruptibly; `attempts` overrides the
    /// number of tries.
    pub fn connect(&self, attempts: Option<i32>, vm: &VirtualMachine) -> PyResult<Connection> {
        let port = self.port(vm)?;
        let spec = PortSpec::parse(&port).map_err(|e| transport_error(vm, e))?;
        let opts = ConnectOptions {
            serial: self.serial.clone(),
            credentials: self.credentials.clone(),
            attempts: attempts.unwrap_or(self.connect_attempts),
            repl: ReplOptions::default(),
        };
        let pending = match take_early(&port, &opts) {
            Some(early) => early,
            None => Connection::start(spec, opts),
        };
        loop {
            vm.check_signals()?;
            match vm.allow_threads(|| pending.wait(Duration::from_millis(50))) {
                None => continue,
                Some(Ok(())) => return Ok(pending.into_connection()),
                Some(Err(e)) => {
                    let exc = transport_error(vm, e);
                    // Keep the specific class (AuthenticationError, DeviceNotFoundError, ...);
                    // other failures to connect are ConnectionFailedError.
                    let class = exc.class().to_owned();
                    let class = if class.is(&belay::pyboard_error(vm))
                        || class.is(&belay::connection_lost(vm))
                    {
                        belay::connection_failed_error(vm)
                    } else {
                        class
                    };
                    let msg = format!("could not connect to {port}: {}", exc.as_object().str(vm)?);
                    return Err(vm.new_exception_msg(class, msg.into()));
                }
            }
        }
    }
}
