//! `belay.Device`: connecting (through the board handle), the Python side of start-up (executers,
//! class-level board functions, autoinit setups, `atexit`), and the device's methods. Running
//! code (`device(cmd)`) is in [`call`].

mod call;
pub mod terminal;

use std::sync::Arc;

use rustpython_vm::builtins::PyStrRef;
use rustpython_vm::common::lock::{PyMutex, PyRwLock};
use rustpython_vm::function::{FuncArgs, OptionalArg};
use rustpython_vm::types::{Callable, Constructor, DefaultConstructor, Initializer, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::board::Board;
use crate::board::args::{DeviceArgs, DeviceParams};
use crate::errors::{self, ConnectionLost};
use crate::events::EventLink;
use crate::executer::Executer;
use crate::functions::options::Kind;
use crate::implementation::Implementation;
use crate::marks;
use crate::proxy::object::{ProxyObject, Target};
use crate::source::analysis::is_identifier;

#[pyclass(module = "belay", name = "Device")]
#[derive(Default, PyPayload)]
pub struct Device {
    /// Set by `__init__`; stays after `close()` (its session is gone then).
    board: PyRwLock<Option<Arc<Board>>>,
    implementation: PyRwLock<Option<PyRef<Implementation>>>,
    /// The device's setup, task, thread and teardown executers.
    executers: PyRwLock<Vec<PyRef<Executer>>>,
    atexit_hook: PyMutex<Option<PyObjectRef>>,
    /// Events, host functions and mounts (set by `__init__`).
    events: PyRwLock<Option<PyRef<EventLink>>>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("board", &*self.board.read())
            .finish()
    }
}

impl DefaultConstructor for Device {}

impl Initializer for Device {
    type Args = DeviceParams;

    fn init(zelf: &Py<Self>, params: DeviceParams, vm: &VirtualMachine) -> PyResult<()> {
        let args = DeviceArgs::bind(params, vm)?;
        let hub = crate::board::hub::Hub::new(crate::host_call::serve);
        let board = Board::connect(args, hub, vm)?;
        *zelf.board.write() = Some(board.clone());
        if let Err(e) = Self::start_up(zelf, &board, vm) {
            // Do not leave a half-initialised connection open.
            board.close(vm);
            return Err(e);
        }
        Ok(())
    }
}

impl Device {
    /// The board handle, or `ConnectionLost` before `__init__` ran.
    pub fn board(&self, vm: &VirtualMachine) -> PyResult<Arc<Board>> {
        self.board
            .read()
            .clone()
            .ok_or_else(|| errors::new::<ConnectionLost>(vm, "the device is not connected"))
    }

    /// The device's event link, or `ConnectionLost` before `__init__` ran.
    fn link(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
        zelf.events
            .read()
            .clone()
            .map(Into::into)
            .ok_or_else(|| errors::new::<ConnectionLost>(vm, "the device is not connected"))
    }

