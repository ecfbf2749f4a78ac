//! The objects decorators return: calling them runs code on the board. `Task` evaluates a call and
//! returns its value; `Setup` (also used for teardowns) runs a body at the board's global scope;
//! `Thread` starts a function in a board thread.

use rustpython_vm::builtins::PyStr;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{
    AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, pyclass,
};

use crate::convert::Encoder;
use crate::device::Device;
use crate::executer::{FunctionInfo, Options};
use crate::module::belay;
use crate::session::{Context, Output};
use crate::traceback::Origin;

/// Function-like attributes shared by the proxies.
fn wrapped_attr(func: &PyObjectRef, attr: &'static str, vm: &VirtualMachine) -> PyResult {
    func.get_attr(attr, vm)
}

/// `name(a, b, k=v)` with the arguments as literals for this board.
fn call_text(
    name: &str,
    args: &FuncArgs,
    encoder: Encoder,
    vm: &VirtualMachine,
) -> PyResult<String> {
    let mut parts = Vec::with_capacity(args.args.len() + args.kwargs.len());
    for a in &args.args {
        parts.push(encoder.to_literal(a, vm)?);
    }
    for (k, v) in &args.kwargs {
        parts.push(format!("{k}={}", encoder.to_literal(v, vm)?));
    }
    Ok(format!("{name}({})", parts.join(",")))
}

/// A task: calling it runs the function on the board and returns its result.
#[pyclass(module = "belay", name = "Task")]
#[derive(Debug, PyPayload)]
pub struct Task {
    device: PyRef<Device>,
    name: String,
    func: PyObjectRef,
    trusted: bool,
    return_time: bool,
    generator: bool,
}

impl Task {
    pub fn new(
        device: PyRef<Device>,
        name: String,
        func: PyObjectRef,
        opts: &Options,
        generator: bool,
    ) -> Self {
        Task {
            device,
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
        let session = zelf.device.session(vm)?;
        let expr = call_text(&zelf.name, &args, session.encoder(), vm)?;
        if zelf.generator {
            return crate::generator::start(
                &zelf.device,
                &session,
                &expr,
                zelf.trusted,
                zelf.return_time,
                vm,
            );
        }
        Device::board(&zelf.device, vm, None, |s| {
            if zelf.return_time {
                let (value, tick) = s.eval_timed(
                    vm,
                    &expr,
                    Output::Stdout,
                    zelf.trusted,
                    Some(true),
                    &Context { module: None },
                )?;
                return s.with_time(vm, value, tick);
            }
            s.eval(
                vm,
                &expr,
                Output::Stdout,
                zelf.trusted,
                &Context { module: None },
            )
        })
    }
}

impl Representable for Task {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay task {}>", zelf.name))
    }
}

/// A setup or teardown function: calling it runs its body at the board's global scope, with its
/// arguments assigned as globals first.
#[pyclass(module = "belay", name = "Setup")]
#[derive(Debug, PyPayload)]
pub struct Setup {
    device: PyRef<Device>,
    info: FunctionInfo,
    func: PyObjectRef,
    body: String,
    body_line: usize,
    ignore_errors: bool,
}

impl Setup {
    pub fn new(
        device: PyRef<Device>,
        info: FunctionInfo,
        func: PyObjectRef,
        body: String,
        body_line: usize,
        opts: &Options,
    ) -> Self {
        Setup {
            device,
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
            lines.push(format!("{k}={}", encoder.to_literal(&v, vm)?));
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
        let session = zelf.device.session(vm)?;
        let lines = zelf.argument_lines(args, session.encoder(), vm)?;
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
        match Device::board(&zelf.device, vm, Some(&code), |s| {
            s.run(vm, code.clone(), Output::Stdout, &ctx)
        }) {
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
        Ok(format!("<belay setup {}>", zelf.info.name))
    }
}

/// A thread function: calling it starts it in a new board thread and returns None at once.
#[pyclass(module = "belay", name = "Thread")]
#[derive(Debug, PyPayload)]
pub struct Thread {
    device: PyRef<Device>,
    name: String,
    func: PyObjectRef,
}

impl Thread {
    pub fn new(device: PyRef<Device>, name: String, func: PyObjectRef) -> Self {
        Thread { device, name, func }
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
        let session = zelf.device.session(vm)?;
        let encoder = session.encoder();
        let positional = encoder.to_literal(vm.ctx.new_tuple(args.args.clone()).as_object(), vm)?;
        let keywords = vm.ctx.new_dict();
        for (k, v) in &args.kwargs {
            keywords.set_item(vm.ctx.new_str(k.to_string()).as_object(), v.clone(), vm)?;
        }
        let keywords = encoder.to_literal(keywords.as_object(), vm)?;
        let code = format!(
            "import _thread\n_thread.start_new_thread({},{positional},{keywords})",
            zelf.name
        );
        Device::board(&zelf.device, vm, Some(&code), |s| {
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
