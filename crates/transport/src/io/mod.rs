//! Byte pipes to a board, whatever the port form: a reader whose reads time out and can be woken
//! ([`timed`]), the buffered [`link`] the protocol reads from, bounded waits ([`wait`]), writes that
//! give up after a bound ([`bounded_write`]), and the port forms.

pub(crate) mod bounded_write;
pub(crate) mod link;
pub(crate) mod login;
pub(crate) mod net;
pub(crate) mod port;
pub(crate) mod process;
pub(crate) mod resolve;
pub(crate) mod timed;
pub(crate) mod wait;
pub(crate) mod websocket;
