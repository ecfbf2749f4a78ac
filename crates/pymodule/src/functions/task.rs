//! `Task`: calling it runs the function on the board and returns its result (a generator task
//! returns a host generator driving the board's).

use std::sync::Arc;

use belay_transport::wire::{Encoder, snippets};
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use super::options::Options;
use super::wrapped_attr;
use crate::board::Board;
use crate::calls;
use crate::values::to_source;

/// `name(a, b, k=v)` with the arguments as board source.
pub fn call_text(
    name: &str,
    args: &FuncArgs,
    encoder: Encoder,
    vm: &VirtualMachine,
) -> PyResult<String> {
    let positional = args
        .args
        .iter()
        .map(|a| to_source(encoder, a, vm))
        .collect::<PyResult<Vec<_>>>()?;
    let keywords = args
        .kwargs
        .iter()
        .map(|(k, v)| Ok((k.to_string(), to_source(encoder, v, vm)?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(snippets::call(
        name,
        positional.iter().map(String::as_str),
        keywords.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

/// A task: calling it runs the function on the board and returns its result.
#[pyclass(module = "belay", name = "Task")]
#[derive(Debug, PyPayload)]
pub struct Task {
    board: Arc<Board>,
    name: String,
    func: PyObjectRef,
    trusted: bool,
    return_time: bool,
    generator: bool,
}

impl Task {
    pub fn new(
        board: Arc<Board>,
        name: String,
        func: PyObjectRef,
        opts: &Options,
        generator: bool,
    ) -> Self {
        Task {
            board,
            name,
            func,
            trusted: opts.trusted,
            return_time: opts.return_time,
            generator,
        }
    }
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
        let session = zelf.board.session(vm)?;
        let values = args.args.iter().chain(args.kwargs.values());
        let encoder = session.encoder(vm, values.map(|v| &**v))?;
        let expr = call_text(&zelf.name, &args, encoder, vm)?;
        if zelf.generator {
            return crate::generator::start(
                &zelf.board,
                &session,
                &expr,
                zelf.trusted,
                zelf.return_time,
                vm,
            );
        }
        zelf.board.call(vm, None, |s| {
            calls::task_call(s, vm, &expr, zelf.trusted, zelf.return_time)
        })
    }
}

impl Representable for Task {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay task {}>", zelf.name))
    }
}
