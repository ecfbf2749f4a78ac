//! The platform layer: everything the transport needs from the operating system beyond `std`.
//! Nothing else in the crate names an OS API; a port to another system adds a module here that
//! gives the same items (ARCHITECTURE.md, "Platforms", lists what each needs):
//!
//! - [`Source`]: what a timed read waits on and reads from (a borrowed descriptor on Unix), and
//!   [`Pollable`], the owned things that lend one (pipes, sockets, serial ports).
//! - [`poll_once`]: one wait until a source is readable, a wake-up source is, or a timeout
//!   passes; `None` when a signal cut it short (the caller waits again for the time left).
//! - [`read_now`]: one read from a source that is readable, with end-of-file and a vanished
//!   device mapped to [`ReadOutcome::Closed`](crate::io::timed::ReadOutcome::Closed).
//! - [`WakePipe`]: a wake-up another thread can set and a blocked wait also watches.
//! - [`SerialPort`], [`open_serial`]: serialport's native port, split into a timed reader and a
//!   writer.
//! - [`Watched`], [`Watch`]: a reader made ready to wait on (on Unix the reader itself; on
//!   Windows a thread that reads it).
//! - [`shell`], [`spawn_group`], [`stop_process_group`]: `exec:` boards run through the system's
//!   shell, as a group that ends together.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::*;

#[cfg(not(any(unix, windows)))]
compile_error!(
    "belay-transport has no platform layer for this system yet: add one in src/sys/ \
     (see ARCHITECTURE.md, \"Platforms\")"
);
