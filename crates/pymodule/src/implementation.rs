//! `device.implementation`: what firmware the board runs (a view of the board handle's
//! `Firmware`).

use std::sync::Arc;

use belay_transport::wire::Firmware;
use rustpython_vm::types::Representable;
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::values::to_py;

#[pyclass(module = "belay", name = "Implementation")]
#[derive(Debug, PyPayload)]
pub struct Implementation {
    firmware: Arc<Firmware>,
    /// `sys.implementation.version` as a host value.
    version: PyObjectRef,
}

impl Implementation {
    pub fn new(firmware: Arc<Firmware>, vm: &VirtualMachine) -> PyResult<Self> {
        let version = to_py(firmware.version.clone(), vm)?;
        Ok(Implementation { firmware, version })
    }
}

#[pyclass(with(Representable))]
impl Implementation {
    #[pygetset]
    fn name(zelf: &Py<Self>) -> String {
        zelf.firmware.name.clone()
    }
    #[pygetset]
    fn version(zelf: &Py<Self>) -> PyObjectRef {
        zelf.version.clone()
    }
    #[pygetset]
    fn platform(zelf: &Py<Self>) -> String {
        zelf.firmware.platform.clone()
    }
    /// Native code emitters the board accepts: `("native", "viper")`, `("native",)` or `()`.
    #[pygetset]
    fn emitters(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        let items = zelf
            .firmware
            .emitters
            .iter()
            .map(|e| vm.ctx.new_str(*e).into())
            .collect();
        vm.ctx.new_tuple(items).into()
    }
    #[pygetset]
    fn arch(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        match zelf.firmware.arch {
            Some(a) => vm.ctx.new_str(a).into(),
            None => vm.ctx.none(),
        }
    }
}

impl Representable for Implementation {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let f = &zelf.firmware;
        Ok(format!(
            "Implementation(name={:?}, version={}, platform={:?}, arch={:?}, emitters={:?})",
            f.name,
            zelf.version.repr(vm)?,
            f.platform,
            f.arch,
            f.emitters
        ))
    }
}
