//! The runtime's platform layer on Windows: the console's input mode, the exit status of a
//! program ended by Ctrl-C, and the C runtime's time-zone globals.

use std::ffi::{c_char, c_int, c_long};

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

static CTRL_C: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Ctrl-C keeps its default action on Windows (the flag stays false): an install it interrupts
/// leaves its staging folder, and the environment as it was until the commit.
pub fn defer_ctrl_c() -> &'static std::sync::atomic::AtomicBool {
    &CTRL_C
}

/// Nothing deferred on Windows.
pub fn end_ctrl_c_deferral() {}

// RustPython's `time` module reads the C runtime's `tzname`, `timezone` and `daylight` as data
// (extern statics, `rustpython-host_env`'s `time::tz`). MinGW's import library has no data by
// those names, only call stubs, so the statics would read machine code: `tzname` as two
// pointers, a crash in `strlen` at the first `import time`. These definitions take their place;
// `prepare_c_runtime` fills them from msvcrt's own variables, reached through their import
// slots (`__imp__tzname`: the address of msvcrt's `_tzname`).
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
static mut tzname: [*const c_char; 2] = [c"".as_ptr(); 2];
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
static mut timezone: c_long = 0;
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
static mut daylight: c_int = 0;

unsafe extern "C" {
    fn _tzset();
    static __imp__tzname: *const [*const c_char; 2];
    static __imp__timezone: *const c_long;
    static __imp__daylight: *const c_int;
}

/// Before the interpreter starts: the time-zone globals above, from msvcrt after `_tzset`.
pub fn prepare_c_runtime() {
    // SAFETY: msvcrt's import slots hold the addresses of its own globals, valid for the life of
    // the process; ours are written once, before any thread reads them.
    unsafe {
        _tzset();
        tzname = *__imp__tzname;
        timezone = *__imp__timezone;
        daylight = *__imp__daylight;
    }
}

/// What a path that is no regular file, folder or pipe is, for refusing to read it as a script:
/// a Windows path names no device (COM ports are `\\.\COM5`, opened by name), so never anything.
pub fn device_kind(_kind: &std::fs::FileType) -> Option<&'static str> {
    None
}
