//! belay-transport: everything between the host and a board that needs no host interpreter.
//!
//! - [`wire`]: belay-run's wire format: the board-side snippets, how host values are written as
//!   board source, how replies are framed and read back (a literal parser, never `eval`), and
//!   board tracebacks mapped to host files. See `docs/protocol.md`.
//! - The raw REPL protocol ([`RawRepl`]) and one protocol thread per board ([`Connection`]),
//!   reached through crossbeam channels; [`Passthrough`] for an interactive terminal.
//! - Byte pipes for every port form ([`PortSpec`]): serial/USB, `exec:`, `execpty:`, telnet,
//!   WebREPL, `socket://`. Their internals stay private to this crate.
//! - [`timesync`] (board ticks ↔ host time) and [`sync_plan`] (which files `sync` sends where).
//! - `sys`: the platform layer, the only place that names an OS API (ptys, `poll`, signals).
//!
//! The crate knows nothing about Python objects; `ARCHITECTURE.md` describes how it fits with the
//! `belay` module and the runtime.

mod error;
mod io;
mod repl;
pub mod scripted;
mod spec;
pub mod sync_plan;
mod sys;
pub mod timesync;
mod usb;
pub mod wire;

pub use error::{Phase, Result, TransportError, show_bytes};
/// The most bytes the link reads from a board at once (what the transport may hold besides the
/// output in flight, [`STDOUT_IN_FLIGHT`]).
pub use io::link::READ_CHUNK as LINK_READ_CHUNK;
pub use io::login::Credentials;
pub use io::port::{ConnectOptions, SerialOptions};
pub use io::timed::{ReadOutcome, TimedRead, Until, read_stdin};
pub use repl::call::{ExecEvent, ExecHandle, STDOUT_IN_FLIGHT};
pub use repl::connection::{Collected, Connection, INTERRUPT_TIMEOUT, PendingConnection};
pub use repl::events::{BoardEvent, EVENT_BACKLOG, EventSource};
pub use repl::passthrough::{Passthrough, PassthroughSender};
pub use repl::raw_repl::{PasteMode, RawRepl, ReplOptions};
pub use repl::terminal::TerminalKeys;
pub use spec::PortSpec;
pub use usb::{
    PORT_COLUMNS, Property, UsbError, UsbPort, UsbSpecifier, list_ports, list_usb_ports, port_row,
};
