//! belay-pymodule: the `belay` Python module for RustPython, written in Rust.
//!
//! Glue between Python objects and the wire layer (`belay_transport`): the module knows no serial
//! ports and no protocol bytes. Layers, each using only those below it (ARCHITECTURE.md):
//! - `errors`, `output`, `source` (host source work), `embedded` (Python source run as hidden
//!   submodules): leaves.
//! - `board`: the Rust board handle (session, start-up, reconnect with replay).
//! - `proxy::object`, `values` (Python values ↔ board source and literals), `calls` (evaluations
//!   that return Python values), `host_call` (serving a host function board code called).
//! - the Python classes: `functions` (tasks, setups, threads), `generator`, `proxy`, `executer`,
//!   `marks`, `events`, `mount`, `sync`, `implementation`, `usb`, then `device`, and `module` registering them all.

mod board;
mod calls;
mod compat;
mod device;
mod embedded;
mod errors;
mod events;
mod executer;
mod functions;
mod generator;
mod host_call;
mod implementation;
mod marks;
mod module;
mod mount;
mod output;
mod project;
mod proxy;
pub mod source;
pub mod sync;
mod usb;
mod values;

pub use device::terminal::{TerminalHook, set_terminal};
pub use mount::set_auto_mount;

pub use board::args::{
    preconnect, release_preconnect, set_default_connect_timeout, set_default_port,
};

/// The definitions of `belay`'s submodules (`belay.project`, and Belay's `belay.exceptions`,
/// `belay.pyboard`, ...), to register beside [`module_def`].
pub fn submodule_defs(
    ctx: &rustpython_vm::Context,
) -> Vec<&'static rustpython_vm::builtins::PyModuleDef> {
    let mut defs = compat::module_defs(ctx);
    defs.push(project::project_module::module_def(ctx));
    defs
}

/// The `belay` module's definition, to register with `InterpreterBuilder::add_native_module`.
pub fn module_def(ctx: &rustpython_vm::Context) -> &'static rustpython_vm::builtins::PyModuleDef {
    module::belay::module_def(ctx)
}

/// Run a sync on `device` (a `belay.Device`), reporting progress to `progress` (the CLI's
/// `sync` command, which draws a progress bar); what was sent and deleted.
pub fn sync_device(
    device: &rustpython_vm::PyObjectRef,
    request: &sync::SyncRequest,
    progress: &dyn Fn(sync::Progress<'_>) -> rustpython_vm::PyResult<()>,
    vm: &rustpython_vm::VirtualMachine,
) -> rustpython_vm::PyResult<sync::SyncOutcome> {
    let device = device
        .downcast_ref::<device::Device>()
        .ok_or_else(|| vm.new_type_error("sync needs a belay.Device"))?;
    sync::run(&*device.board(vm)?, request, progress, vm)
}

/// The board's own REPL on `device` (a `belay.Device`) for a person, for `belay-run mount`: the
/// raw REPL is left, `keys` gets the sender for what the person types (dropping it ends the
/// session and re-enters the raw REPL), the board's output goes to `out` as it comes, and host
/// functions, a mounted folder's included, are served meanwhile. Returns true when the board
/// soft-rebooted instead (`device.reconnect()` restores what was defined and mounted).
pub fn terminal(
    device: &rustpython_vm::PyObjectRef,
    keys: &dyn Fn(belay_transport::TerminalKeys),
    out: &mut dyn FnMut(&[u8]),
    vm: &rustpython_vm::VirtualMachine,
) -> rustpython_vm::PyResult<bool> {
    let device = device
        .downcast_ref::<device::Device>()
        .ok_or_else(|| vm.new_type_error("the terminal needs a belay.Device"))?;
    device.board(vm)?.terminal(vm, keys, out)
}
