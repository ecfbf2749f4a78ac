//! Board output to a host text stream (`sys.stdout` by default), as it arrives.

use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

/// Decodes board bytes as UTF-8 across chunk boundaries (invalid bytes become U+FFFD) and writes
/// the text to a Python stream, flushing so the user sees it while the call still runs.
pub struct Forwarder {
    stream: Option<PyObjectRef>,
    /// An incomplete UTF-8 sequence at the end of the last chunk.
    partial: Vec<u8>,
}

impl Forwarder {
    /// `stream`: a file-like object with `write`, or `None` to drop the output.
    pub fn new(stream: Option<PyObjectRef>) -> Self {
        Forwarder {
            stream,
            partial: Vec::new(),
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
        self.partial.extend_from_slice(bytes);
        let keep = incomplete_tail(&self.partial);
        let text = String::from_utf8_lossy(&self.partial[..self.partial.len() - keep]).into_owned();
        self.partial.drain(..self.partial.len() - keep);
        self.emit(text, vm)
    }

    /// End of the call: whatever is left is written as is (lossily).
    pub fn finish(&mut self, vm: &VirtualMachine) -> PyResult<()> {
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
