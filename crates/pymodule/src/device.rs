//! `belay.Device`: connecting, the start-up sequence, `device(cmd)`, closing.

use std::sync::Arc;

use rustpython_vm::builtins::{PyStr, PyStrRef};
use rustpython_vm::common::lock::{PyMutex, PyRwLock};
use rustpython_vm::function::{FuncArgs, OptionalArg};
use rustpython_vm::types::{Callable, Constructor, DefaultConstructor, Initializer, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::device_args::DeviceArgs;
use crate::executer::{Executer, Kind};
use crate::implementation::Implementation;
use crate::implementation::emitters_from;
use crate::marks;
use crate::minify::minify;
use crate::module::belay;
use crate::proxy::ProxyObject;
use crate::session::host_now;
use crate::session::{Context, Output, Session, parse_reply};
use crate::snippets;
use crate::source::dedent;
use crate::timesync::{self, Sample, TimeSync};

#[pyclass(module = "belay", name = "Device")]
#[derive(Default, PyPayload)]
pub struct Device {
    session: PyRwLock<Option<Arc<Session>>>,
    implementation: PyRwLock<Option<PyRef<Implementation>>>,
    /// The device's setup, task, thread and teardown executers.
    executers: PyRwLock<Vec<PyRef<Executer>>>,
    /// How the device was made (for `reconnect`).
    args: PyRwLock<Option<DeviceArgs>>,
    /// Commands to replay after a reconnect (only with `attempts`).
    history: PyMutex<Vec<String>>,
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
        let session = Self::open_session(&args, None, vm)?;
        *zelf.session.write() = Some(session.clone());
        *zelf.args.write() = Some(args.clone());
        if let Err(e) = Self::start_up(zelf, &session, &args, vm) {
            // Do not leave a half-initialised connection open.
            zelf.session.write().take();
            vm.allow_threads(|| session.close());
            return Err(e);
        }
        Ok(())
    }
}

/// Most commands remembered for replay after a reconnect (belay-spec §1.10).
const MAX_HISTORY: usize = 1000;

impl Device {
    /// Connect and wrap the connection in a session.
    fn open_session(
        args: &DeviceArgs,
        attempts: Option<i32>,
        vm: &VirtualMachine,
    ) -> PyResult<Arc<Session>> {
        let conn = args.connect(attempts, vm)?;
        let marker = format!("_BELAY{}|", belay_transport::token::random_token(16));
        Ok(Arc::new(Session::new(conn, marker, args.timeout)))
    }

    /// The board-side helpers, the implementation, emitters and clock: what every fresh
    /// connection needs before anything else runs.
    fn prepare(
        session: &Session,
        args: &DeviceArgs,
        vm: &VirtualMachine,
    ) -> PyResult<Implementation> {
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
        let impl_name = implementation.name_str().to_string();

        // Native code emitters: one exec, both decorators (belay-spec §1.12).
        let emitters = match session.run(
            vm,
            snippets::EMITTERS.to_string(),
            Output::Stream(None),
            &no_map,
        ) {
            Ok(_) => emitters_from(None),
            Err(e) if e.fast_isinstance(&belay::pyboard_exception(vm)) => {
                emitters_from(Some(e.as_object().str(vm)?.as_ref()))
            }
            Err(e) => return Err(e),
        };
        implementation.set_emitters(emitters);

        // The board clock, and how far its ticks count before wrapping.
        let ticks_max = session
            .run(
                vm,
                snippets::time_helpers(&impl_name).to_string(),
                Output::Stdout,
                &no_map,
            )?
            .map(|t| parse_reply(vm, &t, false))
            .transpose()?
            .ok_or_else(|| {
                vm.new_exception_msg(
                    belay::not_belay_response_error(vm),
                    "no TICKS_MAX from the board".into(),
                )
            })?
            .try_into_value::<u64>(vm)?;
        *session.clock() = TimeSync::new(ticks_max);
        session.set_timing(args.auto_sync_time);
        Ok(implementation)
    }

