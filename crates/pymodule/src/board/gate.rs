//! One host thread at a time changes what a session has on the board: the lazily sent helpers,
//! the codecs, and a first float result that waits on the board (`_Bv`) to be fetched again by
//! the call that left it. Without this, two threads' first calls could define a helper twice or
//! fetch each other's result (`docs/protocol.md` §3.4).
//!
//! The gate is re-entrant (a thread that holds it may enter again: defining the codecs inside a
//! call that already holds it), and a thread waiting for it still notices Ctrl-C.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};
use std::time::Duration;

use rustpython_vm::{PyResult, VirtualMachine};

/// How often a waiting thread checks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

#[derive(Debug, Default)]
pub struct Gate {
    /// The thread that holds the gate, and how many times it entered.
    holder: Mutex<Option<(ThreadId, usize)>>,
    free: Condvar,
}

/// Holding the gate; dropping it lets the next thread in.
#[must_use]
pub struct Pass<'a> {
    gate: &'a Gate,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, Option<(ThreadId, usize)>> {
        self.holder.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for the gate (with the interpreter released, checking for Ctrl-C) and take it.
    pub fn enter(&self, vm: &VirtualMachine) -> PyResult<Pass<'_>> {
        let me = thread::current().id();
        loop {
            let mut holder = self.lock();
            match &mut *holder {
                None => {
                    *holder = Some((me, 1));
                    return Ok(Pass { gate: self });
                }
                Some((owner, depth)) if *owner == me => {
                    *depth += 1;
                    return Ok(Pass { gate: self });
                }
                Some(_) => {}
            }
            // The lock is given back before the thread attaches again (never held by a thread
            // that may block on the interpreter).
            vm.allow_threads(|| {
                let (holder, _) = self
                    .free
                    .wait_timeout(holder, POLL)
                    .unwrap_or_else(|p| p.into_inner());
                drop(holder);
            });
            vm.check_signals()?;
        }
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        let mut holder = self.gate.lock();
        if let Some((_, depth)) = &mut *holder {
            *depth -= 1;
            if *depth == 0 {
                *holder = None;
                self.gate.free.notify_all();
            }
        }
    }
}
