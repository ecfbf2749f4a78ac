//! `belay.Device`: connecting, the start-up sequence, `device(cmd)`, closing.

use std::sync::Arc;

use rustpython_vm::builtins::PyStr;
use rustpython_vm::common::lock::{PyMutex, PyRwLock};
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Constructor, DefaultConstructor, Initializer, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::device_args::DeviceArgs;
use crate::executer::{Executer, Kind};
use crate::module::belay;
use crate::session::{Context, Output, Session, parse_reply};
use crate::snippets;
use crate::source::dedent;

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

impl Initializer for Device {
    type Args = FuncArgs;

    fn init(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
        let args = DeviceArgs::bind(args, vm)?;
        let conn = args.connect(vm)?;
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
        let (implementation, base64, int_arrays) =
            Implementation::from_reply(parse_reply(vm, &reply, false)?, vm)?;
        session.set_helpers(base64, int_arrays);
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
    /// From the helpers' `(name, version, platform, _mpy, has_base64, has_int_arrays)` tuple.
    fn from_reply(
        value: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<(Implementation, bool, bool)> {
        let bad = || {
            vm.new_exception_msg(
                belay::internal_error(vm),
                "unexpected implementation tuple from the board".into(),
            )
        };
        let items: Vec<PyObjectRef> = value.try_to_value(vm).map_err(|_| bad())?;
        let [name, version, platform, mpy, base64, int_arrays] = items.as_slice() else {
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
        Ok((
            implementation,
            base64.clone().try_to_bool(vm)?,
            int_arrays.clone().try_to_bool(vm)?,
        ))
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
