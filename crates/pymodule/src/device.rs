//! `belay.Device`: connecting, the start-up sequence, `device(cmd)`, closing.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use belay_transport::{ConnectOptions, Connection, PortSpec, ReplOptions, SerialOptions};
use rustpython_vm::builtins::PyStr;
use rustpython_vm::common::lock::{PyMutex, PyRwLock};
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Constructor, DefaultConstructor, Initializer, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::executer::{Executer, Kind};
use crate::module::belay;
use crate::session::{Context, Output, Session, parse_reply, transport_error};
use crate::snippets;
use crate::source::dedent;

static DEFAULT_PORT: OnceLock<Option<String>> = OnceLock::new();

/// The port `belay.Device()` uses when none is given (the CLI's `--port`).
pub fn set_default_port(port: Option<String>) {
    let _ = DEFAULT_PORT.set(port);
}

/// Architectures by `sys.implementation._mpy >> 10` (MicroPython's `MP_NATIVE_ARCH_*` order).
const ARCHITECTURES: [Option<&str>; 13] = [
    None,
    Some("x86"),
    Some("x64"),
    Some("armv6"),
    Some("armv6m"),
    Some("armv7m"),
    Some("armv7em"),
    Some("armv7emsp"),
    Some("armv7emdp"),
    Some("xtensa"),
    Some("xtensawin"),
    Some("rv32imc"),
    Some("rv64imc"),
];

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

#[pyclass(module = "belay", name = "Device")]
#[derive(Default, PyPayload)]
pub struct Device {
    session: PyRwLock<Option<Arc<Session>>>,
    implementation: PyRwLock<Option<PyObjectRef>>,
    atexit_hook: PyMutex<Option<PyObjectRef>>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("session", &*self.session.read())
            .finish()
    }
}

impl DefaultConstructor for Device {}

/// The arguments of `Device(...)` after binding.
struct DeviceArgs {
    port: Option<PyObjectRef>,
    baudrate: u32,
    exclusive: bool,
    startup: Option<String>,
    timeout: Option<Duration>,
}

