//! The MicroPython raw REPL: the protocol state machine ([`raw_repl`], and how a command is sent
//! in [`paste`]), the protocol thread that owns a board ([`connection`]), how a call's events
//! reach its consumer with bounded output in flight ([`call`]), what a board sends unasked
//! ([`events`]), the pass-through session of `belay-run terminal` ([`passthrough`]), and the
//! friendly REPL on an open connection, for `belay-run mount` ([`terminal`]).

pub(crate) mod call;
pub(crate) mod connection;
pub(crate) mod events;
pub(crate) mod passthrough;
pub(crate) mod paste;
pub(crate) mod raw_repl;
pub(crate) mod terminal;
