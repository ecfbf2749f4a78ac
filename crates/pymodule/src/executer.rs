//! `device.setup`, `device.task`, `device.thread`, `device.teardown`: decorators, bare or with
//! keyword options, that capture a function's source and return the objects that run it on the
//! board.

use std::path::Path;
use std::sync::Arc;

use belay_transport::wire::traceback::Origin;
use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::board::Board;
use crate::board::session::{Context, Output};
use crate::errors::{self, FeatureUnavailableError};
use crate::functions::options::{
    CO_GENERATOR, FunctionInfo, Kind, Options, check_globals, check_name,
};
use crate::functions::setup::Setup;
use crate::functions::task::Task;
use crate::functions::thread::Thread;
use crate::source::SourceCache;
use crate::source::minify::minify;

/// `device.task` and friends.
#[pyclass(module = "belay", name = "Executer")]
#[derive(Debug, PyPayload)]
pub struct Executer {
    board: Arc<Board>,
    kind: Kind,
    opts: Options,
    /// For an executer configured with options: the device's executer, where functions register.
    root: Option<PyRef<Executer>>,
    /// Everything this (root) executer created, in order (teardowns run in this order).
    created: PyMutex<Vec<PyObjectRef>>,
}

impl Executer {
    pub fn new(board: Arc<Board>, kind: Kind) -> Self {
        Executer {
            board,
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
        let file = Some((info.file.as_str(), source.def_line));
        match zelf.kind {
            Kind::Setup | Kind::Teardown => check_globals(
                &source.body,
                Some((info.file.as_str(), source.body_line)),
                vm,
            )?,
            Kind::Task | Kind::Thread => check_globals(&source.code, file, vm)?,
        }
        let kind = zelf.kind;
        let board = zelf.board.clone();
        let proxy: PyObjectRef = match kind {
            Kind::Task | Kind::Thread => {
                if kind == Kind::Thread && board.firmware().name == "circuitpython" {
                    return Err(errors::new::<FeatureUnavailableError>(
                        vm,
                        "CircuitPython has no _thread module: @device.thread is not available",
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
                board.call(vm, Some(&code), |s| {
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
                // For the tracebacks its threads print as output (`output::Forwarder`).
                crate::output::note_function(&info.name, &origin);
                if kind == Kind::Thread {
                    Thread::new(board, info.name.clone(), func)
                        .into_ref(&vm.ctx)
                        .into()
                } else {
                    Task::new(
                        board,
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
                Setup::new(board, info, func, body, source.body_line, opts)
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
            board: zelf.board.clone(),
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
