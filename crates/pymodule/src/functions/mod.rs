//! What the decorators return: [`task::Task`] evaluates a call on the board and returns its
//! value, [`setup::Setup`] (also used for teardowns) runs a body at the board's global scope,
//! [`thread::Thread`] starts a function in a board thread. [`options`] holds what a decoration
//! knows (kind, options, the function's facts).

pub mod options;
pub mod setup;
pub mod task;
pub mod thread;

use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

/// Function-like attributes shared by the objects above (`__doc__`, `__module__`, ...).
fn wrapped_attr(func: &PyObjectRef, attr: &'static str, vm: &VirtualMachine) -> PyResult {
    func.get_attr(attr, vm)
}
