//! `device.terminal(exit_char=chr(0x1D))` (Belay's): the board's own REPL for a person until the
//! exit key. The console is the runtime's (raw mode is an OS call, which this crate never
//! makes), so the runtime hands the session over as a hook (`set_terminal`).

use std::sync::OnceLock;

use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

/// Runs the board's REPL on a `belay.Device` until the given exit key.
pub type TerminalHook = fn(&PyObjectRef, u8, &VirtualMachine) -> PyResult<()>;

static HOOK: OnceLock<TerminalHook> = OnceLock::new();

/// Give `device.terminal()` its console (the runtime does, before any script runs).
pub fn set_terminal(hook: TerminalHook) {
    let _ = HOOK.set(hook);
}

/// Run the terminal on `device`; `exit_char` is one ASCII character.
pub fn run(device: &PyObjectRef, exit_char: &str, vm: &VirtualMachine) -> PyResult<()> {
    let &[exit] = exit_char.as_bytes() else {
        return Err(vm.new_value_error("exit_char must be one ASCII character"));
    };
    let hook = HOOK.get().ok_or_else(|| {
        vm.new_not_implemented_error("device.terminal() needs belay-run's console")
    })?;
    hook(device, exit, vm)
}
