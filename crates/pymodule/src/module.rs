//! The `belay` Python module: exception classes and the public names.

#[rustpython_vm::pymodule]
pub(crate) mod belay {
    use rustpython_vm::VirtualMachine;
    use rustpython_vm::builtins::PyTypeRef;
    use rustpython_vm::class::PyClassImpl;

    #[pyattr(name = "__version__")]
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    fn exc(vm: &VirtualMachine, name: &str, base: Option<PyTypeRef>) -> PyTypeRef {
        vm.ctx
            .new_exception_type("belay", name, base.map(|b| vec![b]))
    }

    #[pyattr(once, name = "BelayException")]
    pub(crate) fn belay_exception(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "BelayException", None)
    }

    #[pyattr(once, name = "AuthenticationError")]
    pub(crate) fn authentication_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "AuthenticationError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "FeatureUnavailableError")]
    pub(crate) fn feature_unavailable_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "FeatureUnavailableError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "SpecialFunctionNameError")]
    pub(crate) fn special_function_name_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "SpecialFunctionNameError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "MaxHistoryLengthError")]
    pub(crate) fn max_history_length_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "MaxHistoryLengthError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "DeviceNotFoundError")]
    pub(crate) fn device_not_found_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "DeviceNotFoundError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "InsufficientSpecifierError")]
    pub(crate) fn insufficient_specifier_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "InsufficientSpecifierError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "ConnectionFailedError")]
    pub(crate) fn connection_failed_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "ConnectionFailedError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "ConnectionLost")]
    pub(crate) fn connection_lost(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "ConnectionLost", Some(connection_failed_error(vm)))
    }

    #[pyattr(once, name = "InternalError")]
    pub(crate) fn internal_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "InternalError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "NotBelayResponseError")]
    pub(crate) fn not_belay_response_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "NotBelayResponseError", Some(belay_exception(vm)))
    }

    #[pyattr(once, name = "NoMatchingExecuterError")]
    pub(crate) fn no_matching_executer_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "NoMatchingExecuterError", Some(belay_exception(vm)))
    }

    /// A board result that is not a Python literal (belay-run raises instead of returning
    /// Belay's silent `UNPARSABLE_RESULT`).
    #[pyattr(once, name = "UnparsableResultError")]
    pub(crate) fn unparsable_result_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "UnparsableResultError", Some(belay_exception(vm)))
    }

    /// Protocol failures and timeouts talking to the board.
    #[pyattr(once, name = "PyboardError")]
    pub(crate) fn pyboard_error(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "PyboardError", Some(belay_exception(vm)))
    }

    /// An exception raised on the board; its text is the board's traceback.
    #[pyattr(once, name = "PyboardException")]
    pub(crate) fn pyboard_exception(vm: &VirtualMachine) -> PyTypeRef {
        exc(vm, "PyboardException", Some(belay_exception(vm)))
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
        crate::board_fn::Thread::make_static_type()
    }

    #[pyattr(name = "BoardGenerator", once)]
    fn board_generator_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::generator::BoardGenerator::make_static_type()
    }

    #[pyattr(name = "MethodMetadata", once)]
    fn method_metadata_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::marks::MethodMetadata::make_static_type()
    }

    #[pyattr(name = "Executer", once)]
    fn executer_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::executer::Executer::make_static_type()
    }

    #[pyattr(name = "Task", once)]
    fn task_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::board_fn::Task::make_static_type()
    }

    #[pyattr(name = "Setup", once)]
    fn setup_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::board_fn::Setup::make_static_type()
    }

    #[pyattr(name = "UsbSpecifier", once)]
    fn usb_specifier_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::usb::PyUsbSpecifier::make_static_type()
    }

    /// The USB serial ports of this machine, as `UsbSpecifier`s with `device` set.
    #[pyfunction]
    fn list_devices(vm: &VirtualMachine) -> rustpython_vm::PyObjectRef {
        crate::usb::list_devices(vm)
    }

    #[pyattr(name = "ProxyObject", once)]
    fn proxy_object_type(_vm: &VirtualMachine) -> PyTypeRef {
        crate::proxy::ProxyObject::make_static_type()
    }
}
