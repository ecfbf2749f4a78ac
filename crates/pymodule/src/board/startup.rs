//! What every fresh connection does before anything else runs: the board-side helpers (which
//! report the firmware in the same round trip), the native-emitter check, the board clock, the
//! `startup` code, and clock synchronisation.

use belay_transport::timesync::{self, Sample, TimeSync};
use belay_transport::wire::firmware::{Firmware, emitters_from};
use belay_transport::wire::{Literal, decode_reply, snippets};
use rustpython_vm::{PyResult, VirtualMachine};

use super::args::DeviceArgs;
use super::session::{Context, Output, Session, host_now};
use crate::errors::{
    self, InternalError, NotBelayResponseError, PyboardException, UnparsableResultError,
};
use crate::source::dedent;

const NO_MAP: Context<'static> = Context { module: None };

/// A reply that must be a literal value.
fn literal(vm: &VirtualMachine, text: &[u8]) -> PyResult<Literal> {
    match decode_reply(text, false) {
        Ok(belay_transport::wire::Reply::Value(v)) => Ok(v),
        Ok(_) => Err(errors::new::<UnparsableResultError>(vm, "unexpected reply")),
        Err(e) => Err(errors::new::<UnparsableResultError>(vm, e.to_string())),
    }
}

/// An int reply.
fn int(vm: &VirtualMachine, text: &[u8], what: &str) -> PyResult<u64> {
    match literal(vm, text)? {
        Literal::Int(n) if n >= 0 => Ok(n as u64),
        other => Err(errors::new::<InternalError>(
            vm,
            format!("{what}: expected a non-negative int from the board, got {other:?}"),
        )),
    }
}

/// Helpers and firmware (with the board clock's range), in one command; on a board without
/// `time.ticks_ms` the clock is defined in a second.
pub fn prepare(session: &Session, args: &DeviceArgs, vm: &VirtualMachine) -> PyResult<Firmware> {
    let helpers = snippets::helpers(session.marker());
    let reply = session
        .run(vm, helpers, Output::Stdout, &NO_MAP)?
        .ok_or_else(|| {
            errors::new::<NotBelayResponseError>(
                vm,
                "the board did not answer the start-up helpers",
            )
        })?;
    let firmware = Firmware::from_reply(&literal(vm, &reply)?).ok_or_else(|| {
        errors::new::<InternalError>(vm, "unexpected implementation tuple from the board")
    })?;
    session.set_floats(firmware.floats);
    let ticks_max = match firmware.ticks_max {
        // No time.ticks_ms: CircuitPython's supervisor clock.
        0 => {
            let reply = session
                .run(vm, snippets::supervisor_clock(), Output::Stdout, &NO_MAP)?
                .unwrap_or_default();
            int(vm, &reply, "the board clock's range")?
        }
        max => max,
    };
    *session.clock() = TimeSync::new(ticks_max);
    session.set_timing(args.auto_sync_time);
    Ok(firmware)
}

/// The native code emitters the board accepts: one command, both decorators.
pub fn emitters(session: &Session, vm: &VirtualMachine) -> PyResult<Vec<&'static str>> {
    let checked = session.run(
        vm,
        snippets::EMITTERS.to_string(),
        Output::Stream(None),
        &NO_MAP,
    );
    match checked {
        Ok(_) => Ok(emitters_from(None)),
        Err(e) if errors::is::<PyboardException>(&e) => {
            Ok(emitters_from(Some(&errors::text(&e, vm))))
        }
        Err(e) => Err(e),
    }
}

/// `startup`: the implementation's convenience imports by default, nothing for `""`.
pub fn run_startup(
    session: &Session,
    args: &DeviceArgs,
    implementation: &str,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let code = match args.startup.as_deref() {
        None => snippets::convenience_imports(implementation),
        Some("") => None,
        Some(code) => Some(dedent(code)),
    };
    if let Some(code) = code {
        session.run(vm, code, Output::Stdout, &NO_MAP)?;
    }
    Ok(())
}

/// The end of a connection's start-up: a garbage collection on the board (see
/// [`snippets::COLLECT`]), so that the heap a user's first definition meets does not depend on
/// how many clock samples the round trips took. A board without `gc` is left as it is.
pub fn settle(session: &Session, vm: &VirtualMachine) -> PyResult<()> {
    match session.run(vm, snippets::COLLECT.to_string(), Output::Stdout, &NO_MAP) {
        Err(e) if errors::is::<PyboardException>(&e) => Ok(()),
        other => other.map(drop),
    }
}

/// Belay's `sync_time`: up to `samples` reads of the board clock, the fastest round trips decide
/// the offset (device − host, seconds).
pub fn sync_clock(session: &Session, samples: usize, vm: &VirtualMachine) -> PyResult<f64> {
    let mut taken = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let sent = host_now();
        let (text, _) = session.eval_reply(
            vm,
            &snippets::clock(),
            true,
            Output::Stdout,
            Some(false),
            &NO_MAP,
        )?;
        let received = host_now();
        taken.push(Sample {
            sent,
            tick: int(vm, &text, "the board clock")?,
            received,
        });
        if timesync::enough(&taken) {
            break;
        }
    }
    let offset = timesync::synchronise(&mut session.clock(), &taken);
    session.mark_timed();
    offset.ok_or_else(|| vm.new_value_error("no time samples"))
}
