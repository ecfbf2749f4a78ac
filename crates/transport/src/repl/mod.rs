//! The MicroPython raw REPL: the protocol state machine ([`raw_repl`]), the protocol thread that
//! owns a board ([`connection`]), and the pass-through session of `belay-run terminal`
//! ([`passthrough`]).

pub(crate) mod connection;
pub(crate) mod passthrough;
pub(crate) mod raw_repl;
