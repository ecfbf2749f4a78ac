//! The runtime's platform layer on Windows: the console's input mode, and the exit status of a
//! program ended by Ctrl-C.

use windows_sys::Win32::System::Console::{
    CONSOLE_MODE, ENABLE_ECHO_INPUT, ENABLE_LINE_INPUT, ENABLE_PROCESSED_INPUT,
    ENABLE_VIRTUAL_TERMINAL_INPUT, GetConsoleMode, GetStdHandle, STD_INPUT_HANDLE, SetConsoleMode,
};

/// The console in raw mode (keys go to the board as typed, Ctrl-C included, arrow keys as VT
/// sequences) until dropped. When stdin is not a console, nothing changes.
pub struct RawMode(Option<CONSOLE_MODE>);

impl RawMode {
    pub fn enable() -> RawMode {
        // SAFETY: console calls on this process's own input handle with a valid out pointer.
        unsafe {
            let input = GetStdHandle(STD_INPUT_HANDLE);
            let mut saved: CONSOLE_MODE = 0;
            if GetConsoleMode(input, &mut saved) == 0 {
                return RawMode(None);
            }
            let raw = (saved & !(ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT))
                | ENABLE_VIRTUAL_TERMINAL_INPUT;
            SetConsoleMode(input, raw);
            RawMode(Some(saved))
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = self.0 {
            // SAFETY: restoring the mode read in `enable` on the same handle.
            unsafe {
                SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), saved);
            }
        }
    }
}

/// End the process as Ctrl-C ends a console program: status `STATUS_CONTROL_C_EXIT`.
pub fn die_of_sigint() -> ! {
    std::process::exit(0xC000_013A_u32 as i32)
}
