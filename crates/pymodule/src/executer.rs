//! `device.setup`, `device.task`, `device.thread`, `device.teardown`: decorators, bare or with
//! keyword options, that capture a function's source and return the objects that run it on the
//! board (belay-spec §1.4).

use std::path::Path;

use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::board_fn::{Setup, Task, Thread};
use crate::device::Device;
use crate::minify::minify;
use crate::module::belay;
use crate::session::{Context, Output};
use crate::source::SourceCache;
use crate::traceback::Origin;

pub const CO_VARARGS: u32 = 0x04;
pub const CO_VARKEYWORDS: u32 = 0x08;
pub const CO_GENERATOR: u32 = 0x20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Setup,
    Task,
    Thread,
    Teardown,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Setup, Kind::Task, Kind::Thread, Kind::Teardown];

    /// The attribute of a `Device` that holds this executer.
    pub fn attr_name(self) -> &'static str {
        match self {
            Kind::Setup => "setup",
            Kind::Task => "task",
            Kind::Thread => "thread",
            Kind::Teardown => "teardown",
        }
    }

    /// Keyword options of `@device.<kind>(...)`; the class form also takes `implementation`
    /// (and `autoinit` for setup).
    pub fn options(self, class_form: bool) -> Vec<&'static str> {
        let mut names = match self {
            Kind::Setup | Kind::Teardown => vec!["minify", "register", "record", "ignore_errors"],
            Kind::Task => vec!["minify", "register", "record", "trusted", "return_time"],
            Kind::Thread => vec!["minify", "register", "record"],
        };
        if class_form {
            names.push("implementation");
            if self == Kind::Setup {
                names.push("autoinit");
            }
        }
        names
    }
}

/// The options of one decoration.
#[derive(Debug, Clone)]
pub struct Options {
    pub minify: bool,
    pub register: bool,
    pub record: bool,
    pub trusted: bool,
    pub return_time: bool,
    pub ignore_errors: bool,
    pub autoinit: bool,
    pub implementation: String,
}

impl Options {
    pub fn defaults(kind: Kind) -> Self {
        Options {
            minify: true,
            register: true,
            // Task calls are not recorded for replay by default; everything else is.
            record: kind != Kind::Task,
            trusted: false,
            return_time: false,
            ignore_errors: false,
            autoinit: false,
            implementation: String::new(),
        }
    }

    /// Apply keyword options, checking them against what `kind` accepts.
    pub fn apply(
        &mut self,
        kind: Kind,
        class_form: bool,
        args: &FuncArgs,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let allowed = kind.options(class_form);
        for (key, value) in &args.kwargs {
            let key = key.to_string();
            if !allowed.contains(&key.as_str()) {
                let owner = if class_form { "Device" } else { "device" };
                return Err(vm.new_type_error(format!(
                    "@{owner}.{}() got an unexpected keyword argument '{key}'",
                    kind.attr_name()
                )));
            }
            if key == "implementation" {
                self.implementation = value.str(vm)?.to_string();
                continue;
            }
            let on = value.clone().try_to_bool(vm)?;
            match key.as_str() {
                "minify" => self.minify = on,
                "register" => self.register = on,
                "record" => self.record = on,
                "trusted" => self.trusted = on,
                "return_time" => self.return_time = on,
                "ignore_errors" => self.ignore_errors = on,
                "autoinit" => self.autoinit = on,
                _ => unreachable!("checked against the allowed names"),
            }
        }
        Ok(())
    }
}

/// `device.task` and friends.
#[pyclass(module = "belay", name = "Executer")]
#[derive(Debug, PyPayload)]
pub struct Executer {
    device: PyRef<Device>,
    kind: Kind,
    opts: Options,
    /// For an executer configured with options: the device's executer, where functions register.
    root: Option<PyRef<Executer>>,
    /// Everything this (root) executer created, in order (teardowns run in this order).
    created: PyMutex<Vec<PyObjectRef>>,
}

