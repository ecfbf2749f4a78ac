//! `device.setup` and `device.task`: decorators (bare or with keyword options) that capture a
//! function's source and return proxies that run it on the board.

use std::path::Path;

use rustpython_vm::builtins::PyStr;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::convert::Encoder;
use crate::device::Device;
use crate::module::belay;
use crate::session::{Context, Output};
use crate::source::{FunctionSource, SourceCache};
use crate::traceback::Origin;

const CO_VARARGS: u32 = 0x04;
const CO_VARKEYWORDS: u32 = 0x08;
const CO_GENERATOR: u32 = 0x20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Setup,
    Task,
}

impl Kind {
    /// The attribute of a `Device` instance that holds this executer.
    pub fn attr_name(self) -> &'static str {
        match self {
            Kind::Setup => "setup",
            Kind::Task => "task",
        }
    }

    /// Keyword options accepted by `@device.<kind>(...)` (belay-spec §1.4).
    fn options(self) -> &'static [&'static str] {
        match self {
            Kind::Setup => &["minify", "register", "record", "ignore_errors"],
            Kind::Task => &["minify", "register", "record", "trusted", "return_time"],
        }
    }
}

#[derive(Debug, Clone)]
struct Options {
    register: bool,
    trusted: bool,
    ignore_errors: bool,
}

impl Options {
    fn defaults() -> Self {
        Options {
            register: true,
            trusted: false,
            ignore_errors: false,
        }
    }
}

/// `device.task` / `device.setup`.
#[pyclass(module = "belay", name = "Executer")]
#[derive(Debug, PyPayload)]
pub struct Executer {
    device: PyRef<Device>,
    kind: Kind,
    opts: Options,
    /// For an executer configured with options: the device's executer, where functions register.
    root: Option<PyObjectRef>,
}

impl Executer {
    pub fn new(device: PyRef<Device>, kind: Kind) -> Self {
        Executer {
            device,
            kind,
            opts: Options::defaults(),
            root: None,
        }
    }

    fn decorate(zelf: &Py<Self>, func: PyObjectRef, vm: &VirtualMachine) -> PyResult {
        let info = FunctionInfo::of(&func, vm)?;
        let source = SourceCache::global()
            .function(Path::new(&info.file), &info.name, info.first_line)
            .map_err(|e| {
                vm.new_os_error(format!("cannot get the source of {}(): {e}", info.name))
            })?;
        if zelf.opts.register {
            check_name(&info.name, vm)?;
        }
        let proxy: PyObjectRef = match zelf.kind {
            Kind::Task => {
                if info.flags & CO_GENERATOR != 0 {
                    return Err(vm.new_not_implemented_error(format!(
                        "{}() is a generator: generator tasks are not supported by this version of belay-run",
                        info.name
                    )));
                }
                let session = zelf.device.session(vm)?;
                let origin = Origin {
                    file: info.file.clone(),
                    first_line: source.def_line,
                };
                let ctx = Context {
                    module: Some((&origin, 0)),
                };
                session.run(vm, source.code.clone(), Output::Stdout, &ctx)?;
                session.define(&info.name, origin);
                Task {
                    device: zelf.device.clone(),
                    name: info.name.clone(),
                    func,
                    trusted: zelf.opts.trusted,
                }
                .into_ref(&vm.ctx)
                .into()
            }
            Kind::Setup => {
                if info.flags & CO_GENERATOR != 0 {
                    return Err(vm.new_value_error(format!(
                        "setup function {}() cannot be a generator",
                        info.name
                    )));
                }
                Setup {
                    device: zelf.device.clone(),
                    name: info.name.clone(),
                    takes_arguments: info.takes_arguments,
                    func,
                    source,
                    file: info.file.clone(),
                    ignore_errors: zelf.opts.ignore_errors,
                }
                .into_ref(&vm.ctx)
                .into()
            }
        };
        if zelf.opts.register {
            let root = zelf.root.clone().unwrap_or_else(|| zelf.to_owned().into());
            let name = vm.ctx.intern_str(info.name.as_str());
            root.set_attr(name, proxy.clone(), vm)?;
        }
        Ok(proxy)
    }

