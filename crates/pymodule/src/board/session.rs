//! One connection to a board as the Python side uses it: run code, stream its output to a Python
//! stream while the call runs, return the reply text, and turn board exceptions into
//! `PyboardException` with host-mapped tracebacks. Ctrl-C on the host, a failing output stream or
//! the call timeout interrupt the board call before the exception propagates.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use belay_transport::timesync::TimeSync;
use belay_transport::wire::Literal;
use belay_transport::wire::reply::holds_finite_float;
use belay_transport::wire::snippets::{self, Helper};
use belay_transport::wire::traceback::{CodeMap, Origin, remap};
use belay_transport::wire::{Encoder, FloatFormat, split_time};
use belay_transport::{
    BoardEvent, Connection, ExecEvent, ExecHandle, TerminalKeys, TransportError,
};
use crossbeam_channel::RecvTimeoutError;
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{PyObject, PyObjectRef, PyResult, VirtualMachine};

use super::gate::Gate;
use super::hub::Hub;
use crate::errors::{
    self, ConnectionLost, NotBelayResponseError, PyboardError, PyboardException, transport_error,
};
use crate::output::Forwarder;
use crate::source::SourceCache;

/// How long a call waits between checks for Ctrl-C on the host.
const SIGNAL_POLL: Duration = Duration::from_millis(50);
/// After Ctrl-C, how long to wait for the interrupted board call to wind down. A board answers
/// Ctrl-C in milliseconds (its traceback is short); one that does not has stopped answering.
const INTERRUPT_GRACE: Duration = Duration::from_millis(500);
/// While the device closes (its teardowns, at exit too): how long a command may take to be
/// accepted before the board counts as no longer answering.
const CLOSING_HANDSHAKE: Duration = Duration::from_millis(500);
/// How long closing the connection may take (a stuck board included).
const CLOSE_WAIT: Duration = Duration::from_millis(400);
/// With `auto_sync_time`, a call is timed (its reply carries the board time, which keeps the
/// clock offset up to date) when the last timed reading is older than this: the offset drifts
/// slowly, and every byte of a reply costs wire time.
const RETIME_AFTER: Duration = Duration::from_secs(1);

pub struct Session {
    conn: Connection,
    /// Printed by the board right before a call's result; contains a per-connection secret.
    marker: String,
    code_map: Mutex<CodeMap>,
    /// What the board's codecs can decode (`snippets::codecs`), once they are defined: until a
    /// command has use for them, values go as literals.
    codecs: Mutex<Option<Encoder>>,
    /// Longest a call may run (None: no limit).
    call_timeout: Option<Duration>,
    /// Board clock ↔ host clock.
    time: Mutex<TimeSync>,
    /// Calls are timed by default (`auto_sync_time`), when the last timing is stale.
    timing: AtomicBool,
    /// When the board time was last read.
    last_timed: Mutex<Option<Instant>>,
    /// The lazily defined helpers (`Helper::bit`s) the board has.
    defined: AtomicU8,
    /// The device is closing: commands must be accepted within [`CLOSING_HANDSHAKE`].
    closing: AtomicBool,
    /// The board stopped answering (an interrupt or a handshake went unanswered).
    unresponsive: AtomicBool,
    /// Host functions and events, shared with the board's other sessions.
    hub: Arc<Hub>,
    /// Held while what the board has changes (helpers, codecs, a first float result).
    gate: Gate,
    /// The significant bits of the board's floats ([`FloatFormat`]), once the helpers said.
    float_bits: AtomicU32,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("port", &self.conn.description())
            .finish()
    }
}

/// Where a call's printed output goes.
#[derive(Clone)]
pub enum Output {
    /// The interpreter's `sys.stdout` at call time.
    Stdout,
    /// A given file-like object, or nothing (`None`).
    Stream(Option<PyObjectRef>),
}

