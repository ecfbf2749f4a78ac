//! An uncaught `belay.PyboardException` shown with miette: the host source line the board code
//! failed on (board tracebacks are already mapped to host files), the board's message, and the
//! host line that made the call.

use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{AsObject, PyObjectRef, VirtualMachine};

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{summary}")]
#[diagnostic(code(belay::PyboardException))]
pub struct BoardFailure {
    summary: String,
    #[source_code]
    src: Option<NamedSource<String>>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    traceback: Option<String>,
    #[related]
    call_site: Vec<CallSite>,
}

/// One host frame of the call chain that ran the board code.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("called from the host")]
pub struct CallSite {
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: &'static str,
}

/// A line of a host file, as miette wants it.
struct Located {
    src: NamedSource<String>,
    span: SourceSpan,
}

fn locate(file: &str, line: usize) -> Option<Located> {
    if file.starts_with('<') || line == 0 {
        return None;
    }
    let text = std::fs::read_to_string(Path::new(file)).ok()?;
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let body = l.trim_end();
            let indent = body.len() - body.trim_start().len();
            let span = (offset + indent, body.len() - indent).into();
            return Some(Located {
                src: NamedSource::new(file, text),
                span,
            });
        }
        offset += l.len();
    }
    None
}

/// `File "X", line N` frames of a (host-mapped) board traceback, innermost last.
fn board_frames(traceback: &str) -> Vec<(String, usize)> {
    traceback
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix("File \"")?;
            let (file, rest) = rest.split_once("\", line ")?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            Some((file.to_string(), digits.parse().ok()?))
        })
        .collect()
}

/// The frames of the host traceback that are in readable files, outermost first: the calls
/// that led to the board call, as a Python traceback lists them.
fn host_call_chain(exc: &PyBaseExceptionRef, vm: &VirtualMachine) -> Vec<Located> {
    let mut tb: Option<PyObjectRef> = exc.__traceback__().map(Into::into);
    let mut chain = Vec::new();
    while let Some(t) = tb.filter(|t| !vm.is_none(t)) {
        if let Some(frame) = traceback_frame(&t, vm) {
            chain.extend(locate(&frame.0, frame.1));
        }
        tb = t.get_attr("tb_next", vm).ok();
    }
    chain
}

/// The file and line of one traceback entry.
fn traceback_frame(tb: &PyObjectRef, vm: &VirtualMachine) -> Option<(String, usize)> {
    let line = tb
        .get_attr("tb_lineno", vm)
        .ok()?
        .try_into_value::<usize>(vm)
        .ok()?;
    let file = tb
        .get_attr("tb_frame", vm)
        .and_then(|f| f.get_attr("f_code", vm))
        .and_then(|c| c.get_attr("co_filename", vm))
        .and_then(|n| n.str(vm))
        .ok()?
        .to_string();
    Some((file, line))
}

/// The diagnostic for `exc` when it is a `belay.PyboardException`.
pub fn diagnose(exc: &PyBaseExceptionRef, vm: &VirtualMachine) -> Option<BoardFailure> {
    let class = vm
        .import("belay", 0)
        .and_then(|m| m.get_attr("PyboardException", vm))
        .ok()?;
    if !exc.as_object().is_instance(&class, vm).ok()? {
        return None;
    }
    let message = exc.as_object().str(vm).ok()?.to_string();
    let summary = message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("the board raised an exception")
        .trim()
        .to_string();
    // The message is the board's text: only frames in the host files that board functions came
    // from are shown, so a board cannot make the host read and print any other file.
    let sources = belay_pymodule::source::SourceCache::global();
    let board = board_frames(&message)
        .into_iter()
        .rev()
        .filter(|(file, _)| sources.holds(Path::new(file)))
        .find_map(|(file, line)| locate(&file, line));
    let mut chain = host_call_chain(exc, vm);
    let has_frames = message.contains("Traceback");
    let traceback = has_frames.then(|| format!("board traceback:\n{}", message.trim_end()));
    // The board line first, then the host calls that led there, outermost first; without a
    // board line the innermost call is the place shown, the others lead to it.
    let (primary, label, last_ran) = match board {
        Some(b) if summary.starts_with("SyntaxError") => {
            (Some(b), "the board could not compile this", true)
        }
        Some(b) => (Some(b), "raised on the board here", true),
        None => (chain.pop(), "this call failed on the board", false),
    };
    let calls = chain.len();
    let call_site = chain
        .into_iter()
        .enumerate()
        .map(|(i, c)| CallSite {
            src: c.src,
            span: c.span,
            label: if last_ran && i + 1 == calls {
                "this call ran on the board"
            } else {
                "called from here"
            },
        })
        .collect();
    let (src, span) = primary.map(|p| (p.src, p.span)).unzip();
    Some(BoardFailure {
        summary,
        src,
        span,
        label: label.to_string(),
        traceback,
        call_site,
    })
}

#[cfg(test)]
mod tests {
    use super::board_frames;

    #[test]
    fn frames_of_a_mapped_traceback() {
        let tb = "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n  \
                  File \"/x/main.py\", line 14, in foo\n    baz\nNameError: name 'baz' isn't defined\r\n";
        assert_eq!(
            board_frames(tb),
            [("<stdin>".to_string(), 1), ("/x/main.py".to_string(), 14)]
        );
    }
}
