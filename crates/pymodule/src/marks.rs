//! The class form: `@Device.task`, `@Device.setup(autoinit=True)`, ... on functions in a `Device`
//! subclass (or a mixin). Decorating only marks the function (`func.__belay__`); the device wraps
//! the marked functions when an instance connects, choosing per-implementation overloads.
//!
//! Overloads need no metaclass: when a function is marked inside a class body, the name's previous
//! value in that body (the class namespace being built) is the previous overload, and the new mark
//! links to it.

use std::sync::atomic::{AtomicU64, Ordering};

use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::Representable;
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::errors::{self, NoMatchingExecuterError};
use crate::executer::Executer;
use crate::functions::options::{FunctionInfo, Kind, Options};

/// Definition order of marked functions, for autoinit order.
static ORDER: AtomicU64 = AtomicU64::new(0);

/// `func.__belay__`: how a class-level function is to be wrapped.
#[pyclass(module = "belay", name = "MethodMetadata")]
#[derive(Debug, PyPayload)]
pub struct MethodMetadata {
    pub kind: Kind,
    pub opts: Options,
    /// The previous overload of the same name in the same class body.
    pub previous: Option<PyObjectRef>,
    pub order: u64,
}

#[pyclass(with(Representable))]
impl MethodMetadata {
    #[pygetset]
    fn executer(zelf: &Py<Self>) -> &'static str {
        zelf.kind.attr_name()
    }
    #[pygetset]
    fn implementation(zelf: &Py<Self>) -> String {
        zelf.opts.implementation.clone()
    }
    #[pygetset]
    fn autoinit(zelf: &Py<Self>) -> bool {
        zelf.opts.autoinit
    }
}

impl Representable for MethodMetadata {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!(
            "MethodMetadata(executer={:?}, implementation={:?}, autoinit={})",
            zelf.kind.attr_name(),
            zelf.opts.implementation,
            zelf.opts.autoinit
        ))
    }
}

fn metadata(obj: &PyObjectRef, vm: &VirtualMachine) -> Option<PyRef<MethodMetadata>> {
    obj.get_attr("__belay__", vm)
        .ok()?
        .downcast::<MethodMetadata>()
        .ok()
}

/// `Device.<kind>` used on a function, or with options (then it returns the decorator).
pub fn class_decorator(kind: Kind, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
    if args.kwargs.is_empty() && args.args.len() == 1 {
        return mark(kind, Options::defaults(kind), args.args[0].clone(), vm);
    }
    if !args.args.is_empty() {
        return Err(vm.new_type_error(format!(
            "@Device.{} takes a function, or keyword options only",
            kind.attr_name()
        )));
    }
    let mut opts = Options::defaults(kind);
    opts.apply(kind, true, &args, vm)?;
    Ok(vm
        .new_function(
            "belay_decorator",
            move |f: PyObjectRef, vm: &VirtualMachine| mark(kind, opts.clone(), f, vm),
        )
        .into())
}

fn mark(kind: Kind, opts: Options, func: PyObjectRef, vm: &VirtualMachine) -> PyResult {
    let info = FunctionInfo::of(&func, vm)?;
    if info.takes_arguments && (opts.autoinit || kind == Kind::Teardown) {
        let what = if opts.autoinit {
            "an autoinit setup"
        } else {
            "a teardown"
        };
        return Err(vm.new_value_error(format!(
            "{}() cannot take parameters: it is {what}",
            info.name
        )));
    }
    let previous = previous_definition(&info.name, vm)?;
    if let Some(prev) = &previous {
        match metadata(prev, vm) {
            Some(_) => {
                let mut link = Some(prev.clone());
                while let Some(f) = link {
                    let meta = metadata(&f, vm).expect("a chain holds marked functions only");
                    if meta.opts.implementation.is_empty() {
                        return Err(vm.new_value_error(format!(
                            "{}(): an overload cannot follow a definition for every implementation",
                            info.name
                        )));
                    }
                    link = meta.previous.clone();
                }
            }
            None if prev.is_callable() => {
                return Err(vm.new_value_error(format!(
                    "{}: a plain method and a board method cannot share a name",
                    info.name
                )));
            }
            None => {}
        }
    }
    let previous = previous.filter(|p| metadata(p, vm).is_some());
    let meta = MethodMetadata {
        kind,
        opts,
        previous,
        order: ORDER.fetch_add(1, Ordering::Relaxed),
    };
    func.set_attr("__belay__", meta.into_ref(&vm.ctx), vm)?;
    Ok(func)
}

