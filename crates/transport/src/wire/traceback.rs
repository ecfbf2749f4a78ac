//! Rewriting a board's traceback so that frames of code the host sent point at the host file,
//! line and source line (`docs/protocol.md` §3.5), for tasks and for setup/teardown bodies alike,
//! for a definition the board could not compile (`SyntaxError`), and for the tracebacks board
//! threads print as output ([`ThreadTracebacks`]).

use std::collections::HashMap;

/// Where a piece of code sent to the board came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    /// Host line of the code's first line (stdin line 1 on the board).
    pub first_line: usize,
}

/// What the rewriter knows about the code on the board.
#[derive(Debug, Default, Clone)]
pub struct CodeMap {
    /// Functions defined on the board by the host, by name (the latest definition wins).
    pub functions: HashMap<String, Origin>,
}

/// Rewrite `text`. `module` maps the frames of the command that failed itself: `<module>` frames
/// of a setup or teardown body, and the frame without a function that a `SyntaxError` names (a
/// task's definition, or a body, the board could not compile); `prologue_lines` is the number of
/// lines the host put before that code. `source_line(file, line)` returns the host source line
/// for the inserted context line.
pub fn remap(
    text: &str,
    map: &CodeMap,
    module: Option<(&Origin, usize)>,
    source_line: &dyn Fn(&str, usize) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len() + 128);
    for line in text.split_inclusive('\n') {
        let (body, ending) = split_ending(line);
        let Some((stdin_line, func)) = parse_stdin_frame(body) else {
            out.push_str(line);
            continue;
        };
        let target = match func {
            None | Some("<module>") => module.and_then(|(origin, prologue)| {
                (stdin_line > prologue).then(|| (origin, stdin_line - prologue - 1))
            }),
            Some(name) => map.functions.get(name).map(|o| (o, stdin_line - 1)),
        };
        match target {
            Some((origin, delta)) => {
                let host_line = origin.first_line + delta;
                let within = func.map(|f| format!(", in {f}")).unwrap_or_default();
                out.push_str(&format!(
                    "  File \"{}\", line {host_line}{within}{ending}",
                    origin.file
                ));
                if let Some(src) = source_line(&origin.file, host_line) {
                    out.push_str(&format!("    {}{ending}", src.trim()));
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

fn split_ending(line: &str) -> (&str, &str) {
    if let Some(b) = line.strip_suffix("\r\n") {
        (b, "\r\n")
    } else if let Some(b) = line.strip_suffix('\n') {
        (b, "\n")
    } else {
        (line, "")
    }
}

/// `  File "<stdin>", line 3, in foo` → (3, Some("foo")); `  File "<stdin>", line 3` (how
/// MicroPython names the line of a `SyntaxError`) → (3, None).
fn parse_stdin_frame(line: &str) -> Option<(usize, Option<&str>)> {
    let rest = line.trim_start().strip_prefix("File \"<stdin>\", line ")?;
    let (num, func) = match rest.split_once(',') {
        Some((num, rest)) => (num, Some(rest.trim_start().strip_prefix("in ")?.trim_end())),
        None => (rest, None),
    };
    let n: usize = num.trim().parse().ok()?;
    (n >= 1).then_some((n, func))
}

/// What MicroPython prints before the traceback of a thread's unhandled exception
/// (`py/modthread.c`), then the thread's function and a newline.
const THREAD_FAILED: &[u8] = b"Unhandled exception in thread started by ";
/// The start of a frame of code the host sent.
const STDIN_FRAME: &[u8] = b"  File \"<stdin>\"";
/// Longest frame line held back: a real one names `<stdin>`, a line number and a function.
const MAX_FRAME_LINE: usize = 512;

/// Finds the tracebacks that board threads print as output (`Unhandled exception in thread
/// started by <function f at 0x...>`, then the traceback) and has their `<stdin>` frames
/// rewritten, passing everything else on byte for byte. Only a line that may still become such
/// a frame is held back, until its end; what precedes it goes on at once.
#[derive(Debug, Default)]
pub struct ThreadTracebacks {
    /// Inside a thread's traceback: after its first line, until the exception's line.
    inside: bool,
    /// The current line's first bytes (at most [`THREAD_FAILED`]'s length), handed on or not;
    /// empty at the start of a line.
    head: Vec<u8>,
    /// The current line, held back: it may be a frame to rewrite.
    held: Vec<u8>,
}

impl ThreadTracebacks {
    /// Take the next `bytes` of output and append to `out` what may go on now. `map` gets each
    /// whole frame line of a thread's traceback (its line ending included) and returns its
    /// replacement (`remap` with the functions' origins).
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>, map: &dyn Fn(&str) -> String) {
        for piece in bytes.split_inclusive(|&b| b == b'\n') {
            let complete = piece.ends_with(b"\n");
            let at_start = self.head.is_empty();
            let room = THREAD_FAILED.len().saturating_sub(self.head.len());
            self.head.extend_from_slice(&piece[..room.min(piece.len())]);
            if self.inside && (at_start || !self.held.is_empty()) {
                self.held.extend_from_slice(piece);
                if !may_be_frame(&self.held) || self.held.len() > MAX_FRAME_LINE {
                    out.append(&mut self.held);
                } else if complete {
                    let line = std::mem::take(&mut self.held);
                    match std::str::from_utf8(&line) {
                        Ok(text) => out.extend_from_slice(map(text).as_bytes()),
                        Err(_) => out.extend_from_slice(&line),
                    }
                }
            } else {
                out.extend_from_slice(piece);
            }
            if complete {
                let head = std::mem::take(&mut self.head);
                self.inside = head.starts_with(THREAD_FAILED)
                    || (self.inside
                        && (head.starts_with(b"Traceback (") || head.starts_with(b"  ")));
            }
        }
    }

    /// Hand on a line held back (the output ends here).
    pub fn flush(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.held);
    }
}

fn may_be_frame(line: &[u8]) -> bool {
    STDIN_FRAME.starts_with(line) || line.starts_with(STDIN_FRAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(_f: &str, line: usize) -> Option<String> {
        Some(format!("    source of line {line}  "))
    }

    #[test]
    fn belay_unit_test_case() {
        // belay tests/test_device.py: src_lineno=2, name="foo".
        let text = "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n  File \"<stdin>\", line 4, in belay_interface\r\n  File \"<stdin>\", line 3, in foo\r\nException: This is raised on-device.\r\n";
        let mut map = CodeMap::default();
        map.functions.insert(
            "foo".into(),
            Origin {
                file: "host.py".into(),
                first_line: 2,
            },
        );
        let out = remap(text, &map, None, &|_, _| {
            Some("raise Exception(\"This is raised on-device.\")".into())
        });
        assert_eq!(
            out,
            "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n  File \"<stdin>\", line 4, in belay_interface\r\n  File \"host.py\", line 4, in foo\r\n    raise Exception(\"This is raised on-device.\")\r\nException: This is raised on-device.\r\n"
        );
    }

    #[test]
    fn setup_body_frames_map_past_the_argument_lines() {
        let text = "Traceback (most recent call last):\n  File \"<stdin>\", line 3, in <module>\nNameError: name 'x' isn't defined\n";
        let origin = Origin {
            file: "main.py".into(),
            first_line: 10,
        };
        let out = remap(text, &CodeMap::default(), Some((&origin, 2)), &src);
        assert_eq!(
            out,
            "Traceback (most recent call last):\n  File \"main.py\", line 10, in <module>\n    source of line 10\nNameError: name 'x' isn't defined\n"
        );
    }

    #[test]
    fn a_syntax_error_maps_to_the_line_of_the_definition_it_names() {
        let text = "Traceback (most recent call last):\r\n  File \"<stdin>\", line 3\r\nSyntaxError: invalid syntax\r\n";
        let origin = Origin {
            file: "main.py".into(),
            first_line: 20,
        };
        let out = remap(text, &CodeMap::default(), Some((&origin, 0)), &src);
        assert_eq!(
            out,
            "Traceback (most recent call last):\r\n  File \"main.py\", line 22\r\n    source of line 22\r\nSyntaxError: invalid syntax\r\n"
        );
        // Without the command's origin (a call), nothing names the line: left alone.
        assert_eq!(remap(text, &CodeMap::default(), None, &src), text);
    }

    #[test]
    fn unknown_frames_are_left_alone() {
        let text = "  File \"<stdin>\", line 2, in helper\n  File \"lib.py\", line 2, in x\n  File \"<stdin>\", line 2 in y\n";
        assert_eq!(remap(text, &CodeMap::default(), None, &src), text);
    }

    fn thread_map() -> CodeMap {
        let mut map = CodeMap::default();
        map.functions.insert(
            "worker".into(),
            Origin {
                file: "host.py".into(),
                first_line: 7,
            },
        );
        map
    }

    fn filtered(chunks: &[&[u8]]) -> Vec<u8> {
        let map = thread_map();
        let mut filter = ThreadTracebacks::default();
        let mut out = Vec::new();
        for chunk in chunks {
            filter.feed(chunk, &mut out, &|line| remap(line, &map, None, &src));
        }
        filter.flush(&mut out);
        out
    }

    const THREAD_OUTPUT: &[u8] = b"tick\r\nUnhandled exception in thread started by <function worker at 0x7f12>\r\nTraceback (most recent call last):\r\n  File \"<stdin>\", line 3, in worker\r\n  File \"<stdin>\", line 2, in other\r\nZeroDivisionError: divide by zero\r\n  File \"<stdin>\", line 3, in worker\r\ntock \xff";

    #[test]
    fn thread_tracebacks_map_whatever_the_chunks() {
        let expected = b"tick\r\nUnhandled exception in thread started by <function worker at 0x7f12>\r\nTraceback (most recent call last):\r\n  File \"host.py\", line 9, in worker\r\n    source of line 9\r\n  File \"<stdin>\", line 2, in other\r\nZeroDivisionError: divide by zero\r\n  File \"<stdin>\", line 3, in worker\r\ntock \xff";
        assert_eq!(filtered(&[THREAD_OUTPUT]), expected);
        let bytes: Vec<&[u8]> = THREAD_OUTPUT.chunks(1).collect();
        assert_eq!(filtered(&bytes), expected);
        for at in 0..THREAD_OUTPUT.len() {
            let (a, b) = THREAD_OUTPUT.split_at(at);
            assert_eq!(filtered(&[a, b]), expected, "split at {at}");
        }
    }

    #[test]
    fn only_a_possible_frame_is_held_back() {
        let map = thread_map();
        let mut filter = ThreadTracebacks::default();
        let mut out = Vec::new();
        let map = |line: &str| remap(line, &map, None, &src);
        filter.feed(b"Unhandled exception in thread started by <function worker at 0x1>\nTraceback (most recent call last):\n  File \"<st", &mut out, &map);
        assert!(out.ends_with(b"(most recent call last):\n"));
        filter.feed(b"din>\", line 1, in worker\nValueError", &mut out, &map);
        assert!(out.ends_with(b"    source of line 7\nValueError"));
        // Other output is not held, even in the middle of a line.
        filter.feed(b": x\nprompt> ", &mut out, &map);
        assert!(out.ends_with(b"ValueError: x\nprompt> "));
        filter.feed(b"  File \"<stdin>\", line 1, in worker\n", &mut out, &map);
        assert!(out.ends_with(b"prompt>   File \"<stdin>\", line 1, in worker\n"));
        // A "frame" that does not end is not held for ever.
        filter.feed(
            b"Unhandled exception in thread started by f\n",
            &mut out,
            &map,
        );
        let before = out.len();
        let start = b"  File \"<stdin>\", line 1";
        filter.feed(start, &mut out, &map);
        assert_eq!(out.len(), before);
        filter.feed(&[b'x'; MAX_FRAME_LINE], &mut out, &map);
        assert_eq!(out.len(), before + start.len() + MAX_FRAME_LINE);
        filter.feed(b"y", &mut out, &map);
        assert!(out.ends_with(b"xy"));
    }
}