fn bind_device_args(mut args: FuncArgs, vm: &VirtualMachine) -> PyResult<DeviceArgs> {
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
    let mut startup = None;
    let mut timeout = None;
    for (key, value) in args.kwargs {
        let key = key.to_string();
        if DEVICE_KEYWORDS.contains(&key.as_str()) {
            match key.as_str() {
                "startup" => startup = Some(value),
                "timeout" if !vm.is_none(&value) => {
                    let secs: f64 = value.try_into_value(vm)?;
                    if !(secs > 0.0 && secs.is_finite()) {
                        return Err(vm.new_value_error(
                            "timeout must be a positive number of seconds or None",
                        ));
                    }
                    timeout = Some(Duration::from_secs_f64(secs));
                }
                _ => {}
            }
            continue;
        }
        match PYBOARD_PARAMS.iter().find(|p| **p == key) {
            Some(p) if named.iter().any(|(n, _)| n == p) => {
                return Err(
                    vm.new_type_error(format!("Device() got multiple values for argument '{key}'"))
                );
            }
            Some(p) => named.push((p, value)),
            None => {
                return Err(vm.new_type_error(format!(
                    "Device() got an unexpected keyword argument '{key}'"
                )));
            }
        }
    }
    let get = |name: &str| {
        named
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let baudrate = match get("baudrate") {
        Some(b) => b.try_into_value::<u32>(vm)?,
        None => 115_200,
    };
    let exclusive = match get("exclusive") {
        Some(e) => e.try_to_bool(vm)?,
        None => true,
    };
    let startup = match startup {
        None => None,
        Some(s) if vm.is_none(&s) => None,
        Some(s) => Some(
            s.downcast::<PyStr>()
                .map_err(|_| vm.new_type_error("startup must be a str or None"))?
                .to_string(),
        ),
    };
    Ok(DeviceArgs {
        port: get("device").filter(|p| !vm.is_none(p)),
        baudrate,
        exclusive,
        startup,
        timeout,
    })
}

fn resolve_port(port: Option<PyObjectRef>, vm: &VirtualMachine) -> PyResult<String> {
    if let Some(p) = port {
        return match p.downcast::<PyStr>() {
            Ok(s) => Ok(s.to_string()),
            Err(p) => Err(vm.new_type_error(format!(
                "the port must be a str such as '/dev/ttyACM0', not '{}'",
                p.class().name()
            ))),
        };
    }
    let from_cli = DEFAULT_PORT.get().cloned().flatten();
    let from_env = std::env::var("BELAY_DEVICE")
        .ok()
        .filter(|s| !s.trim().is_empty());
    match from_cli.or(from_env) {
        Some(p) if p.trim_start().starts_with('{') => Err(vm.new_exception_msg(
            belay::connection_failed_error(vm),
            format!("BELAY_DEVICE holds a USB specifier ({p}); selecting a board by USB properties is not supported yet, give its port instead").into(),
        )),
        Some(p) => Ok(p),
        None => Err(vm.new_exception_msg(
            belay::connection_failed_error(vm),
            "no port given: call belay.Device('/dev/ttyACM0'), run `belay-run --port PORT script.py`, or set BELAY_DEVICE".into(),
        )),
    }
}

/// Open the port and enter the raw REPL, waiting interruptibly.
fn connect(port: &str, args: &DeviceArgs, vm: &VirtualMachine) -> PyResult<Connection> {
    let spec = PortSpec::parse(port).map_err(|e| transport_error(vm, e))?;
    let opts = ConnectOptions {
        serial: SerialOptions {
            baudrate: args.baudrate,
            exclusive: args.exclusive,
        },
        repl: ReplOptions {
            soft_reset: spec.soft_reset_on_connect(),
            ..ReplOptions::default()
        },
    };
    let pending = Connection::start(spec, opts);
    loop {
        vm.check_signals()?;
        match vm.allow_threads(|| pending.wait(Duration::from_millis(50))) {
            None => continue,
            Some(Ok(())) => return Ok(pending.into_connection()),
            Some(Err(e)) => {
                let exc = transport_error(vm, e);
                let msg = format!("could not connect to {port}: {}", exc.as_object().str(vm)?);
                return Err(vm.new_exception_msg(belay::connection_failed_error(vm), msg.into()));
            }
        }
    }
}

impl Initializer for Device {
    type Args = FuncArgs;

    fn init(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
        let args = bind_device_args(args, vm)?;
        let port = resolve_port(args.port.clone(), vm)?;
        let conn = connect(&port, &args, vm)?;
        let marker = format!("_BELAY{}|", belay_transport::token::random_token(16));
        let session = Arc::new(Session::new(conn, marker, args.timeout));
        *zelf.session.write() = Some(session.clone());
        if let Err(e) = Self::start_up(zelf, &session, args.startup.as_deref(), vm) {
            // Do not leave a half-initialised connection open.
            zelf.session.write().take();
            vm.allow_threads(|| session.close());
            return Err(e);
        }

        let obj = zelf.as_object();
        let close = obj.get_attr("close", vm)?;
        vm.import("atexit", 0)?
            .get_attr("register", vm)?
            .call((close.clone(),), vm)?;
        *zelf.atexit_hook.lock() = Some(close);
        Ok(())
    }
}

impl Device {
    /// Helpers, implementation detection, start-up code and the executers.
    fn start_up(
        zelf: &Py<Self>,
        session: &Session,
        startup: Option<&str>,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let no_map = Context { module: None };
        // Helpers, and the implementation in the same round trip.
        let helpers = snippets::HELPERS.replace("@MARKER@", session.marker());
        let reply = session.run(vm, helpers, Output::Stdout, &no_map)?;
        let Some(reply) = reply else {
            return Err(vm.new_exception_msg(
                belay::not_belay_response_error(vm),
                "the board did not answer the start-up helpers".into(),
            ));
        };
        let (implementation, base64) =
            Implementation::from_reply(parse_reply(vm, &reply, false)?, vm)?;
        session.set_base64(base64);
        let impl_name = implementation.name.clone();
        *zelf.implementation.write() = Some(implementation.into_ref(&vm.ctx).into());

        match startup {
            None => {
                if let Some(code) = snippets::convenience_imports(&impl_name) {
                    session.run(vm, code.to_string(), Output::Stdout, &no_map)?;
                }
            }
            Some("") => {}
            Some(code) => {
                session.run(vm, dedent(code), Output::Stdout, &no_map)?;
            }
        }

        let obj = zelf.as_object();
        for kind in [Kind::Setup, Kind::Task] {
            let executer = Executer::new(zelf.to_owned(), kind).into_ref(&vm.ctx);
            obj.set_attr(kind.attr_name(), executer, vm)?;
        }
        Ok(())
    }

    /// The live session, or `ConnectionLost` when the device was closed.
    pub fn session(&self, vm: &VirtualMachine) -> PyResult<Arc<Session>> {
        self.session.read().clone().ok_or_else(|| {
            vm.new_exception_msg(belay::connection_lost(vm), "the device is closed".into())
        })
    }
}

#[pyclass(
    with(Constructor, Initializer, Callable, Representable),
    flags(BASETYPE, HAS_DICT)
)]
impl Device {
    /// Close the connection (idempotent). Also registered with `atexit`.
    #[pymethod]
    fn close(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        let session = zelf.session.write().take();
        if let Some(session) = session {
            vm.allow_threads(|| session.close());
        }
        if let Some(hook) = zelf.atexit_hook.lock().take() {
            vm.import("atexit", 0)?
                .get_attr("unregister", vm)?
                .call((hook,), vm)?;
        }
        Ok(())
    }

    #[pymethod]
    fn __enter__(zelf: PyRef<Self>) -> PyRef<Self> {
        zelf
    }

    #[pymethod]
    fn __exit__(zelf: &Py<Self>, _args: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
        Self::close(zelf, vm)
    }

