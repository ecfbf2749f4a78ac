//! belay-transport: bytes, ports and the MicroPython raw-REPL protocol.
//!
//! This crate knows nothing about Python objects. It moves code to a board and brings back what
//! the board printed, split into the call's output, its result text and its error text.

pub mod error;
pub mod fdio;
pub mod link;
pub mod port;
pub mod raw_repl;
pub mod reply;
pub mod scripted;
pub mod token;
pub mod worker;

pub use error::{Result, TransportError};
pub use port::{PortSpec, SerialOptions};
pub use raw_repl::{PasteMode, RawRepl, ReplOptions};
pub use worker::{Collected, ConnectOptions, Connection, ExecEvent, ExecHandle, PendingConnection};
