//! The Python behaviour of `belay.ProxyObject`: every operation becomes one board expression;
//! immutable results come back as values, mutable ones as new proxies. Board errors are promoted
//! to the matching Python exception.

use rustpython_vm::builtins::{PyBaseExceptionRef, PySlice, PyStr, PyStrRef};
use rustpython_vm::function::{FuncArgs, PyComparisonValue, PySetterValue};
use rustpython_vm::protocol::{PyMappingMethods, PySequenceMethods};
use rustpython_vm::types::{
    AsMapping, AsSequence, Callable, Comparable, Constructor, DefaultConstructor, Destructor,
    GetAttr, Hashable, Initializer, Iterable, PyComparisonOp, Representable, SetAttr,
};
use rustpython_vm::{
    AsObject, Py, PyObject, PyObjectRef, PyRef, PyResult, VirtualMachine, atomic_func,
    common::hash::PyHash, pyclass,
};

use super::object::{ProxyObject, Target};
use crate::board::session::Output;
use crate::calls;
use crate::device::Device;
use crate::errors::{self, PyboardException};
use crate::values;
use belay_transport::wire::snippets::{self, expr};

impl ProxyObject {
    /// A value as board source: a proxy by its target name, anything else as a literal.
    fn resolve(value: &PyObject, t: &Target, vm: &VirtualMachine) -> PyResult<String> {
        if let Some(p) = value.downcast_ref::<ProxyObject>() {
            return Ok(p.target(vm)?.name);
        }
        let encoder = t.board.session(vm)?.encoder(vm, [value])?;
        values::to_source(encoder, value, vm)
    }

    /// Evaluate `expr` on the board; mutable results as proxies.
    fn get(t: &Target, expr: &str, vm: &VirtualMachine) -> PyResult {
        calls::proxied(&t.board, &t.device, vm, expr, true, Output::Stdout)
            .map_err(|e| promote(e, vm))
    }

    /// Evaluate `expr` on the board as a plain value.
    fn value(t: &Target, expr: &str, vm: &VirtualMachine) -> PyResult {
        calls::value(&t.board, vm, expr).map_err(|e| promote(e, vm))
    }

    fn exec(t: &Target, code: String, vm: &VirtualMachine) -> PyResult<()> {
        calls::exec(&t.board, vm, &code).map_err(|e| promote(e, vm))
    }

    fn subscript_text(t: &Target, key: &PyObject, vm: &VirtualMachine) -> PyResult<String> {
        if let Some(slice) = key.downcast_ref::<PySlice>() {
            let part = |v: Option<&PyObjectRef>| -> PyResult<String> {
                match v {
                    Some(v) if !vm.is_none(v) => Self::resolve(v, t, vm),
                    _ => Ok(String::new()),
                }
            };
            let start = part(slice.start.as_ref())?;
            let stop = part(Some(&slice.stop))?;
            let step = part(slice.step.as_ref())?;
            return Ok(expr::slice(&t.name, &start, &stop, &step));
        }
        Ok(expr::item(&t.name, &Self::resolve(key, t, vm)?))
    }
}

/// A board error as the Python exception it stands for (the board's traceback as its cause).
fn promote(e: PyBaseExceptionRef, vm: &VirtualMachine) -> PyBaseExceptionRef {
    if !errors::is::<PyboardException>(&e) {
        return e;
    }
    let text = errors::text(&e, vm);
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

    fn init(zelf: &Py<Self>, args: ProxyArgs, vm: &VirtualMachine) -> PyResult<()> {
        *zelf.target.write() = Some(Target {
            board: args.device.board(vm)?,
            device: args.device.into(),
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
    fn _belay_device(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
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
        Self::value(&t, &expr::apply("str", &t.name), vm)
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
        Self::get(
            &t,
            &expr::attribute(&t.name, &name.as_wtf8().to_string()),
            vm,
        )
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
        let place = expr::attribute(&t.name, &name.as_wtf8().to_string());
        let code = match value {
            PySetterValue::Assign(v) => snippets::assign(&place, &Self::resolve(&v, &t, vm)?),
            PySetterValue::Delete => snippets::delete(&place),
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
                    Some(v) => snippets::assign(&place, &ProxyObject::resolve(&v, &t, vm)?),
                    None => snippets::delete(&place),
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
                let test = expr::binary(&ProxyObject::resolve(needle, &t, vm)?, "in", &t.name);
                ProxyObject::value(&t, &test, vm)?.try_to_bool(vm)
            }),
            ..PySequenceMethods::NOT_IMPLEMENTED
        };
        &AS_SEQUENCE
    }
}

impl ProxyObject {
    fn length(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<usize> {
        let t = zelf.target(vm)?;
        Self::value(&t, &expr::apply("len", &t.name), vm)?.try_into_value(vm)
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
        let test = expr::binary(&t.name, symbol, &Self::resolve(other, &t, vm)?);
        Ok(PyComparisonValue::Implemented(
            Self::value(&t, &test, vm)?.try_to_bool(vm)?,
        ))
    }
}

impl Iterable for ProxyObject {
    /// The board object's items, fetched at once as `list(obj)`.
    fn iter(zelf: PyRef<Self>, vm: &VirtualMachine) -> PyResult {
        let t = zelf.target(vm)?;
        let items = Self::value(&t, &expr::apply("list", &t.name), vm)?;
        items.get_iter(vm).map(Into::into)
    }
}

impl Hashable for ProxyObject {
    fn hash(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyHash> {
        let t = zelf.target(vm)?;
        Self::value(&t, &expr::apply("hash", &t.name), vm)?.try_into_value(vm)
    }
}

impl Callable for ProxyObject {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let t = zelf.target(vm)?;
        let positional = args
            .args
            .iter()
            .map(|a| Self::resolve(a, &t, vm))
            .collect::<PyResult<Vec<_>>>()?;
        let keywords = args
            .kwargs
            .iter()
            .map(|(k, v)| Ok((k.to_string(), Self::resolve(v, &t, vm)?)))
            .collect::<PyResult<Vec<_>>>()?;
        let call = snippets::call(
            &t.name,
            positional.iter().map(String::as_str),
            keywords.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        Self::get(&t, &call, vm)
    }
}

impl Representable for ProxyObject {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let t = zelf.target(vm)?;
        let remote = Self::value(&t, &expr::apply("repr", &t.name), vm)?;
        Ok(format!("<{} {}>", zelf.class().name(), remote.str(vm)?))
    }
}

impl Destructor for ProxyObject {
    /// With `delete`, the board object's name goes with the proxy.
    fn del(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        if let Some(t) = zelf.target.read().clone()
            && t.delete
        {
            let _ = calls::exec(&t.board, vm, &snippets::delete(&t.name));
        }
        Ok(())
    }
}
