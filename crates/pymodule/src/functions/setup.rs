//! `Setup` (also used for teardowns): calling it runs the function's body at the board's global
//! scope, with its arguments assigned as globals first.

use std::sync::Arc;

use belay_transport::wire::traceback::Origin;
use belay_transport::wire::{Encoder, snippets};
use rustpython_vm::builtins::PyStr;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use super::options::{FunctionInfo, Options};
use super::wrapped_attr;
use crate::board::Board;
use crate::board::session::{Context, Output};
use crate::errors::{self, PyboardException, SpecialFunctionNameError};
use crate::values::to_source;

/// A setup or teardown function: calling it runs its body at the board's global scope, with its
/// arguments assigned as globals first.
#[pyclass(module = "belay", name = "Setup")]
#[derive(Debug, PyPayload)]
pub struct Setup {
    board: Arc<Board>,
    info: FunctionInfo,
    func: PyObjectRef,
    body: String,
    body_line: usize,
    ignore_errors: bool,
}

impl Setup {
    pub fn new(
        board: Arc<Board>,
        info: FunctionInfo,
        func: PyObjectRef,
        body: String,
        body_line: usize,
        opts: &Options,
    ) -> Self {
        Setup {
            board,
            info,
            func,
            body,
            body_line,
            ignore_errors: opts.ignore_errors,
        }
    }

    /// `name=value` lines for the call's arguments, defaults applied.
    fn argument_lines(
        &self,
        args: FuncArgs,
        encoder: Encoder,
        vm: &VirtualMachine,
    ) -> PyResult<Vec<String>> {
        if !self.info.takes_arguments {
            if !args.args.is_empty() || !args.kwargs.is_empty() {
                return Err(vm.new_type_error(format!("{}() takes no arguments", self.info.name)));
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
            if snippets::names::reserved(k.as_ref()) {
                return Err(errors::new::<SpecialFunctionNameError>(
                    vm,
                    format!(
                        "{}(): argument '{}' would be bound as a board global, but belay-run's \
                         board helpers use that name; rename it",
                        self.info.name,
                        AsRef::<str>::as_ref(&k)
                    ),
                ));
            }
            lines.push(snippets::assign(k.as_ref(), &to_source(encoder, &v, vm)?));
        }
        Ok(lines)
    }
}

#[pyclass(with(Callable, Representable))]
impl Setup {
    #[pygetset]
    fn __name__(zelf: &Py<Self>) -> String {
        zelf.info.name.clone()
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
        let session = zelf.board.session(vm)?;
        let values = args.args.iter().chain(args.kwargs.values());
        let encoder = session.encoder(vm, values.map(|v| &**v))?;
        let lines = zelf.argument_lines(args, encoder, vm)?;
        let mut code = lines.join("\n");
        if !code.is_empty() {
            code.push('\n');
        }
        code.push_str(&zelf.body);
        let origin = Origin {
            file: zelf.info.file.clone(),
            first_line: zelf.body_line,
        };
        let ctx = Context {
            module: Some((&origin, lines.len())),
        };
        match zelf.board.call(vm, Some(&code), |s| {
            s.run(vm, code.clone(), Output::Stdout, &ctx)
        }) {
            Ok(_) => Ok(vm.ctx.none()),
            Err(e) if zelf.ignore_errors && errors::is::<PyboardException>(&e) => Ok(vm.ctx.none()),
            Err(e) => Err(e),
        }
    }
}

impl Representable for Setup {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay setup {}>", zelf.info.name))
    }
}