    /// Name, version, platform and architecture of the board's firmware.
    #[pygetset]
    fn implementation(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.implementation
            .read()
            .clone()
            .unwrap_or_else(|| vm.ctx.none())
    }

    /// The port this device is connected to (None once closed).
    #[pygetset]
    fn port(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        match &*zelf.session.read() {
            Some(s) => vm.ctx.new_str(s.port()).into(),
            None => vm.ctx.none(),
        }
    }
}

/// Keywords of `device(cmd, ...)` (belay-spec §1.3).
const CALL_KEYWORDS: [&str; 8] = [
    "minify",
    "stream_out",
    "record",
    "trusted",
    "proxy",
    "delete",
    "with_timing",
    "return_time",
];

impl Callable for Device {
    type Args = FuncArgs;

    /// `device("1 + 2")` → 3; `device("x = 1")` → None.
    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let [cmd] = args.args.as_slice() else {
            return Err(vm.new_type_error(
                "device(cmd) takes exactly one positional argument, the code to run",
            ));
        };
        let cmd = cmd
            .downcast_ref::<PyStr>()
            .ok_or_else(|| vm.new_type_error("device(cmd): cmd must be a str of Python code"))?
            .to_string();
        let mut output = Output::Stdout;
        let mut trusted = false;
        for (key, value) in &args.kwargs {
            let key = key.to_string();
            match key.as_str() {
                "stream_out" => {
                    output = Output::Stream((!vm.is_none(value)).then(|| value.clone()))
                }
                "trusted" => trusted = value.clone().try_to_bool(vm)?,
                "proxy" | "return_time" if value.clone().try_to_bool(vm)? => {
                    return Err(vm.new_not_implemented_error(format!(
                        "device(..., {key}=True) is not supported by this version of belay-run"
                    )));
                }
                k if CALL_KEYWORDS.contains(&k) => {}
                _ => {
                    return Err(vm.new_type_error(format!(
                        "device() got an unexpected keyword argument '{key}'"
                    )));
                }
            }
        }
        let session = zelf.session(vm)?;
        let code = dedent(&cmd);
        let ctx = Context { module: None };
        if is_expression(&code) {
            session.eval(vm, code.trim_end(), output, trusted, &ctx)
        } else {
            session.run(vm, code, output, &ctx)?;
            Ok(vm.ctx.none())
        }
    }
}

impl Representable for Device {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(match &*zelf.session.read() {
            Some(s) => format!("<belay.Device port={:?}>", s.port()),
            None => "<belay.Device (closed)>".to_string(),
        })
    }
}

/// Whether `code` is a single Python expression (so its value is returned).
pub fn is_expression(code: &str) -> bool {
    !code.trim().is_empty() && ruff_python_parser::parse_expression(code.trim()).is_ok()
}

/// `device.implementation`.
#[pyclass(module = "belay", name = "Implementation")]
#[derive(Debug, PyPayload)]
pub struct Implementation {
    name: String,
    version: PyObjectRef,
    platform: String,
    arch: Option<&'static str>,
}

impl Implementation {
    /// From the helpers' `(name, version, platform, _mpy, has_base64)` tuple.
    fn from_reply(value: PyObjectRef, vm: &VirtualMachine) -> PyResult<(Implementation, bool)> {
        let bad = || {
            vm.new_exception_msg(
                belay::internal_error(vm),
                "unexpected implementation tuple from the board".into(),
            )
        };
        let items: Vec<PyObjectRef> = value.try_to_value(vm).map_err(|_| bad())?;
        let [name, version, platform, mpy, base64] = items.as_slice() else {
            return Err(bad());
        };
        let arch = if vm.is_none(mpy) {
            None
        } else {
            let mpy: u64 = mpy.clone().try_into_value(vm).map_err(|_| bad())?;
            usize::try_from(mpy >> 10)
                .ok()
                .and_then(|i| ARCHITECTURES.get(i).copied())
                .flatten()
        };
        let implementation = Implementation {
            name: name.str(vm)?.to_string(),
            version: version.clone(),
            platform: platform.str(vm)?.to_string(),
            arch,
        };
        Ok((implementation, base64.clone().try_to_bool(vm)?))
    }
}

#[pyclass(with(Representable))]
impl Implementation {
    #[pygetset]
    fn name(zelf: &Py<Self>) -> String {
        zelf.name.clone()
    }
    #[pygetset]
    fn version(zelf: &Py<Self>) -> PyObjectRef {
        zelf.version.clone()
    }
    #[pygetset]
    fn platform(zelf: &Py<Self>) -> String {
        zelf.platform.clone()
    }
    #[pygetset]
    fn arch(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        match zelf.arch {
            Some(a) => vm.ctx.new_str(a).into(),
            None => vm.ctx.none(),
        }
    }
}

impl Representable for Implementation {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!(
            "Implementation(name={:?}, version={}, platform={:?}, arch={:?})",
            zelf.name,
            zelf.version.repr(vm)?,
            zelf.platform,
            zelf.arch
        ))
    }
}