    /// `startup`: the implementation's convenience imports by default, nothing for `""`.
    fn run_startup(
        session: &Session,
        args: &DeviceArgs,
        impl_name: &str,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let code = match args.startup.as_deref() {
            None => snippets::convenience_imports(impl_name).map(str::to_string),
            Some("") => None,
            Some(code) => Some(dedent(code)),
        };
        if let Some(code) = code {
            session.run(vm, code, Output::Stdout, &Context { module: None })?;
        }
        Ok(())
    }

    /// Belay's start-up sequence (belay-spec §1.2) after the connection is made.
    fn start_up(
        zelf: &Py<Self>,
        session: &Session,
        args: &DeviceArgs,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let implementation = Self::prepare(session, args, vm)?;
        let impl_name = implementation.name_str().to_string();
        *zelf.implementation.write() = Some(implementation.into_ref(&vm.ctx));

        // The executers, then the class-level board functions for this implementation.
        let obj = zelf.as_object().to_owned();
        let executers: Vec<PyRef<Executer>> = Kind::ALL
            .iter()
            .map(|&kind| Executer::new(zelf.to_owned(), kind).into_ref(&vm.ctx))
            .collect();
        *zelf.executers.write() = executers.clone();
        for e in &executers {
            obj.set_attr(
                vm.ctx
                    .intern_str(format!("_belay_{}", e.kind().attr_name())),
                e.clone(),
                vm,
            )?;
        }
        let wrapped = marks::wrap_class_functions(&obj, &impl_name, &executers, vm)?;
        for e in &executers {
            let name = e.kind().attr_name();
            if !wrapped.names.iter().any(|n| n == name) && !Self::class_defines(&obj, name, vm)? {
                obj.set_attr(name, e.clone(), vm)?;
            }
        }

        Self::run_startup(session, args, &impl_name, vm)?;
        if args.auto_sync_time {
            Self::sync_clock(session, 10, vm)?;
        }
        vm.call_method(&obj, "__pre_autoinit__", ())?;
        for setup in wrapped.autoinit {
            setup.call((), vm)?;
        }
        let close = obj.get_attr("close", vm)?;
        vm.import("atexit", 0)?
            .get_attr("register", vm)?
            .call((close.clone(),), vm)?;
        *zelf.atexit_hook.lock() = Some(close);
        vm.call_method(&obj, "__post_init__", ())?;
        Ok(())
    }

    /// Run `f` on the live session. With reconnect `attempts`, a lost connection is made again
    /// (recorded commands replayed) and `f` tried once more. `record`: the code to replay after
    /// a future reconnect, remembered only once it succeeded (so a failed command runs once).
    pub fn board<T>(
        zelf: &Py<Self>,
        vm: &VirtualMachine,
        record: Option<&str>,
        f: impl Fn(&Session) -> PyResult<T>,
    ) -> PyResult<T> {
        let session = zelf.session(vm)?;
        let result = match f(&session) {
            Err(e)
                if zelf.reconnect_attempts() != 0
                    && e.fast_isinstance(&belay::connection_lost(vm)) =>
            {
                drop(session);
                Self::reconnect_now(zelf, None, vm)?;
                f(&*zelf.session(vm)?)
            }
            other => other,
        };
        if let (Ok(_), Some(code)) = (&result, record)
            && zelf.reconnect_attempts() != 0
        {
            let mut history = zelf.history.lock();
            if history.len() < MAX_HISTORY {
                history.push(code.to_string());
            }
        }
        result
    }

    fn reconnect_attempts(&self) -> i32 {
        self.args
            .read()
            .as_ref()
            .map_or(0, |a| a.reconnect_attempts)
    }