/// The value `name` already has in the class body being executed (None at module level).
fn previous_definition(name: &str, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
    let Some(frame) = vm.current_frame() else {
        return Ok(None);
    };
    let locals = frame.locals(vm)?;
    if locals.obj().is(vm.current_globals().as_object()) {
        return Ok(None);
    }
    let value = vm.call_method(locals.obj(), "get", (name,))?;
    Ok((!vm.is_none(&value)).then_some(value))
}

/// What wrapping the marked functions of a device class produced.
pub struct Wrapped {
    /// Names now bound on the instance.
    pub names: Vec<String>,
    /// Setups to run at start-up, in definition order.
    pub autoinit: Vec<PyObjectRef>,
}

/// Wrap every marked function of `device`'s class for the board's implementation and bind the
/// results on the instance. Classes are searched in MRO order with `Device` itself last, so mixins
/// can provide `setup` and friends; if no overload of a name fits, later classes are tried.
pub fn wrap_class_functions(
    device: &PyObjectRef,
    device_type: &PyObjectRef,
    implementation: &str,
    executers: &[PyRef<Executer>],
    vm: &VirtualMachine,
) -> PyResult<Wrapped> {
    let cls = device.class().to_owned();
    let mro: Vec<PyObjectRef> = cls.as_object().get_attr("__mro__", vm)?.try_to_value(vm)?;
    let classes: Vec<PyObjectRef> = mro
        .into_iter()
        .filter(|c| !c.is(device_type) && !c.is(vm.ctx.types.object_type.as_object()))
        .collect();
    let names: Vec<String> = vm
        .builtins
        .get_attr("dir", vm)?
        .call((cls.clone(),), vm)?
        .try_to_value::<Vec<PyObjectRef>>(vm)?
        .into_iter()
        .map(|n| n.str(vm).map(|s| s.to_string()))
        .collect::<PyResult<_>>()?;

    let mut wrapped = Wrapped {
        names: Vec::new(),
        autoinit: Vec::new(),
    };
    let mut autoinit: Vec<(u64, PyObjectRef)> = Vec::new();
    for name in names {
        let mut marked_somewhere = false;
        let mut chosen = None;
        for klass in &classes {
            let dict = klass.get_attr("__dict__", vm)?;
            let attr = vm.call_method(&dict, "get", (name.as_str(),))?;
            if vm.is_none(&attr) {
                continue;
            }
            if metadata(&attr, vm).is_none() {
                break; // a plain attribute of a more derived class wins
            }
            marked_somewhere = true;
            if let Some(found) = pick_overload(attr, implementation, vm) {
                chosen = Some(found);
                break;
            }
        }
        let Some((func, meta)) = chosen else {
            if marked_somewhere {
                return Err(errors::new::<NoMatchingExecuterError>(
                    vm,
                    format!("no definition of {name}() for implementation {implementation:?}"),
                ));
            }
            continue;
        };
        let executer = executers
            .iter()
            .find(|e| e.kind() == meta.kind)
            .expect("an executer per kind");
        let object = Executer::wrap(executer, func, &meta.opts, vm)?;
        device.set_attr(vm.ctx.intern_str(name.as_str()), object.clone(), vm)?;
        if meta.kind == Kind::Setup && meta.opts.autoinit {
            autoinit.push((meta.order, object));
        }
        wrapped.names.push(name);
    }
    autoinit.sort_by_key(|(order, _)| *order);
    wrapped.autoinit = autoinit.into_iter().map(|(_, o)| o).collect();
    Ok(wrapped)
}

/// The first overload, in definition order, for `implementation` (or for every implementation).
fn pick_overload(
    last: PyObjectRef,
    implementation: &str,
    vm: &VirtualMachine,
) -> Option<(PyObjectRef, PyRef<MethodMetadata>)> {
    let mut chain = Vec::new();
    let mut link = Some(last);
    while let Some(f) = link {
        let meta = metadata(&f, vm)?;
        link = meta.previous.clone();
        chain.push((f, meta));
    }
    chain.reverse();
    chain
        .into_iter()
        .find(|(_, m)| m.opts.implementation.is_empty() || m.opts.implementation == implementation)
}
