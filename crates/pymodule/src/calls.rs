//! Board evaluations whose results are Python values: a literal, a timestamped value
//! (`return_time`), or a proxy for an object that stays on the board.

use std::sync::Arc;

use belay_transport::wire::{Reply, decode_reply, snippets};
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use crate::board::Board;
use crate::board::session::{Context, Output, Session, no_result};
use crate::proxy::object::{ProxyObject, Target};
use crate::values;

pub(crate) const NO_MAP: Context<'static> = Context { module: None };

/// Evaluate `expr`: its value, and the board time (unwrapped ticks) of the evaluation when it
/// was timed (`timed`: `None` for the device default).
pub fn eval(
    session: &Session,
    vm: &VirtualMachine,
    expr: &str,
    output: Output,
    trusted: bool,
    timed: Option<bool>,
) -> PyResult<(PyObjectRef, Option<i128>)> {
    let (text, tick) = session.eval_reply(vm, expr, false, output, timed, &NO_MAP)?;
    Ok((values::decode(&text, trusted, session.floats(), vm)?, tick))
}

/// Call a task: `call` (written by the host) evaluated on the board, its value, as
/// `(value, datetime)` with `return_time`.
pub fn task_call(
    session: &Session,
    vm: &VirtualMachine,
    call: &str,
    trusted: bool,
    return_time: bool,
) -> PyResult {
    let timed = return_time.then_some(true);
    let (text, tick) = session.eval_reply(vm, call, true, Output::Stdout, timed, &NO_MAP)?;
    let value = values::decode(&text, trusted, session.floats(), vm)?;
    if return_time {
        return with_time(session, vm, value, tick);
    }
    Ok(value)
}

/// `(value, datetime)` for a value the board produced at unwrapped tick `tick` (Belay's
/// `return_time=True`).
pub fn with_time(
    session: &Session,
    vm: &VirtualMachine,
    value: PyObjectRef,
    tick: Option<i128>,
) -> PyResult {
    let tick =
        tick.ok_or_else(|| vm.new_value_error("the board returned no time for this call"))?;
    let host = session.clock().host_time(tick).ok_or_else(|| {
        vm.new_value_error("Time synchronization has not been performed; call sync_time() first")
    })?;
    let datetime = vm.import("datetime", 0)?.get_attr("datetime", vm)?;
    let stamp = vm.call_method(&datetime, "fromtimestamp", (host,))?;
    Ok(vm.ctx.new_tuple(vec![value, stamp]).into())
}

/// `expr`'s value on the board (reconnecting if the device allows it).
pub fn value(board: &Board, vm: &VirtualMachine, expr: &str) -> PyResult {
    board.call(vm, None, |s| {
        Ok(eval(s, vm, expr, Output::Stdout, false, None)?.0)
    })
}

/// Run statements on the board.
pub fn exec(board: &Board, vm: &VirtualMachine, code: &str) -> PyResult<()> {
    board.call(vm, None, |s| {
        s.run(vm, code.to_string(), Output::Stdout, &NO_MAP)
    })?;
    Ok(())
}

/// `expr` on the board: immutable values come back as values, anything else stays on the board
/// as `__belay_obj_N` and comes back as a `ProxyObject` of `device` (deleted on the board with
/// the proxy when `delete`).
pub fn proxied(
    board: &Arc<Board>,
    device: &PyObjectRef,
    vm: &VirtualMachine,
    expr: &str,
    delete: bool,
    output: Output,
) -> PyResult {
    let (reply, floats) = board.call(vm, None, |s| {
        let reply = s.run(vm, snippets::proxied(expr), output.clone(), &NO_MAP)?;
        Ok((reply, s.floats()))
    })?;
    let text = reply.ok_or_else(|| no_result(vm))?;
    match decode_reply(&text, true) {
        Ok(Reply::Proxy(n)) => Ok(ProxyObject::create(
            Target {
                board: board.clone(),
                device: device.clone(),
                name: snippets::proxy_object(n),
                delete,
            },
            vm,
        )),
        other => values::literal_or_unparsable(other, floats, vm),
    }
}
