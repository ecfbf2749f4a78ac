//! `device.mount(folder, at="/remote", readonly=False)` and `device.unmount(at="/remote")`: a host
//! folder the board sees as a filesystem, served by host functions (`docs/protocol.md` §7). The
//! host side is `mount.py` (run as `belay._mount`); the board side is `wire::snippets` `mount`.

use rustpython_vm::function::FuncArgs;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

const SOURCE: &str = include_str!("mount.py");

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