/// Extra knowledge for mapping a failed command's traceback.
pub struct Context<'a> {
    /// The command is a setup/teardown body from this origin, after `prologue` argument lines.
    pub module: Option<(&'a Origin, usize)>,
}

impl Session {
    pub fn new(
        conn: Connection,
        marker: String,
        call_timeout: Option<Duration>,
        hub: Arc<Hub>,
    ) -> Session {
        Session {
            conn,
            marker,
            code_map: Mutex::new(CodeMap::default()),
            codecs: Mutex::new(None),
            call_timeout,
            time: Mutex::new(TimeSync::default()),
            timing: AtomicBool::new(false),
            last_timed: Mutex::new(None),
            defined: AtomicU8::new(0),
            closing: AtomicBool::new(false),
            unresponsive: AtomicBool::new(false),
            hub,
            gate: Gate::default(),
            float_bits: AtomicU32::new(FloatFormat::DOUBLE.bits()),
        }
    }

    /// How to write `values` for this board: with the codecs when any of them may go packed
    /// (the codecs are defined on the board first, once), as literals otherwise; floats at the
    /// board's precision.
    pub fn encoder<'a>(
        &self,
        vm: &VirtualMachine,
        values: impl IntoIterator<Item = &'a PyObject>,
    ) -> PyResult<Encoder> {
        match *self.codecs.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(known) => return Ok(known.with_floats(self.floats())),
            None if !crate::values::may_pack(values, vm) => {
                return Ok(Encoder::default().with_floats(self.floats()));
            }
            None => {}
        }
        self.codecs(vm)
    }

    /// How the board stores floats (doubles until the helpers said otherwise).
    pub fn floats(&self) -> FloatFormat {
        FloatFormat::from_bits(self.float_bits.load(Ordering::Relaxed).into()).unwrap_or_default()
    }

    /// What the helpers said of the board's floats.
    pub fn set_floats(&self, floats: FloatFormat) {
        self.float_bits.store(floats.bits(), Ordering::Relaxed);
    }

    /// The codecs, defined on the board if they are not yet (once, whatever the threads).
    pub fn codecs(&self, vm: &VirtualMachine) -> PyResult<Encoder> {
        let known = || {
            let codecs = *self.codecs.lock().unwrap_or_else(|p| p.into_inner());
            codecs.map(|c| c.with_floats(self.floats()))
        };
        if let Some(known) = known() {
            return Ok(known);
        }
        let _pass = self.gate.enter(vm)?;
        if let Some(known) = known() {
            return Ok(known);
        }
        let ctx = Context { module: None };
        let reply = self.run_plain(vm, snippets::codecs(), Output::Stdout, &ctx)?;
        let encoder = reply
            .and_then(|r| belay_transport::wire::parse_literal(&r).ok())
            .and_then(|l| Encoder::from_codecs_reply(&l))
            .ok_or_else(|| {
                errors::new::<NotBelayResponseError>(vm, "the board did not answer the codecs")
            })?;
        *self.codecs.lock().unwrap_or_else(|p| p.into_inner()) = Some(encoder);
        Ok(encoder.with_floats(self.floats()))
    }

    pub fn marker(&self) -> &str {
        &self.marker
    }

    pub fn port(&self) -> &str {
        self.conn.description()
    }

    /// Keep the traceback mapping of a previous session of the same device (after a reconnect the
    /// replayed definitions are the same code).
    pub fn inherit_code_map(&self, old: &Session) {
        let map = old
            .code_map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        *self.code_map.lock().unwrap_or_else(|p| p.into_inner()) = map;
    }

    /// Remember that function `name` on the board was defined from `origin`.
    pub fn define(&self, name: &str, origin: Origin) {
        self.code_map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .functions
            .insert(name.to_string(), origin);
    }

    /// Run `code`; return the reply text printed after the marker, if any. Helpers the code calls
    /// that the board does not have yet are defined first (a command of their own, so that the
    /// code's line numbers stay those of its source); a result that holds a float before the
    /// float helpers are defined is fetched again with them. Until the board has everything the
    /// call may need, the call holds the session's gate (see `gate`).
    pub fn run(
        &self,
        vm: &VirtualMachine,
        code: String,
        output: Output,
        ctx: &Context<'_>,
    ) -> PyResult<Option<Vec<u8>>> {
        let _pass = if self.settled_for(&code) {
            None
        } else {
            Some(self.gate.enter(vm)?)
        };
        for helper in Helper::ALL {
            if !self.has(helper) && helper.trigger().is_some_and(|t| code.contains(t)) {
                for &needed in helper.requires() {
                    if !self.has(needed) {
                        self.define_helper(vm, needed)?;
                    }
                }
                self.define_helper(vm, helper)?;
            }
        }
        let Some(text) = self.run_plain(vm, code, output.clone(), ctx)? else {
            return Ok(None);
        };
        let at = text.len() - split_time(&text).1.len();
        if long_bytes(&text[at..]) {
            // Long bytes came back as a literal: the next ones go as base64.
            self.codecs(vm)?;
        }
        if self.has(Helper::Floats) || !holds_finite_float(&text[at..]) {
            return Ok(Some(text));
        }
        // The value waits in `_Bv` (repr() of a float is not exact on MicroPython).
        let again = self.run_plain(
            vm,
            snippets::pending_float_result(&self.marker),
            output,
            ctx,
        )?;
        self.note_defined(Helper::Floats);
        Ok(again.map(|value| [&text[..at], &value].concat()))
    }

    /// Whether the board has every helper `code` needs and the float helpers (a call then changes
    /// nothing the session tracks, and needs no gate).
    fn settled_for(&self, code: &str) -> bool {
        self.has(Helper::Floats)
            && Helper::ALL
                .iter()
                .all(|&h| self.has(h) || h.trigger().is_none_or(|t| !code.contains(t)))
    }

    fn has(&self, helper: Helper) -> bool {
        self.defined.load(Ordering::Relaxed) & helper.bit() != 0
    }

    fn note_defined(&self, helper: Helper) {
        self.defined.fetch_or(helper.bit(), Ordering::Relaxed);
    }

    /// Define a lazily sent helper on the board. Once the events helper is there, the host
    /// reads the board between calls too, and the device's event thread runs.
    fn define_helper(&self, vm: &VirtualMachine, helper: Helper) -> PyResult<()> {
        let code = helper.definition(&self.marker);
        self.run_plain(vm, code, Output::Stdout, &Context { module: None })?;
        self.note_defined(helper);
        if helper == Helper::Events {
            self.conn.watch_events(self.marker.as_bytes().to_vec());
            self.hub.started(vm)?;
        }
        Ok(())
    }

    /// Make sure the board has `belay_emit` and the host function helper.
    pub fn ensure_events(&self, vm: &VirtualMachine) -> PyResult<()> {
        if self.has(Helper::Events) {
            return Ok(());
        }
        let _pass = self.gate.enter(vm)?;
        if !self.has(Helper::Events) {
            self.define_helper(vm, Helper::Events)?;
        }
        Ok(())
    }

    /// The next thing the board sent unasked, waiting at most `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Result<BoardEvent, RecvTimeoutError> {
        let got = self.conn.events().recv_timeout(timeout);
        if let Err(RecvTimeoutError::Disconnected) = got {
            // The connection ended: nothing will come (until a reconnect makes a new session).
            std::thread::sleep(timeout);
        }
        got
    }

    /// Run `code` as it is.
    fn run_plain(
        &self,
        vm: &VirtualMachine,
        code: String,
        output: Output,
        ctx: &Context<'_>,
    ) -> PyResult<Option<Vec<u8>>> {
        if let Some(name) = self.hub.serving_here() {
            return Err(errors::new::<PyboardError>(
                vm,
                format!(
                    "host function {name}() cannot run code on the board: the board is waiting \
                     for its answer (nested calls are not supported)"
                ),
            ));
        }
        let mut forward = match output {
            Output::Stdout => Forwarder::stdout(vm)?,
            Output::Stream(s) => Forwarder::new(s),
        };
        let handle = self
            .conn
            .exec(code.into_bytes(), Some(self.marker.as_bytes().to_vec()));
        let (reply, stderr) = self.wait(vm, &handle, &mut forward)?;
        if !stderr.is_empty() {
            let text = String::from_utf8_lossy(&stderr);
            let map = self
                .code_map
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            let cache = SourceCache::global();
            let mapped = remap(&text, &map, ctx.module, &|file, line| {
                cache.line(Path::new(file), line)
            });
            return Err(errors::new::<PyboardException>(vm, mapped));
        }
        Ok(reply)
    }

    /// Evaluate `expr` on the board: the result text, and the board time (unwrapped ticks) of the
    /// evaluation when it was timed. `timed`: `None` for the device default (with
    /// `auto_sync_time`, when the last timing is stale); timed calls keep the clock offset up to
    /// date. `call`: `expr` is a call the host wrote (it needs no parentheses).
    pub fn eval_reply(
        &self,
        vm: &VirtualMachine,
        expr: &str,
        call: bool,
        output: Output,
        timed: Option<bool>,
        ctx: &Context<'_>,
    ) -> PyResult<(Vec<u8>, Option<i128>)> {
        let timed = timed.unwrap_or_else(|| self.time_is_stale());
        let code = if call {
            snippets::call_result(expr, timed)
        } else {
            snippets::result(expr, timed)
        };
        let sent = host_now();
        let reply = self.run(vm, code, output, ctx)?;
        let received = host_now();
        let mut text = reply.ok_or_else(|| no_result(vm))?;
        let (tick, rest) = split_time(&text);
        let tick = tick.map(|t| self.note_time(t, (sent + received) / 2.0));
        let start = text.len() - rest.len();
        text.drain(..start);
        Ok((text, tick))
    }

    /// The board time was just read (by a timed call, or a clock synchronisation).
    pub fn mark_timed(&self) {
        *self.last_timed.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    }

    /// With `auto_sync_time`: whether the board time was last read long enough ago to read it
    /// with this call.
    fn time_is_stale(&self) -> bool {
        self.timing.load(Ordering::Relaxed)
            && self
                .last_timed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_none_or(|t| t.elapsed() >= RETIME_AFTER)
    }

    /// Feed a board tick read at host time `mid` to the clock tracking; the unwrapped tick.
    pub fn note_time(&self, tick: u64, mid: f64) -> i128 {
        self.mark_timed();
        self.time
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .update(tick, mid)
    }

    /// The clock tracking (for `sync_time`, `time_offset`, `return_time`).
    pub fn clock(&self) -> std::sync::MutexGuard<'_, TimeSync> {
        self.time.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether calls are timed unless asked otherwise.
    pub fn set_timing(&self, on: bool) {
        self.timing.store(on, Ordering::Relaxed);
    }

    /// Forward events until the call ends. If anything raises while the board is still running
    /// the call (Ctrl-C on the host, a failing output stream, the call timeout), the board is
    /// interrupted and the call wound down before the exception propagates, so the next call
    /// starts clean.
    fn wait(
        &self,
        vm: &VirtualMachine,
        handle: &ExecHandle,
        forward: &mut Forwarder,
    ) -> PyResult<(Option<Vec<u8>>, Vec<u8>)> {
        // The call's own time counts from when the board took it: not the wait behind other
        // threads' calls, nor the re-synchronisation after an earlier call that was given up.
        let mut deadline: Option<Instant> = None;
        // While closing, a board that does not take the command soon has stopped answering.
        let mut accept_by = self
            .closing
            .load(Ordering::Relaxed)
            .then(|| Instant::now() + CLOSING_HANDSHAKE);
        loop {
            if let Err(exc) = vm.check_signals() {
                self.interrupted(vm, handle, forward);
                return Err(exc);
            }
            let now = Instant::now();
            if accept_by.is_some_and(|t| now >= t) {
                return Err(self.not_accepted(vm, handle, forward));
            }
            let poll = match deadline {
                Some(d) => match d.checked_duration_since(now) {
                    Some(left) => left.min(SIGNAL_POLL),
                    None => return Err(self.timed_out(vm, handle, forward)),
                },
                None => SIGNAL_POLL,
            };
            match vm.allow_threads(|| handle.recv_timeout(poll)) {
                Ok(ExecEvent::Accepted) => {
                    accept_by = None;
                    deadline = self.call_timeout.map(|t| Instant::now() + t);
                }
                Ok(ExecEvent::Stdout(bytes)) => {
                    if let Err(exc) = forward.write(&bytes, vm) {
                        self.interrupted(vm, handle, forward);
                        return Err(exc);
                    }
                }
                Ok(ExecEvent::HostCall { name, args, kwargs }) => {
                    if let Err(exc) = self.answer_host_call(vm, &name, args, kwargs) {
                        // Ctrl-C (or SystemExit) in the host function, or the answer could not
                        // be sent: the call ends.
                        self.interrupted(vm, handle, forward);
                        return Err(exc);
                    }
                }
                Ok(ExecEvent::Done { reply, stderr }) => {
                    forward.finish(vm)?;
                    return Ok((reply, stderr));
                }
                Ok(ExecEvent::Failed(e)) => {
                    forward.finish(vm)?;
                    return Err(transport_error(vm, e));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(transport_error(vm, TransportError::Closed));
                }
            }
        }
    }

    /// Serve a host function the board called and send it the answer.
    fn answer_host_call(
        &self,
        vm: &VirtualMachine,
        name: &str,
        args: Vec<Literal>,
        kwargs: Vec<(String, Literal)>,
    ) -> PyResult<()> {
        let line = self.hub.serve_call(name, args, kwargs, self.floats(), vm)?;
        self.conn.answer(&line).map_err(|e| transport_error(vm, e))
    }

    /// The board's own REPL for a person ([`Connection::terminal`]): `keys` gets the sender for
    /// what they type, the board's output goes to `out` as it comes, and host functions (a
    /// mounted folder) are served meanwhile. Returns whether the board soft-rebooted (what was
    /// defined on it is gone: reconnect to go on); otherwise it ends when the keys are dropped.
    pub fn terminal(
        &self,
        vm: &VirtualMachine,
        keys: &dyn Fn(TerminalKeys),
        out: &mut dyn FnMut(&[u8]),
    ) -> PyResult<bool> {
        let (handle, sender) = self.conn.terminal();
        keys(sender);
        loop {
            vm.check_signals()?;
            match vm.allow_threads(|| handle.recv_timeout(SIGNAL_POLL)) {
                Ok(ExecEvent::Accepted) | Err(RecvTimeoutError::Timeout) => {}
                Ok(ExecEvent::Stdout(bytes)) => out(&bytes),
                Ok(ExecEvent::HostCall { name, args, kwargs }) => {
                    self.answer_host_call(vm, &name, args, kwargs)?
                }
                Ok(ExecEvent::Done { .. }) => return Ok(false),
                Ok(ExecEvent::Failed(TransportError::BoardReset(_))) => return Ok(true),
                Ok(ExecEvent::Failed(e)) => return Err(transport_error(vm, e)),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(transport_error(vm, TransportError::Closed));
                }
            }
        }
    }

    /// While closing, the board did not take a command within [`CLOSING_HANDSHAKE`].
    fn not_accepted(
        &self,
        vm: &VirtualMachine,
        handle: &ExecHandle,
        forward: &mut Forwarder,
    ) -> PyBaseExceptionRef {
        self.conn.abort(handle.id);
        self.unresponsive.store(true, Ordering::Relaxed);
        let _ = forward.finish(vm);
        errors::new::<ConnectionLost>(
            vm,
            format!(
                "the board did not take the command within {CLOSING_HANDSHAKE:?} while the device \
                 was closing: it stopped answering"
            ),
        )
    }

    /// The call ran past the device's `timeout`.
    fn timed_out(
        &self,
        vm: &VirtualMachine,
        handle: &ExecHandle,
        forward: &mut Forwarder,
    ) -> PyBaseExceptionRef {
        let limit = self.call_timeout.unwrap_or_default();
        let how = if self.interrupted(vm, handle, forward) {
            "it was interrupted on the board"
        } else {
            "the board did not answer the interrupt either; the connection will be re-synchronised"
        };
        errors::new::<PyboardError>(
            vm,
            format!("the call did not finish within the device timeout of {limit:.1?}; {how}"),
        )
    }

    /// Interrupt the board and let the call finish, so the next call starts clean. Returns
    /// whether the board ended the call; if it did not, the protocol thread abandons it.
    fn interrupted(
        &self,
        vm: &VirtualMachine,
        handle: &ExecHandle,
        forward: &mut Forwarder,
    ) -> bool {
        let ended = self.conn.interrupt().is_ok() && {
            let deadline = Instant::now() + INTERRUPT_GRACE;
            loop {
                let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                    break false;
                };
                match vm.allow_threads(|| handle.recv_timeout(left)) {
                    Ok(ExecEvent::Stdout(bytes)) => {
                        let _ = forward.write(&bytes, vm);
                    }
                    Ok(ExecEvent::Accepted | ExecEvent::HostCall { .. }) => {}
                    Ok(ExecEvent::Done { .. } | ExecEvent::Failed(_))
                    | Err(RecvTimeoutError::Disconnected) => break true,
                    Err(RecvTimeoutError::Timeout) => break false,
                }
            }
        };
        if !ended {
            self.conn.abort(handle.id);
            self.unresponsive.store(true, Ordering::Relaxed);
        }
        let _ = forward.finish(vm);
        ended
    }

    /// Ctrl-C with no call running (what Belay sends before teardowns and on close).
    pub fn interrupt_idle(&self, vm: &VirtualMachine) -> PyResult<()> {
        self.conn.interrupt().map_err(|e| transport_error(vm, e))
    }

    /// From now on the device is closing: commands that the board does not take within
    /// [`CLOSING_HANDSHAKE`] fail, and the board counts as no longer answering.
    pub fn begin_closing(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }

    /// The board stopped answering: an interrupt or a command's handshake went unanswered.
    pub fn unresponsive(&self) -> bool {
        self.unresponsive.load(Ordering::Relaxed)
    }

    /// Close the connection, within [`CLOSE_WAIT`] whatever the board does.
    pub fn close(&self) {
        self.conn.close(CLOSE_WAIT);
    }

    /// Close the connection without interrupting the board (it runs its `main.py` after a soft
    /// reset).
    pub fn close_silently(&self) {
        self.conn.close_silently(CLOSE_WAIT);
    }
}

/// Seconds since the epoch, as Python's `time.time()`.
pub fn host_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The board ended a call without printing its result (the marker never came).
pub fn no_result(vm: &VirtualMachine) -> PyBaseExceptionRef {
    errors::new::<NotBelayResponseError>(vm, "the board finished without printing a result")
}

/// Whether a result is a bytes (or bytearray) literal long enough that base64 would be shorter
/// (the value of an escaped byte takes 4 characters, base64 4 per 3 bytes).
fn long_bytes(value: &[u8]) -> bool {
    let literal = value.strip_prefix(b"bytearray(").unwrap_or(value);
    literal.starts_with(b"b") && value.len() > 2 * Encoder::BYTES_PACK_MIN
}