impl Executer {
    pub fn new(device: PyRef<Device>, kind: Kind) -> Self {
        Executer {
            device,
            kind,
            opts: Options::defaults(kind),
            root: None,
            created: PyMutex::new(Vec::new()),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// What this executer created (for teardowns: what `close()` runs).
    pub fn created(&self) -> Vec<PyObjectRef> {
        self.created.lock().clone()
    }

    fn root(zelf: &Py<Self>) -> &Py<Self> {
        zelf.root.as_deref().unwrap_or(zelf)
    }

    /// Wrap `func` with `opts`: capture its source, define it on the board where that applies,
    /// register it, and return the object that runs it.
    pub fn wrap(
        zelf: &Py<Self>,
        func: PyObjectRef,
        opts: &Options,
        vm: &VirtualMachine,
    ) -> PyResult {
        let info = FunctionInfo::of(&func, vm)?;
        let source = SourceCache::global()
            .function(Path::new(&info.file), &info.name, info.first_line)
            .map_err(|e| {
                vm.new_os_error(format!("cannot get the source of {}(): {e}", info.name))
            })?;
        if opts.register {
            check_name(&info.name, vm)?;
        }
        let kind = zelf.kind;
        let device = zelf.device.clone();
        let proxy: PyObjectRef = match kind {
            Kind::Task | Kind::Thread => {
                if kind == Kind::Thread
                    && device.implementation_name().as_deref() == Some("circuitpython")
                {
                    return Err(vm.new_exception_msg(
                        belay::feature_unavailable_error(vm),
                        "CircuitPython has no _thread module: @device.thread is not available"
                            .into(),
                    ));
                }
                if kind == Kind::Thread && info.flags & CO_GENERATOR != 0 {
                    return Err(vm.new_value_error(format!(
                        "thread function {}() cannot be a generator",
                        info.name
                    )));
                }
                let code = if opts.minify {
                    minify(&source.code)
                } else {
                    source.code.clone()
                };
                let origin = Origin {
                    file: info.file.clone(),
                    first_line: source.def_line,
                };
                Device::board(&device, vm, Some(&code), |s| {
                    s.run(
                        vm,
                        code.clone(),
                        Output::Stdout,
                        &Context {
                            module: Some((&origin, 0)),
                        },
                    )?;
                    s.define(&info.name, origin.clone());
                    Ok(())
                })?;
                if kind == Kind::Thread {
                    Thread::new(device, info.name.clone(), func)
                        .into_ref(&vm.ctx)
                        .into()
                } else {
                    Task::new(
                        device,
                        info.name.clone(),
                        func,
                        opts,
                        info.flags & CO_GENERATOR != 0,
                    )
                    .into_ref(&vm.ctx)
                    .into()
                }
            }
            Kind::Setup | Kind::Teardown => {
                if info.flags & CO_GENERATOR != 0 {
                    return Err(vm.new_value_error(format!(
                        "{} function {}() cannot be a generator",
                        kind.attr_name(),
                        info.name
                    )));
                }
                let body = if opts.minify {
                    minify(&source.body)
                } else {
                    source.body.clone()
                };
                Setup::new(device, info, func, body, source.body_line, opts)
                    .into_ref(&vm.ctx)
                    .into()
            }
        };
        let root = Self::root(zelf);
        root.created.lock().push(proxy.clone());
        if opts.register {
            let name = vm.ctx.intern_str(func_name(&proxy, vm)?);
            root.as_object().set_attr(name, proxy.clone(), vm)?;
        }
        Ok(proxy)
    }

    fn configured(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let mut opts = zelf.opts.clone();
        opts.apply(zelf.kind, false, &args, vm)?;
        Ok(Executer {
            device: zelf.device.clone(),
            kind: zelf.kind,
            opts,
            root: Some(Self::root(zelf).to_owned()),
            created: PyMutex::new(Vec::new()),
        }
        .into_ref(&vm.ctx)
        .into())
    }
}

fn func_name(proxy: &PyObjectRef, vm: &VirtualMachine) -> PyResult<String> {
    Ok(proxy.get_attr("__name__", vm)?.str(vm)?.to_string())
}

#[pyclass(with(Callable, Representable), flags(HAS_DICT))]
impl Executer {}

impl Callable for Executer {
    type Args = FuncArgs;

    /// `@device.task` (one function) or `@device.task(**options)` (returns a decorator).
    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        if args.kwargs.is_empty() && args.args.len() == 1 {
            return Self::wrap(zelf, args.args[0].clone(), &zelf.opts, vm);
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
#[derive(Debug, Clone)]
pub struct FunctionInfo {
    pub name: String,
    pub file: String,
    pub first_line: usize,
    pub flags: u32,
    pub takes_arguments: bool,
}

impl FunctionInfo {
    pub fn of(func: &PyObjectRef, vm: &VirtualMachine) -> PyResult<FunctionInfo> {
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