    /// Connect again and replay the recorded commands (belay-spec §1.10).
    fn reconnect_now(zelf: &Py<Self>, attempts: Option<i32>, vm: &VirtualMachine) -> PyResult<()> {
        let history = zelf.history.lock().clone();
        if history.len() >= MAX_HISTORY {
            return Err(vm.new_exception_msg(
                belay::max_history_length_error(vm),
                format!("more than {MAX_HISTORY} commands were recorded: the board state cannot be rebuilt").into(),
            ));
        }
        let args = zelf.args.read().clone().ok_or_else(|| {
            vm.new_exception_msg(
                belay::connection_lost(vm),
                "the device was never connected".into(),
            )
        })?;
        let attempts = attempts
            .filter(|&a| a != 0)
            .unwrap_or(match args.reconnect_attempts {
                0 => 1,
                n => n,
            });
        let old = zelf.session.write().take();
        if let Some(old) = &old {
            vm.allow_threads(|| old.close());
        }
        let lost = |e: rustpython_vm::builtins::PyBaseExceptionRef| {
            let msg = e
                .as_object()
                .str(vm)
                .map(|s| s.to_string())
                .unwrap_or_default();
            vm.new_exception_msg(
                belay::connection_lost(vm),
                format!("reconnecting failed: {msg}").into(),
            )
        };
        let session = Self::open_session(&args, Some(attempts), vm).map_err(lost)?;
        if let Some(old) = &old {
            session.inherit_code_map(old);
        }
        let implementation = Self::prepare(&session, &args, vm)?;
        Self::run_startup(&session, &args, implementation.name_str(), vm)?;
        for code in &history {
            session.run(vm, code.clone(), Output::Stdout, &Context { module: None })?;
        }
        if args.auto_sync_time {
            Self::sync_clock(&session, 10, vm)?;
        }
        *zelf.session.write() = Some(session);
        Ok(())
    }

