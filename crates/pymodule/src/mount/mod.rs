//! `device.mount(folder, at="/remote", readonly=False)` and `device.unmount(at="/remote")`: a host
//! folder the board sees as a filesystem, served by host functions (`docs/protocol.md` §7). The
//! host side is `mount.py` (run as `belay._mount`); the board side is `wire::snippets` `mount`.

use std::sync::OnceLock;

use rustpython_vm::function::FuncArgs;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

const SOURCE: &str = include_str!("mount.py");

/// What `belay-run run --mount FOLDER` mounts on every device the script opens: the folder and
/// the board mount point.
static AUTO: OnceLock<(String, String)> = OnceLock::new();

/// Mount `folder` at `at` on every `belay.Device` once it is connected, before its setups run
/// (`belay-run run --mount`).
pub fn set_auto_mount(folder: String, at: String) {
    let _ = AUTO.set((folder, at));
}

/// Mount the folder [`set_auto_mount`] named, if any, on `device`.
pub fn auto_mount(device: &PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
    match AUTO.get() {
        Some((folder, at)) => vm
            .call_method(device, "mount", (folder.clone(), at.clone()))
            .map(drop),
        None => Ok(()),
    }
}

/// Call `belay._mount.<function>(device, link, *args, **kwargs)`.
pub fn call(
    function: &'static str,
    device: PyObjectRef,
    link: PyObjectRef,
    mut args: FuncArgs,
    vm: &VirtualMachine,
) -> PyResult {
    let module = crate::embedded::module(vm, "_mount", "belay._mount", SOURCE)?;
    args.prepend_arg(link);
    args.prepend_arg(device);
    module.get_attr(function, vm)?.call(args, vm)
}
