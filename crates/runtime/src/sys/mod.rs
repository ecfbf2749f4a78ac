//! The platform layer of the runtime: what the CLI needs from the operating system beyond `std`
//! and the transport. Nothing else in the crate names an OS API; a port to another system adds a
//! module here with the same items (ARCHITECTURE.md, "Platforms"):
//!
//! - [`RawMode`]: the console passes every key through as typed (Ctrl-C included) until dropped.
//! - [`die_of_sigint`]: end the process as Ctrl-C would, so the calling shell sees it.
//! - [`defer_ctrl_c`], [`end_ctrl_c_deferral`]: Ctrl-C sets a flag instead, for work that must
//!   end cleanly (an install's commit), then ends the process as usual.
//! - [`prepare_c_runtime`]: what the C runtime needs before the interpreter starts.
//! - [`device_kind`]: whether a path is a device (a serial port, `/dev/null`), never a script.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

#[cfg(not(any(unix, windows)))]
compile_error!(
    "belay-run's runtime has no platform layer for this system yet: add one in src/sys/ \
     (see ARCHITECTURE.md, \"Platforms\")"
);
