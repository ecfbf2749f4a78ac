//! What a board's sessions share about events and host functions (`docs/protocol.md` §6): the
//! host functions board code may call, which thread is serving one (a call from it back to the
//! board would wait for itself), whether events are wanted (so a reconnect turns them on again),
//! and the Python hook that starts the device's event thread.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::ThreadId;

use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

/// Serves one host function call (from a layer above the board: it builds Python values): the
/// line that answers the board, or the exception that ends the call (Ctrl-C).
pub type ServeHostCall = fn(
    &Hub,
    &str,
    Vec<belay_transport::wire::Literal>,
    Vec<(String, belay_transport::wire::Literal)>,
    belay_transport::wire::FloatFormat,
    &VirtualMachine,
) -> PyResult<Vec<u8>>;

pub struct Hub {
    serve_call: ServeHostCall,
    functions: Mutex<HashMap<String, PyObjectRef>>,
    /// Threads serving a host function now, and its name.
    serving: Mutex<Vec<(ThreadId, String)>>,
    wanted: AtomicBool,
    /// Starts the device's event thread (`Events._start`), set by the device.
    starter: Mutex<Option<PyObjectRef>>,
    dropped: AtomicU64,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("wanted", &self.wanted.load(Ordering::Relaxed))
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Hub {
    pub fn new(serve_call: ServeHostCall) -> Hub {
        Hub {
            serve_call,
            functions: Mutex::default(),
            serving: Mutex::default(),
            wanted: AtomicBool::default(),
            starter: Mutex::default(),
            dropped: AtomicU64::default(),
        }
    }

    /// Serve a host function call (see [`ServeHostCall`]).
    pub fn serve_call(
        &self,
        name: &str,
        args: Vec<belay_transport::wire::Literal>,
        kwargs: Vec<(String, belay_transport::wire::Literal)>,
        floats: belay_transport::wire::FloatFormat,
        vm: &VirtualMachine,
    ) -> PyResult<Vec<u8>> {
        (self.serve_call)(self, name, args, kwargs, floats, vm)
    }

    pub fn add_function(&self, name: &str, function: PyObjectRef) {
        lock(&self.functions).insert(name.to_string(), function);
    }

    pub fn function(&self, name: &str) -> Option<PyObjectRef> {
        lock(&self.functions).get(name).cloned()
    }

    /// Run `f` as the current thread serving host function `name`.
    pub fn serve<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let me = std::thread::current().id();
        lock(&self.serving).push((me, name.to_string()));
        let out = f();
        let mut serving = lock(&self.serving);
        if let Some(i) = serving.iter().rposition(|(t, _)| *t == me) {
            serving.remove(i);
        }
        out
    }

    /// The host function the current thread is serving, if any.
    pub fn serving_here(&self) -> Option<String> {
        let me = std::thread::current().id();
        lock(&self.serving)
            .iter()
            .rev()
            .find(|(t, _)| *t == me)
            .map(|(_, n)| n.clone())
    }

    pub fn want(&self) {
        self.wanted.store(true, Ordering::Relaxed);
    }

    pub fn wanted(&self) -> bool {
        self.wanted.load(Ordering::Relaxed)
    }

    pub fn set_starter(&self, starter: PyObjectRef) {
        *lock(&self.starter) = Some(starter);
    }

    /// The board has the events helper: make sure the device's event thread runs.
    pub fn started(&self, vm: &VirtualMachine) -> PyResult<()> {
        self.want();
        let starter = lock(&self.starter).clone();
        match starter {
            Some(start) => start.call((), vm).map(drop),
            None => Ok(()),
        }
    }

    pub fn note_dropped(&self, n: u64) {
        self.dropped.fetch_add(n, Ordering::Relaxed);
    }

    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
