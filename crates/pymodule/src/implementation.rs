//! `belay.Implementation`: what firmware a board runs, as Belay's attrs class of that name
//! (`Implementation(name, version=(0, 0, 0), platform="", arch=None, emitters=())`: its repr,
//! equality by fields, unhashable). A device's is a view of the board handle's `Firmware` whose emitters are
//! checked on the board when first asked for; one made by a script holds what it was given.

use std::sync::Arc;

use belay_transport::wire::firmware::arch_of;
use rustpython_vm::builtins::PyTupleRef;
use rustpython_vm::function::{FuncArgs, OptionalArg, PyComparisonValue};
use rustpython_vm::types::{Comparable, Constructor, PyComparisonOp, Representable};
use rustpython_vm::{
    AsObject, Py, PyObject, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass,
};

use crate::board::Board;
use crate::values::to_py;

#[pyclass(module = "belay", name = "Implementation", unhashable = true)]
#[derive(Debug, PyPayload)]
pub struct Implementation {
    name: String,
    /// `sys.implementation.version` as a host value.
    version: PyObjectRef,
    platform: String,
    arch: Option<String>,
    emitters: Emitters,
}

/// Where the emitters come from.
#[derive(Debug)]
enum Emitters {
    /// Checked on the board when first asked for (a device's implementation).
    Board(Arc<Board>),
    /// Given to the constructor.
    Given(PyTupleRef),
}

impl Implementation {
    /// A device's implementation.
    pub fn new(board: Arc<Board>, vm: &VirtualMachine) -> PyResult<Self> {
        let firmware = board.firmware();
        Ok(Implementation {
            name: firmware.name.clone(),
            version: to_py(firmware.version.clone(), firmware.floats, vm)?,
            platform: firmware.platform.clone(),
            arch: firmware.arch.map(str::to_string),
            emitters: Emitters::Board(board),
        })
    }

    fn emitters_tuple(&self, vm: &VirtualMachine) -> PyResult<PyTupleRef> {
        match &self.emitters {
            Emitters::Given(t) => Ok(t.clone()),
            Emitters::Board(board) => {
                let items = board
                    .emitters(vm)?
                    .iter()
                    .map(|e| vm.ctx.new_str(*e).into())
                    .collect();
                Ok(vm.ctx.new_tuple(items))
            }
        }
    }

    /// The fields, in Belay's order.
    fn fields(&self, vm: &VirtualMachine) -> PyResult<[PyObjectRef; 5]> {
        Ok([
            vm.ctx.new_str(self.name.as_str()).into(),
            self.version.clone(),
            vm.ctx.new_str(self.platform.as_str()).into(),
            match &self.arch {
                Some(a) => vm.ctx.new_str(a.as_str()).into(),
                None => vm.ctx.none(),
            },
            self.emitters_tuple(vm)?.into(),
        ])
    }
}

/// Belay's constructor arguments.
#[derive(rustpython_vm::FromArgs)]
pub struct ImplementationArgs {
    #[pyarg(any)]
    name: String,
    #[pyarg(any, optional)]
    version: OptionalArg<PyObjectRef>,
    #[pyarg(any, optional)]
    platform: OptionalArg<String>,
    /// An architecture name, None, or `sys.implementation._mpy` (Belay's converter).
    #[pyarg(any, optional)]
    arch: OptionalArg<PyObjectRef>,
    #[pyarg(any, optional)]
    emitters: OptionalArg<PyObjectRef>,
}

impl Constructor for Implementation {
    type Args = FuncArgs;

    fn py_new(
        _cls: &Py<rustpython_vm::builtins::PyType>,
        args: FuncArgs,
        vm: &VirtualMachine,
    ) -> PyResult<Self> {
        let args: ImplementationArgs = args.bind(vm)?;
        let arch = match args.arch.into_option() {
            None => None,
            Some(a) if vm.is_none(&a) => None,
            Some(a) => match a.try_to_value::<u64>(vm) {
                Ok(mpy) => arch_of(mpy).map(str::to_string),
                Err(_) => Some(a.str(vm)?.to_string()),
            },
        };
        let emitters = match args.emitters.into_option() {
            Some(e) => vm
                .ctx
                .types
                .tuple_type
                .as_object()
                .call((e,), vm)?
                .downcast()
                .map_err(|_| vm.new_type_error("emitters must be a tuple"))?,
            None => vm.ctx.empty_tuple.clone(),
        };
        Ok(Implementation {
            name: args.name,
            version: args.version.into_option().unwrap_or_else(|| {
                let zero = || vm.ctx.new_int(0).into();
                vm.ctx.new_tuple(vec![zero(), zero(), zero()]).into()
            }),
            platform: args.platform.into_option().unwrap_or_default(),
            arch,
            emitters: Emitters::Given(emitters),
        })
    }
}

#[pyclass(with(Constructor, Representable, Comparable))]
impl Implementation {
    #[pygetset]
    fn name(zelf: &Py<Self>) -> String {
        zelf.name.clone()
    }
    #[pygetset]
    fn version(zelf: &Py<Self>) -> PyObjectRef {
        zelf.version.clone()
    }
    #[pygetset]
    fn platform(zelf: &Py<Self>) -> String {
        zelf.platform.clone()
    }
    /// Native code emitters the board accepts: `("native", "viper")`, `("native",)` or `()`.
    #[pygetset]
    fn emitters(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyTupleRef> {
        zelf.emitters_tuple(vm)
    }
    #[pygetset]
    fn arch(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        match &zelf.arch {
            Some(a) => vm.ctx.new_str(a.as_str()).into(),
            None => vm.ctx.none(),
        }
    }
}

impl Representable for Implementation {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let [name, version, platform, arch, emitters] = zelf.fields(vm)?;
        Ok(format!(
            "Implementation(name={}, version={}, platform={}, arch={}, emitters={})",
            name.repr(vm)?,
            version.repr(vm)?,
            platform.repr(vm)?,
            arch.repr(vm)?,
            emitters.repr(vm)?,
        ))
    }
}

impl Comparable for Implementation {
    fn cmp(
        zelf: &Py<Self>,
        other: &PyObject,
        op: PyComparisonOp,
        vm: &VirtualMachine,
    ) -> PyResult<PyComparisonValue> {
        op.eq_only(|| {
            let Some(other) = other.downcast_ref::<Implementation>() else {
                return Ok(PyComparisonValue::NotImplemented);
            };
            let mine = vm.ctx.new_tuple(zelf.fields(vm)?.to_vec());
            let theirs = vm.ctx.new_tuple(other.fields(vm)?.to_vec());
            Ok(PyComparisonValue::Implemented(
                vm.bool_eq(mine.as_object(), theirs.as_object())?,
            ))
        })
    }
}
