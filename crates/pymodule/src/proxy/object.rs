//! The payload of `belay.ProxyObject`: which board object it names.

use std::sync::Arc;

use rustpython_vm::common::lock::PyRwLock;
use rustpython_vm::{PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::board::Board;

/// What a proxy stands for.
#[derive(Debug, Clone)]
pub struct Target {
    pub board: Arc<Board>,
    /// The `belay.Device` the proxy came from (its `_belay_device`).
    pub device: PyObjectRef,
    /// The board expression naming the object (a global such as `__belay_obj_3`).
    pub name: String,
    /// Delete the board global when the proxy goes away.
    pub delete: bool,
}

#[pyclass(module = "belay", name = "ProxyObject")]
#[derive(Debug, Default, PyPayload)]
pub struct ProxyObject {
    pub(super) target: PyRwLock<Option<Target>>,
}

impl ProxyObject {
    /// A new `belay.ProxyObject` for `target`.
    pub fn create(target: Target, vm: &VirtualMachine) -> PyObjectRef {
        ProxyObject {
            target: PyRwLock::new(Some(target)),
        }
        .into_ref(&vm.ctx)
        .into()
    }

    pub(super) fn target(&self, vm: &VirtualMachine) -> PyResult<Target> {
        self.target
            .read()
            .clone()
            .ok_or_else(|| vm.new_type_error("ProxyObject.__init__ was not called"))
    }

    /// The board expression naming this proxy's object.
    pub fn target_name(&self) -> Option<String> {
        self.target.read().as_ref().map(|t| t.name.clone())
    }
}
