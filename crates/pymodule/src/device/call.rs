//! `device(cmd, ...)`: run code on the board. An expression's value is returned (or a proxy with
//! `proxy=True`); statements return None (or proxies for what an import bound, with `proxy=True`).

use rustpython_vm::builtins::PyStr;
use rustpython_vm::function::{ArgIntoBool, OptionalArg};
use rustpython_vm::types::Callable;
use rustpython_vm::{AsObject, Py, PyObjectRef, PyResult, VirtualMachine};

use super::Device;
use crate::board::session::Output;
use crate::calls;
use crate::functions::options::check_globals;
use crate::proxy::object::ProxyObject;
use crate::source::analysis::{import_names, is_expression};
use crate::source::dedent;
use crate::source::minify::minify;

/// `device(cmd, *, minify=True, stream_out=sys.stdout, record=True, trusted=False, proxy=False,
/// delete=None, with_timing=None, return_time=False)`.
#[derive(rustpython_vm::FromArgs)]
pub struct CallArgs {
    /// Python code (a str), or a `ProxyObject` (its value is fetched).
    #[pyarg(positional)]
    cmd: PyObjectRef,
    #[pyarg(named, default = ArgIntoBool::TRUE)]
    minify: ArgIntoBool,
    /// Where the board's output goes: a file-like object, or None to drop it (default: stdout).
    #[pyarg(named, optional)]
    stream_out: OptionalArg<PyObjectRef>,
    #[pyarg(named, default = ArgIntoBool::TRUE)]
    record: ArgIntoBool,
    #[pyarg(named, default = ArgIntoBool::FALSE)]
    trusted: ArgIntoBool,
    #[pyarg(named, default = ArgIntoBool::FALSE)]
    proxy: ArgIntoBool,
    #[pyarg(named, default)]
    delete: Option<ArgIntoBool>,
    #[pyarg(named, default)]
    with_timing: Option<ArgIntoBool>,
    #[pyarg(named, default = ArgIntoBool::FALSE)]
    return_time: ArgIntoBool,
}

impl Callable for Device {
    type Args = CallArgs;

    /// `device("1 + 2")` → 3; `device("x = 1")` → None; `device(proxy)` → its value;
    /// `device(expr, proxy=True)` → a value or a `ProxyObject`.
    fn call(zelf: &Py<Self>, args: CallArgs, vm: &VirtualMachine) -> PyResult {
        let cmd = if let Some(p) = args.cmd.downcast_ref::<ProxyObject>() {
            p.target_name()
                .ok_or_else(|| vm.new_type_error("uninitialised ProxyObject"))?
        } else if let Some(s) = args.cmd.downcast_ref::<PyStr>() {
            s.to_string()
        } else {
            return Err(
                vm.new_type_error("device(cmd): cmd must be a str of Python code or a ProxyObject")
            );
        };
        let output = match args.stream_out {
            OptionalArg::Missing => Output::Stdout,
            OptionalArg::Present(stream) => {
                Output::Stream((!vm.is_none(&stream)).then_some(stream))
            }
        };
        let board = zelf.board(vm)?;
        let device = zelf.as_object().to_owned();
        let delete = args.delete.map(ArgIntoBool::into_bool);
        let return_time = args.return_time.into_bool();
        let (proxy, trusted) = (args.proxy.into_bool(), args.trusted.into_bool());
        let code = dedent(&cmd);
        check_globals(&code, None, vm)?;
        let code = if args.minify.into_bool() {
            minify(&code)
        } else {
            code
        };
        let expression = is_expression(&code);
        let record = args.record.into_bool().then_some(code.as_str());
        if proxy && expression {
            let expr = code.trim_end();
            return calls::proxied(&board, &device, vm, expr, delete.unwrap_or(true), output);
        }
        if expression {
            let timed = if return_time {
                Some(true)
            } else {
                args.with_timing.map(ArgIntoBool::into_bool)
            };
            return board.call(vm, record, |s| {
                let (value, tick) =
                    calls::eval(s, vm, code.trim_end(), output.clone(), trusted, timed)?;
                if return_time {
                    calls::with_time(s, vm, value, tick)
                } else {
                    Ok(value)
                }
            });
        }
        if return_time {
            return Err(vm.new_value_error(
                "return_time needs an expression: a statement has no value to time",
            ));
        }
        board.call(vm, record, |s| {
            s.run(vm, code.clone(), output.clone(), &crate::calls::NO_MAP)
        })?;
        if !proxy {
            return Ok(vm.ctx.none());
        }
        // Proxies for what an import statement brought in (kept on the board by default).
        let mut proxies = Vec::new();
        for name in import_names(&code) {
            proxies.push(calls::proxied(
                &board,
                &device,
                vm,
                &name,
                delete.unwrap_or(false),
                Output::Stdout,
            )?);
        }
        Ok(match proxies.len() {
            0 => vm.ctx.none(),
            1 => proxies.pop().expect("one proxy"),
            _ => vm.ctx.new_tuple(proxies).into(),
        })
    }
}
