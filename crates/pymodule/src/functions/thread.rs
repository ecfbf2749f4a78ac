//! `Thread`: calling it starts the function in a new board thread and returns None at once.

use std::sync::Arc;

use belay_transport::wire::snippets;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{AsObject, Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::board::Board;
use crate::board::session::{Context, Output};
use crate::values::to_source;

/// A thread function: calling it starts it in a new board thread and returns None at once.
#[pyclass(module = "belay", name = "Thread")]
#[derive(Debug, PyPayload)]
pub struct Thread {
    board: Arc<Board>,
    name: String,
    func: PyObjectRef,
}

impl Thread {
    pub fn new(board: Arc<Board>, name: String, func: PyObjectRef) -> Self {
        Thread { board, name, func }
    }
}

#[pyclass(with(Callable, Representable))]
impl Thread {
    #[pygetset]
    fn __name__(zelf: &Py<Self>) -> String {
        zelf.name.clone()
    }
    #[pygetset]
    fn __wrapped__(zelf: &Py<Self>) -> PyObjectRef {
        zelf.func.clone()
    }
}

impl Callable for Thread {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let values = args.args.iter().chain(args.kwargs.values());
        let encoder = zelf.board.session(vm)?.encoder(vm, values.map(|v| &**v))?;
        let positional = to_source(encoder, vm.ctx.new_tuple(args.args.clone()).as_object(), vm)?;
        let keywords = vm.ctx.new_dict();
        for (k, v) in &args.kwargs {
            keywords.set_item(vm.ctx.new_str(k.to_string()).as_object(), v.clone(), vm)?;
        }
        let keywords = to_source(encoder, keywords.as_object(), vm)?;
        let code = snippets::start_thread(&zelf.name, &positional, &keywords);
        zelf.board.call(vm, Some(&code), |s| {
            s.run(vm, code.clone(), Output::Stdout, &Context { module: None })
        })?;
        Ok(vm.ctx.none())
    }
}

impl Representable for Thread {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay thread {}>", zelf.name))
    }
}
