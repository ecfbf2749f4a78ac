//! `device.implementation`: what firmware the board runs (a view of the board handle's
//! `Firmware`; the emitters are checked on the board when first asked for).

use std::sync::Arc;

use belay_transport::wire::Firmware;

use crate::board::Board;
use rustpython_vm::types::Representable;
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::values::to_py;

#[pyclass(module = "belay", name = "Implementation")]
#[derive(Debug, PyPayload)]
pub struct Implementation {
    board: Arc<Board>,
    firmware: Arc<Firmware>,
    /// `sys.implementation.version` as a host value.
    version: PyObjectRef,
}

impl Implementation {
    pub fn new(board: Arc<Board>, vm: &VirtualMachine) -> PyResult<Self> {
        let firmware = board.firmware();
        let version = to_py(firmware.version.clone(), firmware.floats, vm)?;
        Ok(Implementation {
            board,
            firmware,
            version,
        })
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
    fn emitters(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        let items = zelf
            .board
            .emitters(vm)?
            .iter()
            .map(|e| vm.ctx.new_str(*e).into())
            .collect();
        Ok(vm.ctx.new_tuple(items).into())
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
            zelf.board.emitters(vm)?
        ))
    }
}
