//! `belay.ProxyObject`: a host handle on an object that stays on the board. The payload (what a
//! proxy names, on which board) is in [`object`], below the modules that write values; the
//! Python behaviour (every operation becomes one board expression) is in [`ops`].

pub mod object;
mod ops;
