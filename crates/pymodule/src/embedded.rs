//! Python source shipped in the binary and run as a hidden submodule of `belay` on first use
//! (`belay._events`, `belay._mount`): a script that never uses them never compiles them.

use rustpython_vm::builtins::PyModule;
use rustpython_vm::{PyObjectRef, PyRef, PyResult, VirtualMachine};

/// `belay.<attr>`, made from `source` as module `name` the first time it is asked for.
pub fn module(
    vm: &VirtualMachine,
    attr: &'static str,
    name: &'static str,
    source: &'static str,
) -> PyResult<PyObjectRef> {
    let belay = vm.import("belay", 0)?;
    if let Ok(m) = belay.get_attr(attr, vm) {
        return Ok(m);
    }
    let dict = vm.ctx.new_dict();
    dict.set_item("__name__", vm.ctx.new_str(name).into(), vm)?;
    let scope = rustpython_vm::scope::Scope::with_builtins(None, dict.clone(), vm);
    vm.run_string(scope, source, &format!("<{name}>"))?;
    let module: PyRef<PyModule> = vm.new_module(name, dict, None);
    belay.set_attr(attr, module.clone(), vm)?;
    Ok(module.into())
}
