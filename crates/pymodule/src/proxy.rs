//! `belay.ProxyObject`: a host handle on an object that stays on the board (belay-spec §1.8).
//! Every operation becomes one board expression; immutable results come back as values, mutable
//! ones as new proxies. Board errors are promoted to the matching Python exception.

use rustpython_vm::builtins::{PyBaseExceptionRef, PySlice, PyStr, PyStrRef};
use rustpython_vm::common::lock::PyRwLock;
use rustpython_vm::function::{FuncArgs, PyComparisonValue, PySetterValue};
use rustpython_vm::protocol::{PyMappingMethods, PySequenceMethods};
use rustpython_vm::types::{
    AsMapping, AsSequence, Callable, Comparable, Constructor, DefaultConstructor, Destructor,
    GetAttr, Hashable, Initializer, Iterable, PyComparisonOp, Representable, SetAttr,
};
use rustpython_vm::{
    AsObject, Py, PyObject, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, atomic_func,
    common::hash::PyHash, pyclass,
};

use crate::device::Device;
use crate::module::belay;

#[derive(Debug, Clone)]
struct Target {
    device: PyRef<Device>,
    name: String,
    delete: bool,
}

#[pyclass(module = "belay", name = "ProxyObject")]
#[derive(Debug, Default, PyPayload)]
pub struct ProxyObject {
    target: PyRwLock<Option<Target>>,
}

impl ProxyObject {
    pub fn new(device: PyRef<Device>, name: String, delete: bool) -> Self {
        ProxyObject {
            target: PyRwLock::new(Some(Target {
                device,
                name,
                delete,
            })),
        }
    }

    fn target(&self, vm: &VirtualMachine) -> PyResult<Target> {
        self.target
            .read()
            .clone()
            .ok_or_else(|| vm.new_type_error("ProxyObject.__init__ was not called"))
    }

    /// The board expression naming this proxy's object.
    pub fn target_name(&self) -> Option<String> {
        self.target.read().as_ref().map(|t| t.name.clone())
    }

    /// A value as board source: a proxy by its target name, anything else as a literal.
    fn resolve(value: &PyObject, device: &Device, vm: &VirtualMachine) -> PyResult<String> {
        if let Some(p) = value.downcast_ref::<ProxyObject>() {
            return Ok(p.target(vm)?.name);
        }
        device.session(vm)?.encoder().to_literal(value, vm)
    }

    /// Evaluate `expr` on the board; mutable results as proxies.
    fn get(t: &Target, expr: &str, vm: &VirtualMachine) -> PyResult {
        Device::eval_proxied(&t.device, expr, true, vm).map_err(|e| promote(e, vm))
    }

    /// Evaluate `expr` on the board as a plain value.
    fn value(t: &Target, expr: &str, vm: &VirtualMachine) -> PyResult {
        Device::eval_value(&t.device, expr, vm).map_err(|e| promote(e, vm))
    }

    fn exec(t: &Target, code: String, vm: &VirtualMachine) -> PyResult<()> {
        Device::exec_statement(&t.device, code, vm).map_err(|e| promote(e, vm))
    }

    fn subscript_text(t: &Target, key: &PyObject, vm: &VirtualMachine) -> PyResult<String> {
        if let Some(slice) = key.downcast_ref::<PySlice>() {
            let part = |v: Option<&PyObjectRef>| -> PyResult<String> {
                match v {
                    Some(v) if !vm.is_none(v) => Self::resolve(v, &t.device, vm),
                    _ => Ok(String::new()),
                }
            };
            let start = part(slice.start.as_ref())?;
            let stop = part(Some(&slice.stop))?;
            let step = match part(slice.step.as_ref())? {
                s if s.is_empty() => s,
                s => format!(":{s}"),
            };
            return Ok(format!("{}[{start}:{stop}{step}]", t.name));
        }
        Ok(format!(
            "{}[{}]",
            t.name,
            Self::resolve(key, &t.device, vm)?
        ))
    }
}