    fn configured(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let mut opts = zelf.opts.clone();
        for (key, value) in &args.kwargs {
            let key = key.to_string();
            if !zelf.kind.options().contains(&key.as_str()) {
                return Err(vm.new_type_error(format!(
                    "@device.{}() got an unexpected keyword argument '{key}'",
                    zelf.kind.attr_name()
                )));
            }
            let on = value.clone().try_to_bool(vm)?;
            match key.as_str() {
                "register" => opts.register = on,
                "trusted" => opts.trusted = on,
                "ignore_errors" => opts.ignore_errors = on,
                "return_time" if on => {
                    return Err(vm.new_not_implemented_error(
                        "return_time=True is not supported by this version of belay-run",
                    ));
                }
                // minify only changes how many bytes are sent; record only matters with attempts.
                _ => {}
            }
        }
        Ok(Executer {
            device: zelf.device.clone(),
            kind: zelf.kind,
            opts,
            root: Some(zelf.root.clone().unwrap_or_else(|| zelf.to_owned().into())),
        }
        .into_ref(&vm.ctx)
        .into())
    }
}

#[pyclass(with(Callable, Representable), flags(HAS_DICT))]
impl Executer {}

impl Callable for Executer {
    type Args = FuncArgs;

    /// `@device.task` (one function) or `@device.task(**options)` (returns a decorator).
    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        if args.kwargs.is_empty() && args.args.len() == 1 {
            return Self::decorate(zelf, args.args[0].clone(), vm);
        }
        if !args.args.is_empty() {
            return Err(vm.new_type_error(format!(
                "@device.{} takes a function, or keyword options only",
                zelf.kind.attr_name()
            )));
        }
        Self::configured(zelf, args, vm)
    }
}

impl Representable for Executer {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay executer {}>", zelf.kind.attr_name()))
    }
}

/// Names a board function may not be registered under (belay-spec §1.4).
fn check_name(name: &str, vm: &VirtualMachine) -> PyResult<()> {
    if name.starts_with("_belay")
        || name.starts_with("__belay")
        || (name.starts_with("__") && name.ends_with("__"))
    {
        return Err(vm.new_exception_msg(
            belay::special_function_name_error(vm),
            format!("'{name}' is reserved: board functions may not be named __dunder__ or start with _belay").into(),
        ));
    }
    Ok(())
}

/// What the host knows about a decorated Python function.
struct FunctionInfo {
    name: String,
    file: String,
    first_line: usize,
    flags: u32,
    takes_arguments: bool,
}

impl FunctionInfo {
    fn of(func: &PyObjectRef, vm: &VirtualMachine) -> PyResult<FunctionInfo> {
        let not_function = || {
            vm.new_type_error(format!(
                "board functions must be plain Python functions defined in a file, not '{}'",
                func.class().name()
            ))
        };
        let code = func.get_attr("__code__", vm).map_err(|_| not_function())?;
        let name = func.get_attr("__name__", vm)?.str(vm)?.to_string();
        if name == "<lambda>" {
            return Err(
                vm.new_type_error("a lambda cannot be a board function: give it a name with def")
            );
        }
        let int =
            |attr: &'static str| -> PyResult<u64> { code.get_attr(attr, vm)?.try_into_value(vm) };
        let file = code.get_attr("co_filename", vm)?.str(vm)?.to_string();
        let flags = int("co_flags")? as u32;
        Ok(FunctionInfo {
            name,
            file,
            first_line: int("co_firstlineno")? as usize,
            flags,
            takes_arguments: int("co_argcount")? + int("co_kwonlyargcount")? > 0
                || flags & (CO_VARARGS | CO_VARKEYWORDS) != 0,
        })
    }
}

/// Function-like attributes shared by the proxies.
fn wrapped_attr(func: &PyObjectRef, attr: &'static str, vm: &VirtualMachine) -> PyResult {
    func.get_attr(attr, vm)
}

/// A task: calling it runs the function on the board and returns its result.
#[pyclass(module = "belay", name = "Task")]
#[derive(Debug, PyPayload)]
pub struct Task {
    device: PyRef<Device>,
    name: String,
    func: PyObjectRef,
    trusted: bool,
}

