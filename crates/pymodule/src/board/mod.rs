//! The Rust handle of a board, shared by everything that runs code on it (the `Device`, its tasks,
//! setups, threads, generators, proxies and `sync`): the live [`Session`], the arguments it was
//! made with, what the firmware is, and reconnection with replay of the recorded commands.
//!
//! Nothing here creates Python objects of this crate: callers turn replies into values
//! (`crate::calls`), so this module sits below all the Python classes.

pub mod args;
mod gate;
pub mod hub;
pub mod session;
pub mod startup;

use std::sync::{Arc, Mutex, RwLock};

use belay_transport::wire::Firmware;
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use crate::errors::{self, ConnectionLost, MaxHistoryLengthError};
use args::DeviceArgs;
use hub::Hub;
use session::{Context, Output, Session};

/// Most commands remembered for replay after a reconnect.
pub const MAX_HISTORY: usize = 1000;

/// A board: its connection (none once closed) and how to make it again.
#[derive(Debug)]
pub struct Board {
    args: DeviceArgs,
    session: RwLock<Option<Arc<Session>>>,
    firmware: RwLock<Arc<Firmware>>,
    /// The native code emitters the board accepts, once asked (the check costs a command).
    emitters: Mutex<Option<Vec<&'static str>>>,
    /// Commands to replay after a reconnect (only with `attempts`).
    history: Mutex<Vec<String>>,
    /// Events and host functions, shared by its sessions.
    hub: Arc<Hub>,
    /// `close()` ran (no session while reconnecting is not closed).
    closed: std::sync::atomic::AtomicBool,
    /// Commands to run before the connection closes (unmounting host folders).
    at_close: Mutex<Vec<String>>,
    /// `soft_reset()` rebooted the board: no session until a reconnect.
    reset_by_host: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Board {
    /// Connect, define the helpers and learn the firmware (what every connection does first).
    pub fn connect(args: DeviceArgs, hub: Hub, vm: &VirtualMachine) -> PyResult<Arc<Board>> {
        let hub = Arc::new(hub);
        let session = Self::open_session(&args, None, &hub, vm)?;
        let firmware = match startup::prepare(&session, &args, vm) {
            Ok(f) => f,
            Err(e) => {
                // Do not leave a half-initialised connection open.
                vm.allow_threads(|| session.close());
                return Err(e);
            }
        };
        Ok(Arc::new(Board {
            args,
            session: RwLock::new(Some(session)),
            firmware: RwLock::new(Arc::new(firmware)),
            emitters: Mutex::new(None),
            history: Mutex::new(Vec::new()),
            hub,
            closed: Default::default(),
            at_close: Mutex::new(Vec::new()),
            reset_by_host: Default::default(),
        }))
    }

    fn open_session(
        args: &DeviceArgs,
        attempts: Option<i32>,
        hub: &Arc<Hub>,
        vm: &VirtualMachine,
    ) -> PyResult<Arc<Session>> {
        let conn = args.connect(attempts, vm)?;
        let marker = belay_transport::wire::snippets::session_marker();
        Ok(Arc::new(Session::new(
            conn,
            marker,
            args.timeout,
            hub.clone(),
        )))
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Events on: the board gets `belay_emit` (and the host function helper), the host reads it
    /// between calls, and a reconnect turns them on again.
    pub fn enable_events(&self, vm: &VirtualMachine) -> PyResult<()> {
        self.hub.want();
        self.call(vm, None, |s| s.ensure_events(vm))
    }

    /// Make `function` callable from board code as `name` (the board's side is recorded for
    /// replay after a reconnect).
    pub fn define_host(
        &self,
        name: &str,
        function: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        self.hub.add_function(name, function);
        self.enable_events(vm)?;
        let stub = belay_transport::wire::snippets::host_function(name);
        let no_map = Context { module: None };
        self.call(vm, Some(&stub), |s| {
            s.run(vm, stub.clone(), Output::Stdout, &no_map).map(drop)
        })
    }

    /// Mount (`on`) or unmount the host folder served for board path `at` (a mount is recorded
    /// for replay after a reconnect until it is unmounted; a mounted folder is unmounted when the
    /// device closes).
    pub fn mount(&self, at: &str, on: bool, vm: &VirtualMachine) -> PyResult<()> {
        let code = belay_transport::wire::snippets::mount(at, on);
        let mounting = belay_transport::wire::snippets::mount(at, true);
        let no_map = Context { module: None };
        self.call(vm, on.then_some(code.as_str()), |s| {
            s.run(vm, code.clone(), Output::Stdout, &no_map).map(drop)
        })?;
        if !on {
            // A reconnect must not mount it again.
            lock(&self.history).retain(|c| *c != mounting);
        }
        let undo = belay_transport::wire::snippets::mount(at, false);
        let mut at_close = lock(&self.at_close);
        at_close.retain(|c| *c != undo);
        if on {
            at_close.push(undo);
        }
        Ok(())
    }

    /// The board's own REPL for a person, host functions served meanwhile
    /// ([`Session::terminal`]); true when the board soft-rebooted.
    pub fn terminal(
        &self,
        vm: &VirtualMachine,
        keys: &dyn Fn(belay_transport::TerminalKeys),
        out: &mut dyn FnMut(&[u8]),
    ) -> PyResult<bool> {
        self.session(vm)?.terminal(vm, keys, out)
    }

    /// Run what must run before the connection closes (the board still answers); failures are
    /// ignored: the connection closes anyway.
    pub fn run_at_close(&self, vm: &VirtualMachine) {
        let commands = std::mem::take(&mut *lock(&self.at_close));
        let no_map = Context { module: None };
        for code in commands {
            if let Ok(session) = self.session(vm) {
                let _ = session.run(vm, code, Output::Stream(None), &no_map);
            }
        }
    }

    /// The next thing the board sent unasked (None: nothing within `timeout`; Err: the device is
    /// closed).
    pub fn next_event(
        &self,
        timeout: std::time::Duration,
        vm: &VirtualMachine,
    ) -> Result<Option<(belay_transport::BoardEvent, Arc<Session>)>, ()> {
        let closed = || self.closed.load(std::sync::atomic::Ordering::Relaxed);
        let Some(session) = self.live() else {
            if closed() {
                return Err(());
            }
            // Reconnecting: the next session will have them.
            vm.allow_threads(|| {
                std::thread::sleep(timeout.min(std::time::Duration::from_millis(20)))
            });
            return Ok(None);
        };
        match vm.allow_threads(|| session.next_event(timeout)) {
            Ok(event) => Ok(Some((event, session))),
            Err(_) if closed() => Err(()),
            Err(_) => Ok(None),
        }
    }

    pub fn args(&self) -> &DeviceArgs {
        &self.args
    }

    /// The live session (None once closed).
    fn live(&self) -> Option<Arc<Session>> {
        self.session
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Put `new` in place of the live session; the one it replaces.
    fn replace_session(&self, new: Option<Arc<Session>>) -> Option<Arc<Session>> {
        std::mem::replace(
            &mut *self.session.write().unwrap_or_else(|p| p.into_inner()),
            new,
        )
    }

    /// The live session, or `ConnectionLost` when the device was closed (or soft-reset).
    pub fn session(&self, vm: &VirtualMachine) -> PyResult<Arc<Session>> {
        self.live().ok_or_else(|| {
            let why = if self
                .reset_by_host
                .load(std::sync::atomic::Ordering::Relaxed)
            {
                "the board was soft-reset (device.soft_reset()): device.reconnect() connects \
                 again (interrupting its main.py) to run code on it"
            } else {
                "the device is closed"
            };
            errors::new::<ConnectionLost>(vm, why)
        })
    }

    /// Belay's `soft_reset()`: leave the raw REPL and press Ctrl-D at the board's prompt, so the
    /// board reboots and runs its `main.py`; the connection closes without interrupting it. Code
    /// runs on the board again after `device.reconnect()` (with `attempts`, the next call
    /// reconnects by itself).
    pub fn soft_reset(&self, vm: &VirtualMachine) -> PyResult<()> {
        /// How long the board may take to show its reboot.
        const REBOOT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
        let session = self.session(vm)?;
        let rebooted = session.terminal(
            vm,
            &|keys| {
                let _ = keys.send(b"\x04");
                // The session lasts while its keys do: until the reboot shows, or at most
                // REBOOT_WAIT.
                std::thread::spawn(move || {
                    std::thread::sleep(REBOOT_WAIT);
                    drop(keys);
                });
            },
            &mut |_| {},
        )?;
        if !rebooted {
            return Err(errors::new::<crate::errors::PyboardError>(
                vm,
                format!("the board did not reboot within {REBOOT_WAIT:?} of Ctrl-D at its prompt"),
            ));
        }
        self.reset_by_host
            .store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(old) = self.replace_session(None) {
            vm.allow_threads(|| old.close_silently());
        }
        Ok(())
    }

    /// The port of the live session (None once closed).
    pub fn port(&self) -> Option<String> {
        self.live().map(|s| s.port().to_string())
    }

    /// The firmware found at the last (re)connection.
    pub fn firmware(&self) -> Arc<Firmware> {
        self.firmware
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The native code emitters the board accepts (`native`, `viper`), checked once.
    pub fn emitters(&self, vm: &VirtualMachine) -> PyResult<Vec<&'static str>> {
        if let Some(known) = lock(&self.emitters).clone() {
            return Ok(known);
        }
        let found = self.call(vm, None, |s| startup::emitters(s, vm))?;
        *lock(&self.emitters) = Some(found.clone());
        Ok(found)
    }

    /// Run `f` on the live session. With reconnect `attempts`, a lost connection is made again
    /// (recorded commands replayed) and `f` tried once more. `record`: the code to replay after a
    /// future reconnect, remembered only once it succeeded (so a failed command runs once).
    pub fn call<T>(
        &self,
        vm: &VirtualMachine,
        record: Option<&str>,
        f: impl Fn(&Session) -> PyResult<T>,
    ) -> PyResult<T> {
        let reconnects = self.args.reconnect_attempts != 0;
        if reconnects
            && self.live().is_none()
            && self
                .reset_by_host
                .load(std::sync::atomic::Ordering::Relaxed)
        {
            self.reconnect(None, vm)?;
        }
        let session = self.session(vm)?;
        let result = match f(&session) {
            Err(e) if reconnects && errors::is::<ConnectionLost>(&e) => {
                drop(session);
                self.reconnect(None, vm)?;
                f(&*self.session(vm)?)
            }
            other => other,
        };
        if let (Ok(_), Some(code)) = (&result, record)
            && reconnects
        {
            let mut history = lock(&self.history);
            if history.len() < MAX_HISTORY {
                history.push(code.to_string());
            }
        }
        result
    }

    /// Connect again and replay the recorded commands (`attempts`: tries, default the device's).
    pub fn reconnect(&self, attempts: Option<i32>, vm: &VirtualMachine) -> PyResult<()> {
        let history = lock(&self.history).clone();
        if history.len() >= MAX_HISTORY {
            return Err(errors::new::<MaxHistoryLengthError>(
                vm,
                format!(
                    "more than {MAX_HISTORY} commands were recorded: the board state cannot be rebuilt"
                ),
            ));
        }
        let attempts = attempts
            .filter(|&a| a != 0)
            .unwrap_or(match self.args.reconnect_attempts {
                0 => 1,
                n => n,
            });
        let old = self.replace_session(None);
        if let Some(old) = &old {
            vm.allow_threads(|| old.close());
        }
        let lost = |e: PyBaseExceptionRef| {
            errors::new::<ConnectionLost>(
                vm,
                format!("reconnecting failed: {}", errors::text(&e, vm)),
            )
        };
        let session =
            Self::open_session(&self.args, Some(attempts), &self.hub, vm).map_err(lost)?;
        if let Some(old) = &old {
            session.inherit_code_map(old);
        }
        let firmware = startup::prepare(&session, &self.args, vm)?;
        startup::run_startup(&session, &self.args, &firmware.name, vm)?;
        if self.hub.wanted() {
            session.ensure_events(vm)?;
        }
        let no_map = Context { module: None };
        for code in &history {
            session.run(vm, code.clone(), Output::Stdout, &no_map)?;
        }
        if self.args.auto_sync_time {
            startup::sync_clock(&session, 10, vm)?;
        }
        startup::settle(&session, vm)?;
        *self.firmware.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(firmware);
        *lock(&self.emitters) = None;
        self.replace_session(Some(session));
        self.reset_by_host
            .store(false, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// The `startup` code, then the first clock synchronisation (`auto_sync_time`).
    pub fn start(&self, vm: &VirtualMachine) -> PyResult<()> {
        let session = self.session(vm)?;
        startup::run_startup(&session, &self.args, &self.firmware().name, vm)?;
        if self.args.auto_sync_time {
            startup::sync_clock(&session, 10, vm)?;
        }
        startup::settle(&session, vm)?;
        Ok(())
    }

    /// Measure the offset between the board clock and the host clock.
    pub fn sync_clock(&self, samples: usize, vm: &VirtualMachine) -> PyResult<f64> {
        startup::sync_clock(&*self.session(vm)?, samples, vm)
    }

    /// The device starts closing: its teardowns run with a short bound on the board taking each
    /// command (see `Session::begin_closing`). Whether the board still answers (the teardowns
    /// are skipped when it does not).
    pub fn begin_closing(&self, vm: &VirtualMachine) -> bool {
        match self.session(vm) {
            Ok(session) => {
                session.begin_closing();
                !session.unresponsive()
            }
            Err(_) => false,
        }
    }

    /// Close the connection (idempotent; bounded in time whatever the board does).
    pub fn close(&self, vm: &VirtualMachine) {
        self.closed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(session) = self.replace_session(None) {
            vm.allow_threads(|| session.close());
        }
    }

    pub fn is_open(&self) -> bool {
        self.live().is_some()
    }
}
