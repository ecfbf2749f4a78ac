//! The `belay` exception classes, in Belay's hierarchy, and how transport failures map onto them.
//! They are a sub-module merged into `belay` (RustPython's `#[pymodule(sub)]`, as its `_ssl`
//! errors are), so every other module of this crate can raise them without importing the module
//! that registers the classes.

use belay_transport::{TransportError, UsbError};
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::class::StaticType;
use rustpython_vm::{AsObject, VirtualMachine};

pub(crate) use belay_errors::*;

#[rustpython_vm::pymodule(sub, name = "belay")]
pub(crate) mod belay_errors {
    use rustpython_vm::builtins::PyException;
    use rustpython_vm::types::Constructor;
    use rustpython_vm::{pyclass, pyexception};

    #[pyattr]
    #[pyexception(name = "BelayException", module = "belay", base = PyException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct BelayException(PyException);

    #[pyattr]
    #[pyexception(name = "AuthenticationError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct AuthenticationError(BelayException);

    #[pyattr]
    #[pyexception(name = "FeatureUnavailableError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct FeatureUnavailableError(BelayException);

    #[pyattr]
    #[pyexception(name = "SpecialFunctionNameError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct SpecialFunctionNameError(BelayException);

    #[pyattr]
    #[pyexception(name = "MaxHistoryLengthError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct MaxHistoryLengthError(BelayException);

    #[pyattr]
    #[pyexception(name = "DeviceNotFoundError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct DeviceNotFoundError(BelayException);

    #[pyattr]
    #[pyexception(name = "InsufficientSpecifierError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct InsufficientSpecifierError(BelayException);

    #[pyattr]
    #[pyexception(name = "ConnectionFailedError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct ConnectionFailedError(BelayException);

    #[pyattr]
    #[pyexception(name = "ConnectionLost", module = "belay", base = ConnectionFailedError, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct ConnectionLost(ConnectionFailedError);

    #[pyattr]
    #[pyexception(name = "InternalError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct InternalError(BelayException);

    #[pyattr]
    #[pyexception(name = "NotBelayResponseError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct NotBelayResponseError(BelayException);

    #[pyattr]
    #[pyexception(name = "NoMatchingExecuterError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct NoMatchingExecuterError(BelayException);

    /// Belay's package manager could not find a package in any index or at its URL.
    #[pyattr]
    #[pyexception(name = "PackageNotFoundError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct PackageNotFoundError(BelayException);

    /// A downloaded file's hash did not match the index's.
    #[pyattr]
    #[pyexception(name = "IntegrityError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct IntegrityError(BelayException);

    /// A reply of belay-run's own board code that is not in the wire format (a user's value
    /// that is not a literal is `belay.UNPARSABLE_RESULT`, as in Belay).
    #[pyattr]
    #[pyexception(name = "UnparsableResultError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct UnparsableResultError(BelayException);

    /// Protocol failures and timeouts talking to the board.
    #[pyattr]
    #[pyexception(name = "PyboardError", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct PyboardError(BelayException);

    /// An exception raised on the board; its text is the board's traceback.
    #[pyattr]
    #[pyexception(name = "PyboardException", module = "belay", base = BelayException, impl)]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct PyboardException(BelayException);
}

/// A new `E` (one of the classes above) with `message`.
pub(crate) fn new<E: StaticType>(
    vm: &VirtualMachine,
    message: impl Into<String>,
) -> PyBaseExceptionRef {
    vm.new_exception_msg(E::static_type().to_owned(), message.into().into())
}

/// Whether `exc` is an `E` (or a subclass).
pub(crate) fn is<E: StaticType>(exc: &PyBaseExceptionRef) -> bool {
    exc.fast_isinstance(E::static_type())
}

/// `str(exc)`, for messages that quote another exception.
pub(crate) fn text(exc: &PyBaseExceptionRef, vm: &VirtualMachine) -> String {
    exc.as_object()
        .str(vm)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The `belay` exception for a transport failure.
pub(crate) fn transport_error(vm: &VirtualMachine, e: TransportError) -> PyBaseExceptionRef {
    let message = e.to_string();
    match &e {
        TransportError::Open { .. } | TransportError::BadPort { .. } => {
            new::<ConnectionFailedError>(vm, message)
        }
        TransportError::ConnectionLost(_)
        | TransportError::BoardReset(_)
        | TransportError::Closed => new::<ConnectionLost>(vm, message),
        TransportError::Authentication(_) => new::<AuthenticationError>(vm, message),
        TransportError::Usb(UsbError::NotFound { .. }) => new::<DeviceNotFoundError>(vm, message),
        TransportError::Usb(UsbError::Ambiguous { .. }) => {
            new::<InsufficientSpecifierError>(vm, message)
        }
        // A bounded wait that ran out: the board stopped answering (while connecting, the
        // connection failed; see `connect_error`).
        TransportError::Timeout { .. } if e.is_connect_step() => {
            new::<ConnectionFailedError>(vm, message)
        }
        TransportError::Timeout { .. } => new::<ConnectionLost>(vm, message),
        TransportError::Protocol { .. }
        | TransportError::Aborted
        | TransportError::StillBusy { .. } => new::<PyboardError>(vm, message),
    }
}

/// The `belay` exception for a failure to connect to `port`: the specific classes
/// (AuthenticationError, DeviceNotFoundError, ...) are kept, anything else is
/// ConnectionFailedError.
pub(crate) fn connect_error(
    vm: &VirtualMachine,
    port: &str,
    e: TransportError,
) -> PyBaseExceptionRef {
    let exc = transport_error(vm, e);
    let message = format!("could not connect to {port}: {}", text(&exc, vm));
    if is::<PyboardError>(&exc) || is::<ConnectionLost>(&exc) {
        new::<ConnectionFailedError>(vm, message)
    } else {
        vm.new_exception_msg(exc.class().to_owned(), message.into())
    }
}
