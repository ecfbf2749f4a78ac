//! The `belay` Python module: its classes and functions, and the exception classes merged in from
//! `crate::errors`.

use crate::errors::belay_errors;

#[rustpython_vm::pymodule(with(belay_errors))]
pub(crate) mod belay {
    use rustpython_vm::builtins::PyTypeRef;
    use rustpython_vm::class::PyClassImpl;
    use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

    #[pyattr(name = "__version__")]
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    /// `belay` is a package, so that `import belay.project` finds its submodule (a native module
    /// of its own, `crate::project`).
    pub(crate) fn module_exec(
        vm: &VirtualMachine,
        module: &rustpython_vm::Py<rustpython_vm::builtins::PyModule>,
    ) -> rustpython_vm::PyResult<()> {
        __module_exec(vm, module);
        module.set_attr("__path__", vm.ctx.new_list(Vec::new()), vm)?;
        Ok(())
    }

    #[pyattr(name = "Device", once)]
    fn device_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::device::Device::make_static_type()
    }

    #[pyattr(name = "Implementation", once)]
    fn implementation_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::implementation::Implementation::make_static_type()
    }

    /// Belay's metaclass for mixins (`class M(metaclass=DeviceMeta)`): belay-run needs none, so
    /// it is `type`.
    #[pyattr(name = "DeviceMeta")]
    fn device_meta(vm: &VirtualMachine) -> PyTypeRef {
        vm.ctx.types.type_type.to_owned()
    }

    #[pyattr(name = "Thread", once)]
    fn thread_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::functions::thread::Thread::make_static_type()
    }

    #[pyattr(name = "BoardGenerator", once)]
    fn board_generator_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::generator::BoardGenerator::make_static_type()
    }

    #[pyattr(name = "MethodMetadata", once)]
    fn method_metadata_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::marks::MethodMetadata::make_static_type()
    }

    #[pyattr(name = "_EventLink", once)]
    fn event_link_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::events::EventLink::make_static_type()
    }

    #[pyattr(name = "Executer", once)]
    fn executer_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::executer::Executer::make_static_type()
    }

    #[pyattr(name = "Task", once)]
    fn task_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::functions::task::Task::make_static_type()
    }

    #[pyattr(name = "Setup", once)]
    fn setup_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::functions::setup::Setup::make_static_type()
    }

    #[pyattr(name = "UsbSpecifier", once)]
    fn usb_specifier_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::usb::PyUsbSpecifier::make_static_type()
    }

    /// The USB serial ports of this machine, as `UsbSpecifier`s with `device` set.
    #[pyfunction]
    fn list_devices(vm: &VirtualMachine) -> PyObjectRef {
        crate::usb::list_devices(vm)
    }

    #[pyattr(name = "ProxyObject", once)]
    fn proxy_object_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::proxy::object::ProxyObject::make_static_type()
    }

    /// Belay's `get_proxy_object_target_name`: the board expression a proxy stands for.
    #[pyfunction]
    fn get_proxy_object_target_name(proxy: PyObjectRef, vm: &VirtualMachine) -> PyResult<String> {
        proxy
            .downcast_ref::<crate::proxy::object::ProxyObject>()
            .and_then(|p| p.target_name())
            .ok_or_else(|| vm.new_type_error("not a belay.ProxyObject"))
    }

    /// `belay.hash.fnv1a(path)`: the FNV-1a 32-bit hash of a file (what `sync` compares).
    #[pyfunction]
    fn _fnv1a(path: PyObjectRef, vm: &VirtualMachine) -> PyResult<u32> {
        // Read by Python's `open`, so errors are the usual OSErrors.
        let file = vm.builtins.get_attr("open", vm)?.call((path, "rb"), vm)?;
        let data = vm.call_method(&file, "read", ())?;
        vm.call_method(&file, "close", ())?;
        let data = data
            .downcast_ref::<rustpython_vm::builtins::PyBytes>()
            .ok_or_else(|| vm.new_type_error("the file did not read as bytes"))?;
        Ok(belay_transport::sync_plan::fnv1a32(data.as_bytes()))
    }

    /// Belay's `minify(code)`: comments and docstrings removed, indentation narrowed, line
    /// numbers kept (what board functions are sent as).
    #[pyfunction]
    fn minify(code: String) -> String {
        crate::source::minify::minify(&code)
    }

    /// Belay's sentinels (`UNPARSABLE_RESULT`, `NO_RESULT`), made the first time one is asked
    /// for (a module `__getattr__`, PEP 562).
    #[pyfunction]
    fn __getattr__(name: String, vm: &VirtualMachine) -> PyResult {
        match name.as_str() {
            "UNPARSABLE_RESULT" | "NO_RESULT" => {
                let value = crate::compat::sentinel(vm, name.as_str())?;
                vm.import("belay", 0)?.set_attr(
                    vm.ctx.intern_str(name.as_str()),
                    value.clone(),
                    vm,
                )?;
                Ok(value)
            }
            other => {
                Err(vm.new_attribute_error(format!("module 'belay' has no attribute '{other}'")))
            }
        }
    }
}
