//! Serving a host function that board code called (`@device.host`; `docs/protocol.md` §6): the
//! arguments, literals from the board, become Python values; the function runs on the thread
//! waiting for the call; its value goes back as board source, or its exception as an error the
//! board raises (`RuntimeError` naming the host function). Ctrl-C in the function ends the call.

use belay_transport::wire::frames::host_answer;
use belay_transport::wire::{Encoder, FloatFormat, Literal};
use rustpython_vm::function::{FuncArgs, KwArgs};
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

use crate::board::hub::Hub;
use crate::errors;
use crate::values;

/// The answer line for the board, or the exception that ends the call (not an `Exception`:
/// `KeyboardInterrupt`, `SystemExit`).
pub fn serve(
    hub: &Hub,
    name: &str,
    args: Vec<Literal>,
    kwargs: Vec<(String, Literal)>,
    floats: FloatFormat,
    vm: &VirtualMachine,
) -> PyResult<Vec<u8>> {
    let failed = |why: String| Ok(host_answer(Err(&format!("host function {name}() {why}"))));
    let Some(function) = hub.function(name) else {
        return failed("is not defined on the host".into());
    };
    let call = || -> PyResult<PyObjectRef> {
        let args = args
            .into_iter()
            .map(|a| values::to_py(a, floats, vm))
            .collect::<PyResult<Vec<_>>>()?;
        let kwargs = kwargs
            .into_iter()
            .map(|(k, v)| Ok((k, values::to_py(v, floats, vm)?)))
            .collect::<PyResult<KwArgs>>()?;
        function.call(FuncArgs::new(args, kwargs), vm)
    };
    match hub.serve(name, call) {
        Ok(value) => match values::to_source(Encoder::default().with_floats(floats), &value, vm) {
            Ok(source) => Ok(host_answer(Ok(&source))),
            Err(e) => failed(format!(
                "returned a value the board cannot take: {}",
                errors::text(&e, vm)
            )),
        },
        Err(exc) if !exc.fast_isinstance(vm.ctx.exceptions.exception_type) => Err(exc),
        Err(exc) => failed(format!(
            "raised {}: {}",
            exc.as_object().class().name(),
            errors::text(&exc, vm)
        )),
    }
}
