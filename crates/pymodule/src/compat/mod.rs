//! What Belay 0.30.1 scripts reach besides `belay`'s own classes: its result sentinels
//! (`belay.UNPARSABLE_RESULT`, `belay.NO_RESULT`) and the submodules scripts import names from
//! (`from belay.exceptions import ConnectionLost`). Every public name of Belay's package, and
//! what belay-run has for it, is listed in `docs/belay-compatibility.md`.
//!
//! The submodules are native modules registered by their dotted names (as `belay.project` is);
//! each holds the `belay` objects Belay's module of that name defines, made when first
//! imported.

use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

/// Belay's sentinel classes, from `sentinels.py` (run once, as `belay._sentinels`).
pub fn sentinel(vm: &VirtualMachine, name: &str) -> PyResult<PyObjectRef> {
    crate::embedded::module(
        vm,
        "_sentinels",
        "belay._sentinels",
        include_str!("sentinels.py"),
    )?
    .get_attr(vm.ctx.intern_str(name), vm)
}

/// `belay.UNPARSABLE_RESULT`: what a board value that is not a literal becomes (as in Belay).
pub fn unparsable_result(vm: &VirtualMachine) -> PyResult<PyObjectRef> {
    vm.import("belay", 0)?.get_attr("UNPARSABLE_RESULT", vm)
}

/// Copy `names` from `belay` into `module` (`"a=_b"`: `belay._b` as `a`).
fn reexport(
    vm: &VirtualMachine,
    module: &rustpython_vm::Py<rustpython_vm::builtins::PyModule>,
    names: &[&str],
) -> PyResult<()> {
    let belay = vm.import("belay", 0)?;
    for &entry in names {
        let (name, source) = entry.split_once('=').unwrap_or((entry, entry));
        let value = belay.get_attr(vm.ctx.intern_str(source), vm)?;
        module.set_attr(vm.ctx.intern_str(name), value, vm)?;
    }
    Ok(())
}

/// A native module `belay.<name>` holding `belay`'s objects of the given names.
macro_rules! belay_submodule {
    ($module:ident, $dotted:literal, [$($name:literal),* $(,)?]) => {
        #[rustpython_vm::pymodule(name = $dotted)]
        pub(crate) mod $module {
            use rustpython_vm::builtins::PyModule;
            use rustpython_vm::{Py, PyResult, VirtualMachine};

            /// The names Belay's module of this name defines.
            pub(crate) const NAMES: &[&str] = &[$($name),*];

            pub(crate) fn module_exec(vm: &VirtualMachine, module: &Py<PyModule>) -> PyResult<()> {
                __module_exec(vm, module);
                super::reexport(vm, module, NAMES)
            }
        }
    };
}

belay_submodule!(
    exceptions,
    "belay.exceptions",
    [
        "BelayException",
        "AuthenticationError",
        "FeatureUnavailableError",
        "SpecialFunctionNameError",
        "MaxHistoryLengthError",
        "DeviceNotFoundError",
        "InsufficientSpecifierError",
        "ConnectionFailedError",
        "ConnectionLost",
        "InternalError",
        "NotBelayResponseError",
        "NoMatchingExecuterError",
        "PackageNotFoundError",
        "IntegrityError",
    ]
);
belay_submodule!(
    pyboard,
    "belay.pyboard",
    ["PyboardError", "PyboardException"]
);
belay_submodule!(
    device,
    "belay.device",
    ["Device", "Implementation", "NO_RESULT", "UNPARSABLE_RESULT"]
);
belay_submodule!(
    device_support,
    "belay.device_support",
    ["Implementation", "MethodMetadata"]
);
belay_submodule!(device_meta, "belay.device_meta", ["DeviceMeta"]);
belay_submodule!(
    proxy_object,
    "belay.proxy_object",
    ["ProxyObject", "get_proxy_object_target_name"]
);
belay_submodule!(hash, "belay.hash", ["fnv1a=_fnv1a"]);
belay_submodule!(
    usb_specifier,
    "belay.usb_specifier",
    ["UsbSpecifier", "list_devices"]
);

/// The submodules' definitions, to register beside `belay`'s.
pub fn module_defs(
    ctx: &rustpython_vm::Context,
) -> Vec<&'static rustpython_vm::builtins::PyModuleDef> {
    vec![
        exceptions::module_def(ctx),
        pyboard::module_def(ctx),
        device::module_def(ctx),
        device_support::module_def(ctx),
        device_meta::module_def(ctx),
        proxy_object::module_def(ctx),
        usb_specifier::module_def(ctx),
        hash::module_def(ctx),
    ]
}
