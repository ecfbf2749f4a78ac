//! Rewriting a board's traceback so that frames of code the host sent point at the host file,
//! line and source line (`docs/protocol.md` §3.3), for tasks and for setup/teardown bodies alike.

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

/// Rewrite `text`. `module` maps `<module>` frames of the command that failed (a setup or
/// teardown body); `prologue_lines` is the number of lines the host put before that body.
/// `source_line(file, line)` returns the host source line for the inserted context line.
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
        let target = if func == "<module>" {
            module.and_then(|(origin, prologue)| {
                (stdin_line > prologue).then(|| (origin, stdin_line - prologue - 1))
            })
        } else {
            map.functions.get(func).map(|o| (o, stdin_line - 1))
        };
        match target {
            Some((origin, delta)) => {
                let host_line = origin.first_line + delta;
                out.push_str(&format!(
                    "  File \"{}\", line {host_line}, in {func}{ending}",
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

/// `  File "<stdin>", line 3, in foo` → (3, "foo").
fn parse_stdin_frame(line: &str) -> Option<(usize, &str)> {
    let rest = line.trim_start().strip_prefix("File \"<stdin>\", line ")?;
    let (num, rest) = rest.split_once(',')?;
    let func = rest.trim_start().strip_prefix("in ")?;
    let n: usize = num.trim().parse().ok()?;
    (n >= 1).then_some((n, func.trim_end()))
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
    fn unknown_frames_are_left_alone() {
        let text = "  File \"<stdin>\", line 2, in helper\n  File \"lib.py\", line 2, in x\n";
        assert_eq!(remap(text, &CodeMap::default(), None, &src), text);
    }
}
