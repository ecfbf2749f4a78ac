//! belay-pymodule: the `belay` Python module for RustPython, written in Rust.
//!
//! It knows nothing about serial ports: everything that touches a board goes through
//! `belay_transport`'s protocol thread.

mod board_fn;
mod convert;
mod device;
mod device_args;
mod executer;
mod generator;
mod implementation;
pub mod literal;
mod marks;
pub mod minify;
mod module;
mod output;
mod proxy;
mod session;
mod snippets;
pub mod source;
pub mod sync;
pub mod sync_plan;
mod sync_prepare;
pub mod timesync;
pub mod traceback;
mod usb;

pub use device_args::{preconnect, release_preconnect, set_default_port};

/// The `belay` module's definition, to register with `InterpreterBuilder::add_native_module`.
pub fn module_def(ctx: &rustpython_vm::Context) -> &'static rustpython_vm::builtins::PyModuleDef {
    module::belay::module_def(ctx)
}
