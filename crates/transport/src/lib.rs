//! belay-transport: bytes, ports and the MicroPython raw-REPL protocol.
//!
//! This crate knows nothing about Python objects. It moves code to a board and brings back what
//! the board printed, split into the call's output, its result text and its error text.

pub mod error;
pub mod fdio;
pub mod link;
pub mod login;
pub mod net;
pub mod port;
pub mod process;
pub mod raw_repl;
pub mod reply;
pub mod scripted;
pub mod spec;
pub mod token;
pub mod usb;
pub mod websocket;
pub mod worker;

pub use error::{Result, TransportError};
pub use login::Credentials;
pub use port::{ConnectOptions, SerialOptions};
pub use raw_repl::{PasteMode, RawRepl, ReplOptions};
pub use spec::PortSpec;
pub use usb::{UsbError, UsbPort, UsbSpecifier};
pub use worker::{Collected, Connection, ExecEvent, ExecHandle, PendingConnection};
