//! A call's stdout split, as it streams, into the user's output and the result
//! (`docs/protocol.md` §3.2). Frames (§6) never reach it: the link takes them out first
//! ([`super::filter`]).
//!
//! The board prints the result of a call as `MARKER + text` at the very end of the call's stdout,
//! without a newline. The result is the text after the last marker: the result's own text never
//! holds the marker's control character, so nothing the user's code prints can forge a result.
//! Everything before is the user's output and is streamed on as it arrives, byte for byte (text
//! printed with `end=""` is neither lost nor glued to the result); only a tail that could be the
//! start of the marker, or the text after a marker, is held back until the next bytes decide it.

/// Streaming splitter of stdout into user output and the result text. The result follows the
/// *last* marker of the output: text that the user's code printed before it, marker included,
/// is output. (A result's own text never holds the marker's control character.)
#[derive(Debug)]
pub struct ReplySplitter {
    marker: Vec<u8>,
    /// Bytes not handed on yet: from the last marker seen (when `candidate`), or a tail that
    /// could be the beginning of the marker.
    held: Vec<u8>,
    /// `held` starts with a whole marker: it is the result unless another marker follows.
    candidate: bool,
}

impl ReplySplitter {
    pub fn new(marker: &[u8]) -> Self {
        assert!(!marker.is_empty());
        ReplySplitter {
            marker: marker.to_vec(),
            held: Vec::new(),
            candidate: false,
        }
    }

    /// Feed the next stdout bytes; `out` receives the user's output that is now certain.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(&[u8])) {
        let m = self.marker.len();
        // Where a marker not yet seen may start: the new bytes, and the tail before them that
        // could be its beginning (never the candidate's own marker).
        let from = self
            .held
            .len()
            .saturating_sub(m - 1)
            .max(if self.candidate { m } else { 0 });
        self.held.extend_from_slice(chunk);
        let last = memchr::memmem::find_iter(&self.held[from..], &self.marker)
            .last()
            .map(|i| from + i);
        if let Some(at) = last {
            if at > 0 {
                out(&self.held[..at]);
            }
            self.held.drain(..at);
            self.candidate = true;
            return;
        }
        if self.candidate {
            return; // the result grows
        }
        let keep = longest_prefix_suffix(&self.held, &self.marker);
        let emit = self.held.len() - keep;
        if emit > 0 {
            out(&self.held[..emit]);
            self.held.drain(..emit);
        }
    }

    /// End of stdout: flush held output and return the result text, if a result was printed.
    pub fn finish(mut self, out: &mut dyn FnMut(&[u8])) -> Option<Vec<u8>> {
        if self.candidate {
            return Some(self.held.split_off(self.marker.len()));
        }
        if !self.held.is_empty() {
            out(&self.held);
        }
        None
    }
}

/// Length of the longest proper prefix of `marker` that `data` ends with.
pub(super) fn longest_prefix_suffix(data: &[u8], marker: &[u8]) -> usize {
    let max = (marker.len() - 1).min(data.len());
    (1..=max)
        .rev()
        .find(|&k| data[data.len() - k..] == marker[..k])
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
