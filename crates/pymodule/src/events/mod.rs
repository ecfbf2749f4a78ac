//! `device.on`, `device.host`, `device.events()`, `device.wait_event()` and their class forms
//! (`@Device.on`, `@Device.host`): the Python side is `events.py` (run once per interpreter as
//! `belay._events`: callbacks on the device's event thread, the queue for the synchronous
//! forms); [`EventLink`] is its native handle on the board.

use std::sync::Arc;
use std::time::Duration;

use belay_transport::BoardEvent;
use belay_transport::wire::traceback::ThreadTracebacks;
use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::board::Board;
use crate::board::session::host_now;
use crate::source::analysis::is_identifier;
use crate::values;

const SOURCE: &str = include_str!("events.py");

/// `belay._events`, made on first use.
pub fn module(vm: &VirtualMachine) -> PyResult<PyObjectRef> {
    crate::embedded::module(vm, "_events", "belay._events", SOURCE)
}

/// `@Device.on(...)` / `@Device.host` in a class body.
pub fn class_mark(which: &'static str, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
    module(vm)?.get_attr(which, vm)?.call(args, vm)
}

/// The native side of a device's events, and the device's `on`, `host`, `events` and
/// `wait_event` until they are first used: then `events.py` is loaded (a device that never uses
/// events never loads it, nor `threading`).
#[pyclass(module = "belay", name = "_EventLink")]
#[derive(Debug, PyPayload)]
pub struct EventLink {
    board: Arc<Board>,
    /// The `Events` object, made on first use.
    events: PyMutex<Option<PyObjectRef>>,
    /// Board threads' tracebacks in the output between calls, mapped to host lines.
    threads: PyMutex<ThreadTracebacks>,
}

/// The device attributes an `EventLink` provides.
const ATTRIBUTES: [&str; 4] = ["on", "host", "events", "wait_event"];

impl EventLink {
    /// Give `device` its events: `on`, `host`, `events`, `wait_event` unless its class
    /// (`defines`) has its own, and what its class marked with `@Device.on` / `@Device.host`
    /// (`subclass`: its class is not `base`, `belay.Device`, itself).
    pub fn attach(
        board: Arc<Board>,
        device: &PyObjectRef,
        base: PyObjectRef,
        defines: impl Fn(&str) -> PyResult<bool>,
        vm: &VirtualMachine,
    ) -> PyResult<PyRef<EventLink>> {
        let link = EventLink {
            board: board.clone(),
            events: PyMutex::new(None),
            threads: PyMutex::default(),
        }
        .into_ref(&vm.ctx);
        let link_obj: PyObjectRef = link.clone().into();
        for attr in ATTRIBUTES {
            if !defines(attr)? {
                device.set_attr(attr, link_obj.get_attr(attr, vm)?, vm)?;
            }
        }
        board.hub().set_starter(link_obj.get_attr("_start", vm)?);
        if !device.class().as_object().is(&base) {
            let events = Self::events_object(&link, vm)?;
            module(vm)?
                .get_attr("register_marks", vm)?
                .call((events, device.clone(), base), vm)?;
        }
        Ok(link)
    }

    /// The `Events` object (`events.py`), made on first use.
    fn events_object(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
        if let Some(events) = zelf.events.lock().clone() {
            return Ok(events);
        }
        let events = module(vm)?
            .get_attr("Events", vm)?
            .call((zelf.to_owned(),), vm)?;
        *zelf.events.lock() = Some(events.clone());
        Ok(events)
    }

    fn delegate(
        zelf: &Py<Self>,
        name: &'static str,
        args: FuncArgs,
        vm: &VirtualMachine,
    ) -> PyResult {
        Self::events_object(zelf, vm)?
            .get_attr(name, vm)?
            .call(args, vm)
    }
}

#[pyclass]
impl EventLink {
    #[pymethod]
    fn on(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        Self::delegate(zelf, "on", args, vm)
    }

    #[pymethod(name = "host")]
    fn host_decorator(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        Self::delegate(zelf, "host", args, vm)
    }

    #[pymethod]
    fn events(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        Self::delegate(zelf, "events", args, vm)
    }

    #[pymethod]
    fn wait_event(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        Self::delegate(zelf, "wait_event", args, vm)
    }

    /// Events are on (the board has the helper): the event thread must run.
    #[pymethod]
    fn _start(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        Self::delegate(zelf, "_start", FuncArgs::default(), vm)
    }

    #[pymethod]
    fn enable(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        zelf.board.enable_events(vm)
    }

    #[pymethod]
    fn define_host(
        zelf: &Py<Self>,
        name: String,
        function: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        if !is_identifier(&name) || belay_transport::wire::snippets::names::reserved(&name) {
            return Err(vm.new_value_error(format!("{name:?} cannot be a host function's name")));
        }
        if !function.is_callable() {
            return Err(vm.new_type_error("@device.host takes a function"));
        }
        zelf.board.define_host(&name, function, vm)
    }

    /// Serve host function `name` (board code calls it through `_Bh`; nothing is defined on the
    /// board).
    #[pymethod]
    fn serve(
        zelf: &Py<Self>,
        name: String,
        function: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        zelf.board.hub().add_function(&name, function);
        zelf.board.enable_events(vm)
    }

    /// Mount (or unmount) the host folder served for board path `at`.
    #[pymethod]
    fn mount(zelf: &Py<Self>, at: String, on: bool, vm: &VirtualMachine) -> PyResult<()> {
        zelf.board.mount(&at, on, vm)
    }

    #[pymethod]
    fn note_dropped(zelf: &Py<Self>, n: u64) {
        zelf.board.hub().note_dropped(n);
    }

    /// The next event as a tuple (`("event", name, value, when)`, `("output", bytes)`,
    /// `("dropped", n, on_host)`, `("stray", name)`), None when nothing came within `timeout`,
    /// False once the device is closed.
    #[pymethod]
    fn next(zelf: &Py<Self>, timeout: f64, vm: &VirtualMachine) -> PyResult {
        let wait = Duration::from_secs_f64(timeout.clamp(0.0, 60.0));
        let (event, session) = match zelf.board.next_event(wait, vm) {
            Ok(Some(got)) => got,
            Ok(None) => return Ok(vm.ctx.none()),
            Err(()) => return Ok(vm.ctx.new_bool(false).into()),
        };
        let s = |t: &str| -> PyObjectRef { vm.ctx.new_str(t).into() };
        Ok(match event {
            BoardEvent::Event { name, value, ticks } => {
                let now = host_now();
                let when = ticks
                    .and_then(|raw| {
                        let clock = session.clock();
                        let tick = clock.clone().unwrap_tick(raw, now).ok()?;
                        clock.host_time(tick)
                    })
                    .map_or(now, |t| t.min(now));
                vm.new_tuple((
                    s("event"),
                    s(&name),
                    values::to_py(value, session.floats(), vm)?,
                    when,
                ))
                .into()
            }
            BoardEvent::Output(bytes) => {
                let mut out = Vec::with_capacity(bytes.len());
                let map = crate::output::map_thread_frame;
                zelf.threads.lock().feed(&bytes, &mut out, &map);
                vm.new_tuple((s("output"), vm.ctx.new_bytes(out))).into()
            }
            BoardEvent::Dropped { count, on_host } => {
                vm.new_tuple((s("dropped"), count, on_host)).into()
            }
            BoardEvent::StrayHostCall(name) => vm.new_tuple((s("stray"), s(&name))).into(),
        })
    }
}