    /// Belay's start-up sequence after the connection is made.
    fn start_up(zelf: &Py<Self>, board: &Arc<Board>, vm: &VirtualMachine) -> PyResult<()> {
        let firmware = board.firmware();
        *zelf.implementation.write() =
            Some(Implementation::new(board.clone(), vm)?.into_ref(&vm.ctx));

        // The executers, then the class-level board functions for this implementation.
        let obj = zelf.as_object().to_owned();
        let executers: Vec<PyRef<Executer>> = Kind::ALL
            .iter()
            .map(|&kind| Executer::new(board.clone(), kind).into_ref(&vm.ctx))
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
        let device_type: PyObjectRef = Device::class(&vm.ctx).to_owned().into();
        *zelf.events.write() = Some(EventLink::attach(
            board.clone(),
            &obj,
            device_type.clone(),
            |name| Self::class_defines(&obj, name, vm),
            vm,
        )?);
        let wrapped =
            marks::wrap_class_functions(&obj, &device_type, &firmware.name, &executers, vm)?;
        for e in &executers {
            let name = e.kind().attr_name();
            if !wrapped.names.iter().any(|n| n == name) && !Self::class_defines(&obj, name, vm)? {
                obj.set_attr(name, e.clone(), vm)?;
            }
        }

        board.start(vm)?;
        crate::mount::auto_mount(&obj, vm)?;
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

    /// A proxy of this device for the board object `name`.
    fn proxy_for(zelf: &Py<Self>, name: String, delete: bool, vm: &VirtualMachine) -> PyResult {
        Ok(ProxyObject::create(
            Target {
                board: zelf.board(vm)?,
                device: zelf.as_object().to_owned(),
                name,
                delete,
            },
            vm,
        ))
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
        let Some(board) = zelf.board.read().clone().filter(|b| b.is_open()) else {
            return Ok(());
        };
        let mut failure = None;
        let teardowns: Vec<PyObjectRef> = zelf
            .executers
            .read()
            .iter()
            .filter(|e| e.kind() == Kind::Teardown)
            .flat_map(|e| e.created())
            .collect();
        let answering = board.begin_closing(vm);
        if answering {
            board.run_at_close(vm);
        }
        if !teardowns.is_empty() && !answering {
            eprintln!(
                "belay: teardowns skipped: the board on {} stopped answering",
                board.port().unwrap_or_default()
            );
        } else if !teardowns.is_empty() {
            // Stop whatever the board is running (a thread, a loop) before tearing down.
            if let Ok(session) = board.session(vm) {
                let _ = session.interrupt_idle(vm);
            }
            for teardown in teardowns {
                if let Err(e) = teardown.call((), vm) {
                    let gone = errors::is::<ConnectionLost>(&e);
                    failure.get_or_insert(e);
                    if gone {
                        break; // the board stopped answering: the other teardowns cannot run
                    }
                }
            }
        }
        board.close(vm);
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

    /// `@Device.on("name")` in a class body (an instance's `on` is its own).
    #[pystaticmethod]
    fn on(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        crate::events::class_mark("mark_on", args, vm)
    }

    /// `@Device.host` in a class body (an instance's `host` is its own).
    #[pystaticmethod]
    fn host(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        crate::events::class_mark("mark_host", args, vm)
    }

    /// `device.mount(folder, at="/remote", readonly=False)`: board code sees the host folder at
    /// `at` while a call runs (README "Mounting a host folder").
    #[pymethod]
    fn mount(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        crate::mount::call(
            "mount",
            zelf.to_owned().into(),
            Self::link(zelf, vm)?,
            args,
            vm,
        )
    }

    /// `device.unmount(at="/remote")`.
    #[pymethod]
    fn unmount(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        crate::mount::call(
            "unmount",
            zelf.to_owned().into(),
            Self::link(zelf, vm)?,
            args,
            vm,
        )
    }

    /// How many board events were lost (the board's queue overflowed, or the host did not keep
    /// up); each loss is also reported on stderr.
    #[pygetset]
    fn events_dropped(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<u64> {
        Ok(zelf.board(vm)?.hub().dropped())
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
            return Self::proxy_for(zelf, text, delete.unwrap_or(false), vm);
        }
        let mut args = FuncArgs::from(vec![cmd.into()]);
        args.kwargs
            .insert("proxy".into(), vm.ctx.true_value.clone().into());
        if let Some(d) = delete {
            args.kwargs
                .insert("delete".into(), vm.ctx.new_bool(d).into());
        }
        <Self as Callable>::call(zelf, args.bind(vm)?, vm)
    }

    /// Belay's limit on the commands recorded for replay after a reconnect.
    #[pyattr]
    #[allow(non_snake_case)]
    fn MAX_CMD_HISTORY_LEN(ctx: &rustpython_vm::Context) -> PyObjectRef {
        ctx.new_int(crate::board::MAX_HISTORY).into()
    }

    /// Reboot the board so that it runs its `main.py` (Belay's `soft_reset`): the connection
    /// closes without interrupting it; `reconnect()` connects again.
    #[pymethod]
    fn soft_reset(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        zelf.board(vm)?.soft_reset(vm)
    }

    /// The board's own REPL in this console until `exit_char` (Ctrl-]) or the end of piped
    /// input (Belay's `terminal`); after a soft reboot there the device reconnects and it goes
    /// on. Calls work again afterwards.
    #[pymethod]
    fn terminal(zelf: &Py<Self>, args: TerminalArgs, vm: &VirtualMachine) -> PyResult<()> {
        let exit = args.exit_char.into_option();
        terminal::run(
            &zelf.as_object().to_owned(),
            exit.as_deref().unwrap_or("\x1d"),
            vm,
        )
    }

    /// Connect again (after the board was unplugged or reset) and replay the recorded commands.
    #[pymethod]
    fn reconnect(zelf: &Py<Self>, args: ReconnectArgs, vm: &VirtualMachine) -> PyResult<()> {
        zelf.board(vm)?.reconnect(args.attempts.flatten(), vm)
    }

    /// Copy a local folder (or one file) to the board: only changed files are sent, and board
    /// files missing locally are deleted unless kept.
    #[pymethod]
    fn sync(zelf: &Py<Self>, args: crate::sync::SyncArgs, vm: &VirtualMachine) -> PyResult<()> {
        crate::sync::sync(&*zelf.board(vm)?, args, vm)
    }

    /// Sync data folders of an installed package to `dst` (default `/lib`).
    #[pymethod]
    fn sync_dependencies(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
        crate::sync::sync_dependencies(&zelf.as_object().to_owned(), args, vm)
    }

    /// Measure the offset between the board clock and the host clock (device − host, seconds).
    #[pymethod]
    fn sync_time(zelf: &Py<Self>, args: SyncTimeArgs, vm: &VirtualMachine) -> PyResult<f64> {
        zelf.board(vm)?.sync_clock(args.samples.unwrap_or(10), vm)
    }

    /// Board clock minus host clock, in seconds (`ValueError` before any synchronisation).
    #[pygetset]
    fn time_offset(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<f64> {
        zelf.board(vm)?
            .session(vm)?
            .clock()
            .offset()
            .ok_or_else(|| {
                vm.new_value_error(
                    "Time synchronization has not been performed; call sync_time() first",
                )
            })
    }

    /// The port this device is connected to (None once closed).
    #[pygetset]
    fn port(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        match zelf.board.read().as_ref().and_then(|b| b.port()) {
            Some(p) => vm.ctx.new_str(p).into(),
            None => vm.ctx.none(),
        }
    }
}

impl Representable for Device {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(match zelf.board.read().as_ref().and_then(|b| b.port()) {
            Some(p) => format!("<belay.Device port={p:?}>"),
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
struct TerminalArgs {
    #[pyarg(named, optional)]
    exit_char: OptionalArg<String>,
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
