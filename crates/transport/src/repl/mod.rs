//! The MicroPython raw REPL: the protocol state machine ([`raw_repl`], and how a command is sent
//! in [`paste`]), the protocol thread that owns a board ([`connection`]), how a call's events
//! reach its consumer with bounded output in flight ([`call`]), what a board sends unasked
//! ([`events`]), and the pass-through session of
//! `belay-run terminal` ([`passthrough`]).

pub(crate) mod call;
pub(crate) mod connection;
pub(crate) mod events;
pub(crate) mod passthrough;
pub(crate) mod paste;
pub(crate) mod raw_repl;
