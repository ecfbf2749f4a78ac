//! The runtime's platform layer on Unix: termios raw mode and SIGINT.

use rustix::termios;

/// The console in raw mode (keys go to the board as typed, Ctrl-C included) until dropped. When
/// stdin is not a terminal, nothing changes: bytes pass through as they come.
pub struct RawMode(Option<termios::Termios>);

impl RawMode {
    pub fn enable() -> RawMode {
        let stdin = std::io::stdin();
        let Ok(saved) = termios::tcgetattr(&stdin) else {
            return RawMode(None);
        };
        let mut raw = saved.clone();
        raw.make_raw();
        let _ = termios::tcsetattr(&stdin, termios::OptionalActions::Now, &raw);
        RawMode(Some(saved))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.0 {
            let _ = termios::tcsetattr(std::io::stdin(), termios::OptionalActions::Now, saved);
        }
    }
}

/// End the process by SIGINT, with the default action (what a shell expects after Ctrl-C).
pub fn die_of_sigint() -> ! {
    // SAFETY: resetting a signal's disposition and raising it; no memory is involved.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
    // Should SIGINT be blocked, exit with the status a shell gives it.
    std::process::exit(130)
}

static CTRL_C: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn note_ctrl_c(_: libc::c_int) {
    CTRL_C.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// From now on Ctrl-C (SIGINT) only sets the returned flag, for work that must end cleanly (an
/// install putting back what it moved); [`end_ctrl_c_deferral`] restores the default action.
pub fn defer_ctrl_c() -> &'static std::sync::atomic::AtomicBool {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            note_ctrl_c as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    &CTRL_C
}

/// Ctrl-C ends the process again; one that came while deferred ends it now.
pub fn end_ctrl_c_deferral() {
    // SAFETY: resetting a signal's disposition; no memory is involved.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
    if CTRL_C.load(std::sync::atomic::Ordering::SeqCst) {
        die_of_sigint();
    }
}

/// Before the interpreter starts: nothing to prepare on Unix.
pub fn prepare_c_runtime() {}

/// What a path that is no regular file, folder or pipe is ("a character device": a board's
/// serial port, `/dev/null`), for refusing to read it as a script; `None` for anything a program
/// may be read from.
pub fn device_kind(kind: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_char_device() {
        Some("a character device")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        None
    }
}
