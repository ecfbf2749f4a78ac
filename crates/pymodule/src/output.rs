//! Board output to a host text stream (`sys.stdout` by default), as it arrives, with the
//! tracebacks that board threads print mapped to host lines.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use belay_transport::wire::traceback::{CodeMap, Origin, ThreadTracebacks, remap};
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use crate::source::SourceCache;

/// Decodes board bytes as UTF-8 across chunk boundaries (invalid bytes become U+FFFD) and writes
/// the text to a Python stream, flushing so the user sees it while the call still runs. A board
/// thread's traceback in the output gets its frames mapped to host lines ([`map_thread_frame`]).
pub struct Forwarder {
    stream: Option<PyObjectRef>,
    /// Output not yet written: an incomplete UTF-8 sequence at the end of the last chunk.
    partial: Vec<u8>,
    threads: ThreadTracebacks,
}

impl Forwarder {
    /// `stream`: a file-like object with `write`, or `None` to drop the output.
    pub fn new(stream: Option<PyObjectRef>) -> Self {
        Forwarder {
            stream,
            partial: Vec::new(),
            threads: ThreadTracebacks::default(),
        }
    }

    /// Forward to the interpreter's current `sys.stdout`.
    pub fn stdout(vm: &VirtualMachine) -> PyResult<Self> {
        Ok(Self::new(Some(vm.sys_module.get_attr("stdout", vm)?)))
    }

    pub fn write(&mut self, bytes: &[u8], vm: &VirtualMachine) -> PyResult<()> {
        if self.stream.is_none() {
            return Ok(());
        }
        self.threads
            .feed(bytes, &mut self.partial, &map_thread_frame);
        let keep = incomplete_tail(&self.partial);
        let text = String::from_utf8_lossy(&self.partial[..self.partial.len() - keep]).into_owned();
        self.partial.drain(..self.partial.len() - keep);
        self.emit(text, vm)
    }

    /// End of the call: whatever is left is written as is (lossily).
    pub fn finish(&mut self, vm: &VirtualMachine) -> PyResult<()> {
        self.threads.flush(&mut self.partial);
        if self.partial.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.partial).into_owned();
        self.partial.clear();
        self.emit(text, vm)
    }

    fn emit(&self, text: String, vm: &VirtualMachine) -> PyResult<()> {
        let Some(stream) = &self.stream else {
            return Ok(());
        };
        if text.is_empty() {
            return Ok(());
        }
        vm.call_method(stream, "write", (text,))?;
        if let Ok(flush) = stream.get_attr("flush", vm) {
            flush.call((), vm)?;
        }
        Ok(())
    }
}

/// Where the functions defined on boards came from, for all the process's boards: output does
/// not say which device's function a thread ran, so a name defined from two places is not
/// mapped at all (rather than mapped wrong).
#[derive(Default)]
struct Defined {
    map: CodeMap,
    ambiguous: HashSet<String>,
}

fn defined() -> std::sync::MutexGuard<'static, Defined> {
    static DEFINED: OnceLock<Mutex<Defined>> = OnceLock::new();
    DEFINED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Function `name` was defined on a board from `origin` (a task or a thread function).
pub fn note_function(name: &str, origin: &Origin) {
    let mut d = defined();
    if d.ambiguous.contains(name) {
        return;
    }
    match d.map.functions.get(name) {
        Some(known) if known != origin => {
            d.map.functions.remove(name);
            d.ambiguous.insert(name.to_string());
        }
        Some(_) => {}
        None => {
            d.map.functions.insert(name.to_string(), origin.clone());
        }
    }
}

/// One frame line of a board thread's traceback, pointed at the host line it came from.
pub fn map_thread_frame(line: &str) -> String {
    let cache = SourceCache::global();
    remap(line, &defined().map, None, &|file, n| {
        cache.line(Path::new(file), n)
    })
}

/// Length of a trailing, not yet complete UTF-8 sequence (0–3 bytes).
fn incomplete_tail(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=3.min(n) {
        let b = bytes[n - back];
        if b & 0xC0 == 0x80 {
            continue; // continuation byte: look further back for the lead byte
        }
        let need = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return 0,
        };
        return if need > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::incomplete_tail;

    #[test]
    fn finds_split_sequences() {
        let e = "é".as_bytes(); // 2 bytes
        let smile = "😀".as_bytes(); // 4 bytes
        assert_eq!(incomplete_tail(b"abc"), 0);
        assert_eq!(incomplete_tail(&e[..1]), 1);
        assert_eq!(incomplete_tail(e), 0);
        assert_eq!(incomplete_tail(&smile[..3]), 3);
        assert_eq!(incomplete_tail(&[b'a', 0xff]), 0);
    }
}