/// A board error as the Python exception it stands for (the board's traceback as its cause).
fn promote(e: PyBaseExceptionRef, vm: &VirtualMachine) -> PyBaseExceptionRef {
    if !e.fast_isinstance(&belay::pyboard_exception(vm)) {
        return e;
    }
    let text = e
        .as_object()
        .str(vm)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let ex = &vm.ctx.exceptions;
    let kind = [
        ("AttributeError: ", ex.attribute_error),
        ("KeyError: ", ex.key_error),
        ("IndexError: ", ex.index_error),
        ("ValueError: ", ex.value_error),
        ("TypeError: ", ex.type_error),
    ]
    .into_iter()
    .find(|(needle, _)| text.contains(needle));
    match kind {
        Some((needle, class)) => {
            let message = text
                .lines()
                .rev()
                .find_map(|l| {
                    l.trim()
                        .strip_prefix(needle.trim_end())
                        .map(|m| m.trim().to_string())
                })
                .unwrap_or_default();
            let promoted = vm.new_exception_msg(class.to_owned(), message.into());
            promoted.set_cause(Some(e));
            promoted
        }
        None => e,
    }
}

impl DefaultConstructor for ProxyObject {}

#[derive(rustpython_vm::FromArgs)]
pub struct ProxyArgs {
    #[pyarg(any)]
    device: PyRef<Device>,
    #[pyarg(any)]
    name: PyStrRef,
    #[pyarg(any, default = true)]
    delete: bool,
}

impl Initializer for ProxyObject {
    type Args = ProxyArgs;

    fn init(zelf: &Py<Self>, args: ProxyArgs, _vm: &VirtualMachine) -> PyResult<()> {
        *zelf.target.write() = Some(Target {
            device: args.device,
            name: args.name.to_string(),
            delete: args.delete,
        });
        Ok(())
    }
}

#[pyclass(
    with(
        Constructor,
        Initializer,
        GetAttr,
        SetAttr,
        AsMapping,
        AsSequence,
        Comparable,
        Iterable,
        Hashable,
        Callable,
        Representable,
        Destructor
    ),
    flags(BASETYPE, HAS_DICT)
)]
impl ProxyObject {
    #[pygetset]
    fn _belay_device(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyRef<Device>> {
        Ok(zelf.target(vm)?.device)
    }
    #[pygetset]
    fn _belay_target_name(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        Ok(zelf.target(vm)?.name)
    }
    #[pygetset]
    fn _belay_delete(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<bool> {
        Ok(zelf.target(vm)?.delete)
    }

    /// `str()` of the board object.
    #[pymethod]
    fn __str__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        let t = zelf.target(vm)?;
        Self::value(&t, &format!("str({})", t.name), vm)
    }
}

impl GetAttr for ProxyObject {
    /// Attributes of the host object (a subclass's own, `_belay_*`) first; anything else is read
    /// on the board.
    fn getattro(zelf: &Py<Self>, name: &Py<PyStr>, vm: &VirtualMachine) -> PyResult {
        if let Some(local) = zelf.as_object().generic_getattr_opt(name, None, vm)? {
            return Ok(local);
        }
        let t = zelf.target(vm)?;
        Self::get(&t, &format!("{}.{}", t.name, name.as_wtf8()), vm)
    }
}

impl SetAttr for ProxyObject {
    fn setattro(
        zelf: &Py<Self>,
        name: &Py<PyStr>,
        value: PySetterValue,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        if zelf
            .as_object()
            .generic_getattr_opt(name, None, vm)?
            .is_some()
        {
            return zelf.as_object().generic_setattr(name, value, vm);
        }
        let t = zelf.target(vm)?;
        let code = match value {
            PySetterValue::Assign(v) => format!(
                "{}.{}={}",
                t.name,
                name.as_wtf8(),
                Self::resolve(&v, &t.device, vm)?
            ),
            PySetterValue::Delete => format!("del {}.{}", t.name, name.as_wtf8()),
        };
        Self::exec(&t, code, vm)
    }
}

impl AsMapping for ProxyObject {
    fn as_mapping() -> &'static PyMappingMethods {
        static AS_MAPPING: PyMappingMethods = PyMappingMethods {
            length: atomic_func!(|mapping, vm| ProxyObject::length(
                ProxyObject::mapping_downcast(mapping),
                vm
            )),
            subscript: atomic_func!(|mapping, key, vm| {
                let zelf = ProxyObject::mapping_downcast(mapping);
                let t = zelf.target(vm)?;
                ProxyObject::get(&t, &ProxyObject::subscript_text(&t, key, vm)?, vm)
            }),
            ass_subscript: atomic_func!(|mapping, key, value, vm| {
                let zelf = ProxyObject::mapping_downcast(mapping);
                let t = zelf.target(vm)?;
                let place = ProxyObject::subscript_text(&t, key, vm)?;
                let code = match value {
                    Some(v) => format!("{place}={}", ProxyObject::resolve(&v, &t.device, vm)?),
                    None => format!("del {place}"),
                };
                ProxyObject::exec(&t, code, vm)
            }),
        };
        &AS_MAPPING
    }
}