    /// Whether a class of `obj` other than `Device` itself defines `name`.
    fn class_defines(obj: &PyObjectRef, name: &str, vm: &VirtualMachine) -> PyResult<bool> {
        let device_type = Device::class(&vm.ctx);
        let mro: Vec<PyObjectRef> = obj
            .class()
            .as_object()
            .get_attr("__mro__", vm)?
            .try_to_value(vm)?;
        for klass in mro {
            if klass.is(device_type.as_object()) {
                continue;
            }
            let dict = klass.get_attr("__dict__", vm)?;
            if vm
                .call_method(&dict, "__contains__", (name,))?
                .try_to_bool(vm)?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `expr`'s value on the board, parsed as a literal.
    pub fn eval_value(zelf: &Py<Self>, expr: &str, vm: &VirtualMachine) -> PyResult {
        Self::board(zelf, vm, None, |s| {
            s.eval(vm, expr, Output::Stdout, false, &Context { module: None })
        })
    }

    /// Run statements on the board.
    pub fn exec_statement(zelf: &Py<Self>, code: String, vm: &VirtualMachine) -> PyResult<()> {
        Self::board(zelf, vm, None, |s| {
            s.run(vm, code.clone(), Output::Stdout, &Context { module: None })
        })?;
        Ok(())
    }

    /// `expr` on the board: immutable values come back as values, anything else stays on the
    /// board as `__belay_obj_N` and comes back as a `ProxyObject`.
    pub fn eval_proxied(
        zelf: &Py<Self>,
        expr: &str,
        delete: bool,
        vm: &VirtualMachine,
    ) -> PyResult {
        Self::proxied_with(zelf, expr, delete, Output::Stdout, vm)
    }

    fn proxied_with(
        zelf: &Py<Self>,
        expr: &str,
        delete: bool,
        output: Output,
        vm: &VirtualMachine,
    ) -> PyResult {
        let reply = Self::board(zelf, vm, None, |s| {
            s.run(
                vm,
                format!("__belay_p(({expr}\n))"),
                output.clone(),
                &Context { module: None },
            )
        })?;
        let Some(reply) = reply else {
            return Err(vm.new_exception_msg(
                belay::not_belay_response_error(vm),
                "the board finished without printing a result".into(),
            ));
        };
        if let Some(n) = reply.strip_prefix(b"P")
            && !n.is_empty()
            && n.iter().all(u8::is_ascii_digit)
        {
            let name = format!("__belay_obj_{}", String::from_utf8_lossy(n));
            return Ok(ProxyObject::new(zelf.to_owned(), name, delete)
                .into_ref(&vm.ctx)
                .into());
        }
        parse_reply(vm, &reply, false)
    }

    /// Belay's `sync_time`: up to `samples` reads of the board clock, the fastest round trips
    /// decide the offset (device − host, seconds).
    fn sync_clock(session: &Session, samples: usize, vm: &VirtualMachine) -> PyResult<f64> {
        let mut taken = Vec::with_capacity(samples);
        for _ in 0..samples.max(1) {
            let sent = host_now();
            let (value, _) = session.eval_timed(
                vm,
                "__belay_monotonic()",
                Output::Stdout,
                false,
                Some(false),
                &Context { module: None },
            )?;
            let received = host_now();
            taken.push(Sample {
                sent,
                tick: value.try_into_value(vm)?,
                received,
            });
            if timesync::enough(&taken) {
                break;
            }
        }
        let offset = timesync::synchronise(&mut session.clock(), &taken);
        offset.ok_or_else(|| vm.new_value_error("no time samples"))
    }

    /// The board's implementation name, once connected.
    pub fn implementation_name(&self) -> Option<String> {
        self.implementation
            .read()
            .as_ref()
            .map(|i| i.name_str().to_string())
    }

    /// The board runs on a desktop OS and its filesystem is the host's (the unix ports).
    pub fn files_are_the_hosts(&self) -> bool {
        self.implementation
            .read()
            .as_ref()
            .is_some_and(|i| i.files_are_the_hosts())
    }

    /// Whether the board accepts the `@micropython.<name>` code emitter.
    pub fn has_emitter(&self, name: &str) -> bool {
        self.implementation
            .read()
            .as_ref()
            .is_some_and(|i| i.has_emitter(name))
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
    /// Run the teardowns, then close the connection (idempotent). Also registered with `atexit`.
    #[pymethod]
    fn close(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        if zelf.session.read().is_none() {
            return Ok(());
        }
        let mut failure = None;
        let teardowns: Vec<PyObjectRef> = zelf
            .executers
            .read()
            .iter()
            .filter(|e| e.kind() == Kind::Teardown)
            .flat_map(|e| e.created())
            .collect();
        if !teardowns.is_empty() {
            // Stop whatever the board is running (a thread, a loop) before tearing down.
            if let Ok(session) = zelf.session(vm) {
                let _ = session.interrupt_idle(vm);
            }
        }
        for teardown in teardowns {
            if let Err(e) = teardown.call((), vm) {
                failure.get_or_insert(e);
            }
        }
        let session = zelf.session.write().take();
        if let Some(session) = session {
            vm.allow_threads(|| session.close());
        }
        if let Some(hook) = zelf.atexit_hook.lock().take() {
            vm.import("atexit", 0)?
                .get_attr("unregister", vm)?
                .call((hook,), vm)?;
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Called after the start-up code, before the autoinit setups (a place for `sync`).
    #[pymethod]
    fn __pre_autoinit__(_zelf: &Py<Self>) {}

    /// Called at the end of `__init__`.
    #[pymethod]
    fn __post_init__(_zelf: &Py<Self>) {}

    /// Subclasses may pass class keywords (Belay's `skip=True`); there is no class registry to
    /// collide in, so any number of classes may share a name.
    #[pyclassmethod]
    fn __init_subclass__(_cls: PyObjectRef, _args: FuncArgs) {}

    /// Class form: mark a setup function (runs at the board's global scope).
    #[pystaticmethod]
    fn setup(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        marks::class_decorator(Kind::Setup, args, vm)
    }

    /// Class form: mark a task function (runs on the board, returns its value).
    #[pystaticmethod]
    fn task(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        marks::class_decorator(Kind::Task, args, vm)
    }

    /// Class form: mark a thread function (started in a board thread).
    #[pystaticmethod]
    fn thread(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        marks::class_decorator(Kind::Thread, args, vm)
    }

    /// Class form: mark a teardown function (runs when the device closes).
    #[pystaticmethod]
    fn teardown(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        marks::class_decorator(Kind::Teardown, args, vm)
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
        match &*zelf.implementation.read() {
            Some(i) => i.clone().into(),
            None => vm.ctx.none(),
        }
    }

    /// A proxy for a board object: an identifier directly (kept on the board unless `delete`),
    /// anything else through `device(cmd, proxy=True)`.
    #[pymethod]
    fn proxy(zelf: &Py<Self>, args: ProxyArgs, vm: &VirtualMachine) -> PyResult {
        let ProxyArgs { cmd, delete } = args;
        let delete = delete.flatten();
        let text = cmd.to_string();
        if is_identifier(&text) {
            return Ok(
                ProxyObject::new(zelf.to_owned(), text, delete.unwrap_or(false))
                    .into_ref(&vm.ctx)
                    .into(),
            );
        }
        let mut args = FuncArgs::from(vec![cmd.into()]);
        args.kwargs
            .insert("proxy".into(), vm.ctx.true_value.clone().into());
        if let Some(d) = delete {
            args.kwargs
                .insert("delete".into(), vm.ctx.new_bool(d).into());
        }
        <Self as Callable>::call(zelf, args, vm)
    }

    /// Connect again (after the board was unplugged or reset) and replay the recorded commands.
    #[pymethod]
    fn reconnect(zelf: &Py<Self>, args: ReconnectArgs, vm: &VirtualMachine) -> PyResult<()> {
        Self::reconnect_now(zelf, args.attempts.flatten(), vm)
    }

    /// Copy a local folder (or one file) to the board: only changed files are sent, and board
    /// files missing locally are deleted unless kept (belay-spec §1.9).
    #[pymethod]
    fn sync(zelf: &Py<Self>, args: crate::sync::SyncArgs, vm: &VirtualMachine) -> PyResult<()> {
        crate::sync::sync(zelf, args, vm)
    }

    /// Sync data folders of an installed package to `dst` (default `/lib`).
    #[pymethod]
    fn sync_dependencies(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
        crate::sync::sync_dependencies(zelf, args, vm)
    }

    /// Measure the offset between the board clock and the host clock (device − host, seconds).
    #[pymethod]
    fn sync_time(zelf: &Py<Self>, args: SyncTimeArgs, vm: &VirtualMachine) -> PyResult<f64> {
        Self::sync_clock(&*zelf.session(vm)?, args.samples.unwrap_or(10), vm)
    }

    /// Board clock minus host clock, in seconds (`ValueError` before any synchronisation).
    #[pygetset]
    fn time_offset(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<f64> {
        zelf.session(vm)?.clock().offset().ok_or_else(|| {
            vm.new_value_error(
                "Time synchronization has not been performed; call sync_time() first",
            )
        })
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

    /// `device("1 + 2")` → 3; `device("x = 1")` → None; `device(proxy)` → its value;
    /// `device(expr, proxy=True)` → a value or a `ProxyObject` (belay-spec §1.3).
    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let [cmd] = args.args.as_slice() else {
            return Err(vm.new_type_error(
                "device(cmd) takes exactly one positional argument, the code to run",
            ));
        };
        let cmd = if let Some(p) = cmd.downcast_ref::<ProxyObject>() {
            p.target_name()
                .ok_or_else(|| vm.new_type_error("uninitialised ProxyObject"))?
        } else if let Some(s) = cmd.downcast_ref::<PyStr>() {
            s.to_string()
        } else {
            return Err(
                vm.new_type_error("device(cmd): cmd must be a str of Python code or a ProxyObject")
            );
        };
        let mut output = Output::Stdout;
        let mut trusted = false;
        let mut proxy = false;
        let mut delete = None;
        let mut shrink = true;
        let mut return_time = false;
        let mut with_timing = None;
        let mut record = true;
        for (key, value) in &args.kwargs {
            let key = key.to_string();
            match key.as_str() {
                "stream_out" => {
                    output = Output::Stream((!vm.is_none(value)).then(|| value.clone()))
                }
                "trusted" => trusted = value.clone().try_to_bool(vm)?,
                "proxy" => proxy = value.clone().try_to_bool(vm)?,
                "minify" => shrink = value.clone().try_to_bool(vm)?,
                "delete" if !vm.is_none(value) => delete = Some(value.clone().try_to_bool(vm)?),
                "return_time" => return_time = value.clone().try_to_bool(vm)?,
                "record" => record = value.clone().try_to_bool(vm)?,
                "with_timing" if !vm.is_none(value) => {
                    with_timing = Some(value.clone().try_to_bool(vm)?)
                }
                k if CALL_KEYWORDS.contains(&k) => {}
                _ => {
                    return Err(vm.new_type_error(format!(
                        "device() got an unexpected keyword argument '{key}'"
                    )));
                }
            }
        }
        let code = dedent(&cmd);
        let code = if shrink { minify(&code) } else { code };
        let ctx = Context { module: None };
        let expression = is_expression(&code);
        let record = record.then_some(code.as_str());
        if proxy && expression {
            return Self::proxied_with(zelf, code.trim_end(), delete.unwrap_or(true), output, vm);
        }
        if expression {
            let timed = if return_time { Some(true) } else { with_timing };
            return Self::board(zelf, vm, record, |s| {
                let (value, tick) =
                    s.eval_timed(vm, code.trim_end(), output.clone(), trusted, timed, &ctx)?;
                if return_time {
                    s.with_time(vm, value, tick)
                } else {
                    Ok(value)
                }
            });
        }
        if return_time {
            return Err(vm.new_value_error(
                "return_time needs an expression: a statement has no value to time",
            ));
        }
        Self::board(zelf, vm, record, |s| {
            s.run(vm, code.clone(), output.clone(), &ctx)
        })?;
        if !proxy {
            return Ok(vm.ctx.none());
        }
        // Proxies for what an import statement brought in (kept on the board by default).
        let names = import_names(&code);
        let mut proxies = Vec::with_capacity(names.len());
        for name in names {
            proxies.push(Self::eval_proxied(
                zelf,
                &name,
                delete.unwrap_or(false),
                vm,
            )?);
        }
        Ok(match proxies.len() {
            0 => vm.ctx.none(),
            1 => proxies.pop().expect("one proxy"),
            _ => vm.ctx.new_tuple(proxies).into(),
        })
    }
}

/// The names an import statement binds (`import a.b` → `a`, `from m import x as y` → `y`).
pub fn import_names(code: &str) -> Vec<String> {
    use ruff_python_ast::Stmt;
    let Ok(parsed) = ruff_python_parser::parse_module(code) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for stmt in &parsed.syntax().body {
        match stmt {
            Stmt::Import(i) => names.extend(i.names.iter().map(|a| match &a.asname {
                Some(n) => n.id.to_string(),
                None => a.name.id.split('.').next().unwrap_or_default().to_string(),
            })),
            Stmt::ImportFrom(i) => names.extend(
                i.names
                    .iter()
                    .filter(|a| a.name.id.as_str() != "*")
                    .map(|a| a.asname.as_ref().unwrap_or(&a.name).id.to_string()),
            ),
            _ => {}
        }
    }
    names
}

impl Representable for Device {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(match &*zelf.session.read() {
            Some(s) => format!("<belay.Device port={:?}>", s.port()),
            None => "<belay.Device (closed)>".to_string(),
        })
    }
}

#[derive(rustpython_vm::FromArgs)]
struct ReconnectArgs {
    #[pyarg(any, optional)]
    attempts: OptionalArg<Option<i32>>,
}

#[derive(rustpython_vm::FromArgs)]
struct SyncTimeArgs {
    #[pyarg(any, optional)]
    samples: OptionalArg<usize>,
}

#[derive(rustpython_vm::FromArgs)]
struct ProxyArgs {
    #[pyarg(any)]
    cmd: PyStrRef,
    #[pyarg(any, optional)]
    delete: OptionalArg<Option<bool>>,
}

/// A Python identifier (`str.isidentifier()`), not a keyword.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether `code` is a single Python expression (so its value is returned).
pub fn is_expression(code: &str) -> bool {
    !code.trim().is_empty() && ruff_python_parser::parse_expression(code.trim()).is_ok()
}
