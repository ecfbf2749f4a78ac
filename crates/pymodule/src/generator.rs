//! Generator tasks: calling one creates the generator on the board (under a random global name)
//! and returns a host generator; each `next()`/`send()` is one board round trip, and the board's
//! generator is deleted when it is exhausted, fails or is closed (`docs/protocol.md`).

use std::sync::Arc;

use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::function::OptionalArg;
use rustpython_vm::protocol::PyIterReturn;
use rustpython_vm::types::{Destructor, IterNext, Representable, SelfIter};
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use belay_transport::wire::{reply, snippets, split_time};

use crate::board::Board;
use crate::board::session::{Context, Output, Session, host_now};
use crate::calls::with_time;
use crate::values;

/// Create the board generator for `call` and return its host side.
pub fn start(
    board: &Arc<Board>,
    session: &Arc<Session>,
    call: &str,
    trusted: bool,
    return_time: bool,
    vm: &VirtualMachine,
) -> PyResult {
    let name = snippets::generator_name();
    session.run(
        vm,
        snippets::generator_start(&name, call),
        Output::Stdout,
        &Context { module: None },
    )?;
    Ok(BoardGenerator {
        board: board.clone(),
        name,
        trusted,
        return_time,
        live: PyMutex::new(true),
    }
    .into_ref(&vm.ctx)
    .into())
}

#[pyclass(module = "belay", name = "BoardGenerator")]
#[derive(Debug, PyPayload)]
pub struct BoardGenerator {
    board: Arc<Board>,
    /// The board global holding the generator.
    name: String,
    trusted: bool,
    /// Each value comes with the board time it was produced at.
    return_time: bool,
    /// Still alive on the board.
    live: PyMutex<bool>,
}

impl BoardGenerator {
    /// One step: `Some(value)`, or `None` when the board generator is exhausted.
    fn step(&self, value: &PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        if !*self.live.lock() {
            return Ok(None);
        }
        let session = self.board.session(vm)?;
        let sent = values::to_source(session.encoder(vm, [&**value])?, value, vm)?;
        let host_sent = host_now();
        let result = session.run(
            vm,
            snippets::generator_step(&self.name, &sent, self.return_time),
            Output::Stdout,
            &Context { module: None },
        );
        let host_mid = (host_sent + host_now()) / 2.0;
        let reply = match result {
            Ok(reply) => reply,
            Err(e) => {
                // The board generator raised: it is finished.
                self.release(vm);
                return Err(e);
            }
        };
        let Some(reply) = reply else {
            self.release(vm);
            return Ok(None);
        };
        let (tick, text) = split_time(&reply);
        if text == reply::EXHAUSTED {
            self.release(vm);
            return Ok(None);
        }
        let value = values::decode(text, self.trusted, session.floats(), vm)?;
        if !self.return_time {
            return Ok(Some(value));
        }
        let tick = tick.map(|t| session.note_time(t, host_mid));
        with_time(&session, vm, value, tick).map(Some)
    }

    /// Delete the board generator (once).
    fn release(&self, vm: &VirtualMachine) {
        let mut live = self.live.lock();
        if !*live {
            return;
        }
        *live = false;
        drop(live);
        if let Ok(session) = self.board.session(vm) {
            let _ = session.run(
                vm,
                snippets::delete(&self.name),
                Output::Stdout,
                &Context { module: None },
            );
        }
    }
}

#[pyclass(with(IterNext, Representable, Destructor))]
impl BoardGenerator {
    /// Resume the board generator with `value`; raises StopIteration when it is exhausted.
    #[pymethod]
    fn send(zelf: &Py<Self>, value: PyObjectRef, vm: &VirtualMachine) -> PyResult {
        match zelf.step(&value, vm)? {
            Some(v) => Ok(v),
            None => Err(vm.new_stop_iteration(None)),
        }
    }

    /// Stop it and free it on the board.
    #[pymethod]
    fn close(zelf: &Py<Self>, vm: &VirtualMachine) {
        zelf.release(vm);
    }

    /// Belay-compatible: `throw` is not forwarded to the board; the generator is closed and the
    /// exception raised here.
    #[pymethod]
    fn throw(
        zelf: &Py<Self>,
        exc: PyObjectRef,
        _val: OptionalArg,
        vm: &VirtualMachine,
    ) -> PyResult {
        zelf.release(vm);
        Err(vm.normalize_exception(exc.class().to_owned().into(), exc.clone(), vm.ctx.none())?)
    }
}

impl SelfIter for BoardGenerator {}

impl IterNext for BoardGenerator {
    fn next(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<PyIterReturn> {
        Ok(match zelf.step(&vm.ctx.none(), vm)? {
            Some(v) => PyIterReturn::Return(v),
            None => PyIterReturn::StopIteration(None),
        })
    }
}

impl Destructor for BoardGenerator {
    fn del(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
        zelf.release(vm);
        Ok(())
    }
}

impl Representable for BoardGenerator {
    fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!("<belay board generator {}>", zelf.name))
    }
}