#[pyclass(with(Callable, Representable))]
impl Task {
    #[pygetset]
    fn __name__(zelf: &Py<Self>) -> String {
        zelf.name.clone()
    }
    #[pygetset]
    fn __qualname__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        wrapped_attr(&zelf.func, "__qualname__", vm)
    }
    #[pygetset]
    fn __doc__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        wrapped_attr(&zelf.func, "__doc__", vm)
    }
    #[pygetset]
    fn __module__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        wrapped_attr(&zelf.func, "__module__", vm)
    }
    #[pygetset]
    fn __wrapped__(zelf: &Py<Self>) -> PyObjectRef {
        zelf.func.clone()
    }
}

impl Callable for Task {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let session = zelf.device.session(vm)?;
        let encoder = session.encoder();
        let mut parts = Vec::with_capacity(args.args.len() + args.kwargs.len());
        for a in &args.args {
            parts.push(encoder.to_literal(a, vm)?);
        }
        for (k, v) in &args.kwargs {
            parts.push(format!("{k}={}", encoder.to_literal(v, vm)?));
        }
        let expr = format!("{}({})", zelf.name, parts.join(","));
        session.eval(
            vm,
            &expr,
            Output::Stdout,
            zelf.trusted,
            &Context { module: None },
        )
    }
}

impl Representable for Task {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay task {}>", zelf.name))
    }
}

/// A setup function: calling it runs its body at the board's global scope, with its arguments
/// assigned as globals first.
#[pyclass(module = "belay", name = "Setup")]
#[derive(Debug, PyPayload)]
pub struct Setup {
    device: PyRef<Device>,
    name: String,
    func: PyObjectRef,
    takes_arguments: bool,
    source: FunctionSource,
    file: String,
    ignore_errors: bool,
}

impl Setup {
    /// `name = value` lines for the call's arguments, defaults applied.
    fn argument_lines(
        &self,
        args: FuncArgs,
        encoder: Encoder,
        vm: &VirtualMachine,
    ) -> PyResult<Vec<String>> {
        if !self.takes_arguments {
            if !args.args.is_empty() || !args.kwargs.is_empty() {
                return Err(vm.new_type_error(format!("{}() takes no arguments", self.name)));
            }
            return Ok(Vec::new());
        }
        let inspect = vm.import("inspect", 0)?;
        let signature = inspect
            .get_attr("signature", vm)?
            .call((self.func.clone(),), vm)?;
        let bound = signature.get_attr("bind", vm)?.call(args, vm)?;
        vm.call_method(&bound, "apply_defaults", ())?;
        let arguments = bound.get_attr("arguments", vm)?;
        let items = vm.call_method(&arguments, "items", ())?;
        let mut lines = Vec::new();
        for item in items.try_to_value::<Vec<PyObjectRef>>(vm)? {
            let pair: Vec<PyObjectRef> = item.try_into_value(vm)?;
            let [k, v] = <[PyObjectRef; 2]>::try_from(pair)
                .map_err(|_| vm.new_type_error("BoundArguments.arguments items must be pairs"))?;
            let k = k
                .downcast::<PyStr>()
                .map_err(|_| vm.new_type_error("argument name"))?;
            lines.push(format!("{k}={}", encoder.to_literal(&v, vm)?));
        }
        Ok(lines)
    }
}

#[pyclass(with(Callable, Representable))]
impl Setup {
    #[pygetset]
    fn __name__(zelf: &Py<Self>) -> String {
        zelf.name.clone()
    }
    #[pygetset]
    fn __doc__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        wrapped_attr(&zelf.func, "__doc__", vm)
    }
    #[pygetset]
    fn __wrapped__(zelf: &Py<Self>) -> PyObjectRef {
        zelf.func.clone()
    }
}

impl Callable for Setup {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let session = zelf.device.session(vm)?;
        let lines = zelf.argument_lines(args, session.encoder(), vm)?;
        let mut code = lines.join("\n");
        if !code.is_empty() {
            code.push('\n');
        }
        code.push_str(&zelf.source.body);
        let origin = Origin {
            file: zelf.file.clone(),
            first_line: zelf.source.body_line,
        };
        let ctx = Context {
            module: Some((&origin, lines.len())),
        };
        match session.run(vm, code, Output::Stdout, &ctx) {
            Ok(_) => Ok(vm.ctx.none()),
            Err(e) if zelf.ignore_errors && e.fast_isinstance(&belay::pyboard_exception(vm)) => {
                Ok(vm.ctx.none())
            }
            Err(e) => Err(e),
        }
    }
}

impl Representable for Setup {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay setup {}>", zelf.name))
    }
}
