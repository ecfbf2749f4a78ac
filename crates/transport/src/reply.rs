//! Separating a call's own output from its result.
//!
//! The board prints the result of a call as `MARKER + text` at the very end of the call's stdout,
//! without a newline. `MARKER` contains a per-connection secret, so nothing the user's code prints
//! can forge a result. Everything before the marker is the user's output and is streamed on as it
//! arrives, byte for byte (text printed with `end=""` is neither lost nor glued to the result); only
//! a tail that could be the start of the marker is held back until the next bytes decide it.

/// Streaming splitter of stdout into user output and the result text.
#[derive(Debug)]
pub struct ReplySplitter {
    marker: Vec<u8>,
    /// Bytes held back because they could be the beginning of the marker.
    held: Vec<u8>,
    /// Set once the marker was seen: the result text received so far.
    reply: Option<Vec<u8>>,
}

impl ReplySplitter {
    pub fn new(marker: &[u8]) -> Self {
        assert!(!marker.is_empty());
        ReplySplitter {
            marker: marker.to_vec(),
            held: Vec::new(),
            reply: None,
        }
    }

    /// Feed the next stdout bytes; `out` receives the user's output that is now certain.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(&[u8])) {
        if let Some(reply) = &mut self.reply {
            reply.extend_from_slice(chunk);
            return;
        }
        let mut data = std::mem::take(&mut self.held);
        data.extend_from_slice(chunk);
        if let Some(i) = crate::link::find(&data, &self.marker) {
            if i > 0 {
                out(&data[..i]);
            }
            self.reply = Some(data[i + self.marker.len()..].to_vec());
            return;
        }
        let keep = longest_prefix_suffix(&data, &self.marker);
        let emit = data.len() - keep;
        if emit > 0 {
            out(&data[..emit]);
        }
        self.held = data[emit..].to_vec();
    }

    /// End of stdout: flush held bytes and return the result text, if a result was printed.
    pub fn finish(mut self, out: &mut dyn FnMut(&[u8])) -> Option<Vec<u8>> {
        if !self.held.is_empty() {
            out(&self.held);
            self.held.clear();
        }
        self.reply.take()
    }
}

/// Length of the longest proper prefix of `marker` that `data` ends with.
fn longest_prefix_suffix(data: &[u8], marker: &[u8]) -> usize {
    let max = (marker.len() - 1).min(data.len());
    (1..=max)
        .rev()
        .find(|&k| data[data.len() - k..] == marker[..k])
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(marker: &[u8], chunks: &[&[u8]]) -> (Vec<u8>, Option<Vec<u8>>, Vec<Vec<u8>>) {
        let mut s = ReplySplitter::new(marker);
        let mut out = Vec::new();
        let mut pieces = Vec::new();
        for c in chunks {
            s.push(c, &mut |b| {
                out.extend_from_slice(b);
                pieces.push(b.to_vec());
            });
        }
        let reply = s.finish(&mut |b| out.extend_from_slice(b));
        (out, reply, pieces)
    }

    #[test]
    fn output_then_result() {
        let (out, reply, _) = run(b"@K1@", &[b"hello\n", b"no newline", b"@K1@(1, 2)"]);
        assert_eq!(out, b"hello\nno newline");
        assert_eq!(reply.unwrap(), b"(1, 2)");
    }

    #[test]
    fn marker_split_across_chunks_is_not_leaked() {
        let (out, reply, _) = run(b"@K1@", &[b"abc@", b"K", b"1@42"]);
        assert_eq!(out, b"abc");
        assert_eq!(reply.unwrap(), b"42");
    }

    #[test]
    fn lookalike_prefix_is_released() {
        let (out, reply, pieces) = run(b"@K1@", &[b"x@K", b"2 rest"]);
        assert_eq!(out, b"x@K2 rest");
        assert!(reply.is_none());
        assert_eq!(pieces[0], b"x");
    }

    #[test]
    fn trailing_partial_marker_without_result_is_output() {
        let (out, reply, _) = run(b"@K1@", &[b"end@K1"]);
        assert_eq!(out, b"end@K1");
        assert!(reply.is_none());
    }

    #[test]
    fn streams_output_immediately() {
        let mut s = ReplySplitter::new(b"@K1@");
        let mut seen = Vec::new();
        s.push(b"tick\n", &mut |b| seen.extend_from_slice(b));
        assert_eq!(seen, b"tick\n");
    }

    #[test]
    fn result_may_contain_marker_text() {
        let (out, reply, _) = run(b"@K1@", &[b"@K1@'@K1@'"]);
        assert!(out.is_empty());
        assert_eq!(reply.unwrap(), b"'@K1@'");
    }
}
