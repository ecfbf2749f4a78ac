//! The board's own REPL on a `belay.Device` for a person: the console in raw mode, the keys
//! passed on (until the exit key or the end of piped input), the board's output shown, host
//! functions (a mounted folder's) served by the `belay` module meanwhile. `belay-run mount`
//! drives it, and so does `device.terminal()` in a script (Belay's), through the hook the runtime
//! gives the `belay` module.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use belay_transport::TerminalKeys;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use super::terminal::{BoardOutput, Pace, pump_keys};
use crate::sys::RawMode;

/// The console is raw from the first session to [`console_as_it_was`]: keys typed while the
/// board reboots (and a mount is made again) wait, as typed, for the next session.
static RAW: Mutex<Option<RawMode>> = Mutex::new(None);

/// One session of the board's REPL: until `exit_key` or the end of input (false), or until the
/// board soft-rebooted (true: what was defined on it is gone).
pub fn session(device: &PyObjectRef, exit_key: u8, vm: &VirtualMachine) -> PyResult<bool> {
    lock(&RAW).get_or_insert_with(RawMode::enable);
    let over = Arc::new(AtomicBool::new(false));
    let output = Arc::new(BoardOutput::new());
    // Lines piped in go one at a time, each at a prompt: a host function's answer (a mount
    // operation's) is read from the same console, and must not find the next lines there.
    let pace = if std::io::stdin().is_terminal() {
        Pace::AsTyped
    } else {
        Pace::LineByLine
    };
    // Keys are read only once the session can take them (none is lost before it starts).
    let pump: Mutex<Option<std::thread::JoinHandle<()>>> = Mutex::new(None);
    let start_pump = |keys: TerminalKeys| {
        let (over, output) = (over.clone(), output.clone());
        *lock(&pump) = Some(std::thread::spawn(move || {
            let over = || over.load(Ordering::Relaxed);
            let _ = pump_keys(&|bytes| keys.send(bytes), &over, &output, pace, exit_key);
            // The exit key or the end of input: dropping the keys ends the session.
        }));
    };
    let mut stdout = std::io::stdout();
    let outcome = belay_pymodule::terminal(
        device,
        &start_pump,
        &mut |bytes| {
            let _ = stdout.write_all(bytes);
            let _ = stdout.flush();
            output.note(bytes);
        },
        vm,
    );
    over.store(true, Ordering::Relaxed);
    if let Some(pump) = lock(&pump).take() {
        vm.allow_threads(|| pump.join().ok());
    }
    outcome
}

/// Give the console back as it was before the first session.
pub fn console_as_it_was() {
    lock(&RAW).take();
}

/// `device.terminal(exit_char=...)` (the hook `belay_pymodule::set_terminal` takes): sessions
/// until the exit key or the end of input, the device reconnected after each soft reboot (what
/// was defined on the board is replayed); the console as it was afterwards.
pub fn for_device(device: &PyObjectRef, exit_key: u8, vm: &VirtualMachine) -> PyResult<()> {
    let outcome = (|| {
        while session(device, exit_key, vm)? {
            vm.call_method(device, "reconnect", ())?;
        }
        Ok(())
    })();
    console_as_it_was();
    outcome
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