impl AsSequence for ProxyObject {
    fn as_sequence() -> &'static PySequenceMethods {
        static AS_SEQUENCE: PySequenceMethods = PySequenceMethods {
            length: atomic_func!(|seq, vm| ProxyObject::length(
                ProxyObject::sequence_downcast(seq),
                vm
            )),
            contains: atomic_func!(|seq, needle, vm| {
                let t = ProxyObject::sequence_downcast(seq).target(vm)?;
                let expr = format!(
                    "{} in {}",
                    ProxyObject::resolve(needle, &t.device, vm)?,
                    t.name
                );
                ProxyObject::value(&t, &expr, vm)?.try_to_bool(vm)
            }),
            ..PySequenceMethods::NOT_IMPLEMENTED
        };
        &AS_SEQUENCE
    }
}

impl ProxyObject {
    fn length(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<usize> {
        let t = zelf.target(vm)?;
        Self::value(&t, &format!("len({})", t.name), vm)?.try_into_value(vm)
    }
}

impl Comparable for ProxyObject {
    fn cmp(
        zelf: &Py<Self>,
        other: &PyObject,
        op: PyComparisonOp,
        vm: &VirtualMachine,
    ) -> PyResult<PyComparisonValue> {
        let t = zelf.target(vm)?;
        let symbol = match op {
            PyComparisonOp::Lt => "<",
            PyComparisonOp::Le => "<=",
            PyComparisonOp::Eq => "==",
            PyComparisonOp::Ne => "!=",
            PyComparisonOp::Gt => ">",
            PyComparisonOp::Ge => ">=",
        };
        let expr = format!(
            "{} {symbol} {}",
            t.name,
            Self::resolve(other, &t.device, vm)?
        );
        Ok(PyComparisonValue::Implemented(
            Self::value(&t, &expr, vm)?.try_to_bool(vm)?,
        ))
    }
}

impl Iterable for ProxyObject {
    /// The board object's items, fetched at once as `list(obj)`.
    fn iter(zelf: PyRef<Self>, vm: &VirtualMachine) -> PyResult {
        let t = zelf.target(vm)?;
        let items = Self::value(&t, &format!("list({})", t.name), vm)?;
        items.get_iter(vm).map(Into::into)
    }
}

impl Hashable for ProxyObject {
    fn hash(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyHash> {
        let t = zelf.target(vm)?;
        Self::value(&t, &format!("hash({})", t.name), vm)?.try_into_value(vm)
    }
}

impl Callable for ProxyObject {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let t = zelf.target(vm)?;
        let mut parts = Vec::new();
        for a in &args.args {
            parts.push(Self::resolve(a, &t.device, vm)?);
        }
        for (k, v) in &args.kwargs {
            parts.push(format!("{k}={}", Self::resolve(v, &t.device, vm)?));
        }
        Self::get(&t, &format!("{}({})", t.name, parts.join(",")), vm)
    }
}

impl Representable for ProxyObject {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let t = zelf.target(vm)?;
        let remote = Self::value(&t, &format!("repr({})", t.name), vm)?;
        Ok(format!("<{} {}>", zelf.class().name(), remote.str(vm)?))
    }
}

impl Destructor for ProxyObject {
    /// With `delete`, the board object's name goes with the proxy.
    fn del(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        if let Some(t) = zelf.target.read().clone()
            && t.delete
        {
            let _ = Device::exec_statement(&t.device, format!("del {}", t.name), vm);
        }
        Ok(())
    }
}
