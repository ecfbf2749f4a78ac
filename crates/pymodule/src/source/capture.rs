//! Capturing a decorated function's source from its file: the file is parsed with the Python
//! parser RustPython ships (ruff's), the function is found by name and first line, decorators are
//! dropped and the text is dedented without touching the inside of multi-line strings.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use ruff_python_ast::statement_visitor::{StatementVisitor, walk_stmt};
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{Stmt, StmtFunctionDef};
use ruff_text_size::Ranged;

/// The parts of a function that are sent to a board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSource {
    /// `def …` through the end of the body, without decorators, dedented to column 0.
    pub code: String,
    /// Host line (1-based) of the first line of `code`.
    pub def_line: usize,
    /// The body alone, dedented (for setup/teardown, which run at the board's global scope).
    pub body: String,
    /// Host line of the first line of `body`.
    pub body_line: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} does not parse: {reason}")]
    Syntax { path: String, reason: String },
    #[error("no function `{name}` starts at line {line} of {path}")]
    NotFound {
        path: String,
        name: String,
        line: usize,
    },
}

/// One parsed source file.
struct SourceFile {
    text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Byte ranges of multi-line string tokens (their inner lines are not re-indented).
    strings: Vec<Range<usize>>,
    functions: Vec<FunctionSpan>,
}

#[derive(Debug, Clone)]
struct FunctionSpan {
    name: String,
    /// Line of the first decorator, or of `def` when undecorated.
    first_line: usize,
    /// Byte offset of the `def` (or `async`) keyword.
    def_start: usize,
    end: usize,
    /// Byte offset of the first body statement.
    body_start: usize,
}

impl SourceFile {
    fn parse(path: &str, text: String) -> Result<SourceFile, SourceError> {
        let parsed = ruff_python_parser::parse_module(&text).map_err(|e| SourceError::Syntax {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let tokens = parsed.tokens();
        let mut strings = Vec::new();
        let mut fstring_depth = 0usize;
        let mut fstring_start = 0usize;
        for tok in tokens.iter() {
            match tok.kind() {
                TokenKind::String => {
                    strings.push(tok.range().start().to_usize()..tok.range().end().to_usize())
                }
                TokenKind::FStringStart | TokenKind::TStringStart => {
                    if fstring_depth == 0 {
                        fstring_start = tok.range().start().to_usize();
                    }
                    fstring_depth += 1;
                }
                TokenKind::FStringEnd | TokenKind::TStringEnd => {
                    fstring_depth = fstring_depth.saturating_sub(1);
                    if fstring_depth == 0 {
                        strings.push(fstring_start..tok.range().end().to_usize());
                    }
                }
                _ => {}
            }
        }
        let mut finder = Finder { defs: Vec::new() };
        finder.visit_body(&parsed.syntax().body);
        let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
        let functions = finder
            .defs
            .into_iter()
            .map(|f| {
                let start = f.range.start().to_usize();
                let def_start = match f.decorator_list.last() {
                    // The `def`/`async` keyword is the first such token after the decorators.
                    Some(d) => tokens
                        .iter()
                        .find(|t| {
                            t.range().start() >= d.range().end()
                                && matches!(t.kind(), TokenKind::Def | TokenKind::Async)
                        })
                        .map_or(start, |t| t.range().start().to_usize()),
                    None => start,
                };
                FunctionSpan {
                    name: f.name.id.to_string(),
                    first_line: line_of(start),
                    def_start,
                    end: f.range.end().to_usize(),
                    body_start: f
                        .body
                        .first()
                        .map_or(f.range.end().to_usize(), |s| s.range().start().to_usize()),
                }
            })
            .collect();
        Ok(SourceFile {
            text,
            line_starts,
            strings,
            functions,
        })
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts[line - 1]
    }

    fn in_string(&self, offset: usize) -> bool {
        self.strings
            .iter()
            .any(|r| r.start < offset && offset < r.end)
    }

    fn function(
        &self,
        path: &str,
        name: &str,
        first_line: usize,
    ) -> Result<FunctionSource, SourceError> {
        let f = self
            .functions
            .iter()
            .find(|f| {
                f.name == name
                    && (f.first_line == first_line || self.line_of(f.def_start) == first_line)
            })
            .ok_or_else(|| SourceError::NotFound {
                path: path.to_string(),
                name: name.to_string(),
                line: first_line,
            })?;
        let def_line = self.line_of(f.def_start);
        let code = self.dedented(self.line_start(def_line), f.end);
        let body_line = self.line_of(f.body_start);
        let body = if body_line == def_line {
            // `def f(): x = 1`: the body starts mid-line.
            self.dedented(f.body_start, f.end)
        } else {
            self.dedented(self.line_start(body_line), f.end)
        };
        Ok(FunctionSource {
            code,
            def_line,
            body,
            body_line,
        })
    }

    /// Text from `start` to `end`, with the first line's indentation removed from every line
    /// that does not begin inside a string literal.
    fn dedented(&self, start: usize, end: usize) -> String {
        let text = &self.text[start..end];
        let indent: &str = &text[..text.len() - text.trim_start_matches([' ', '\t']).len()];
        let mut out = String::with_capacity(text.len() + 1);
        let mut offset = start;
        for line in text.split_inclusive('\n') {
            let line_offset = offset;
            offset += line.len();
            if line_offset != start && self.in_string(line_offset) {
                out.push_str(line);
            } else if let Some(rest) = line.strip_prefix(indent) {
                out.push_str(rest);
            } else if line.trim().is_empty() {
                out.push_str(if line.ends_with('\n') { "\n" } else { "" });
            } else {
                // Less indented than the first line: a continuation line or a comment.
                out.push_str(line.trim_start_matches([' ', '\t']));
            }
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }
}

struct Finder<'a> {
    defs: Vec<&'a StmtFunctionDef>,
}

impl<'a> StatementVisitor<'a> for Finder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::FunctionDef(f) = stmt {
            self.defs.push(f);
        }
        walk_stmt(self, stmt);
    }
}

/// A parsed file and the modification time it was read at.
type Cached = (Option<SystemTime>, Arc<SourceFile>);

/// Parsed files, reused while the file on disk is unchanged.
#[derive(Default)]
pub struct SourceCache {
    files: Mutex<HashMap<PathBuf, Cached>>,
}

impl SourceCache {
    pub fn global() -> &'static SourceCache {
        static CACHE: OnceLock<SourceCache> = OnceLock::new();
        CACHE.get_or_init(SourceCache::default)
    }

    /// Whether `path` is a host file that functions were taken from (a board's traceback may name
    /// any path: only these are ever opened to show a line).
    pub fn holds(&self, path: &Path) -> bool {
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(path)
    }

    fn file(&self, path: &Path) -> Result<Arc<SourceFile>, SourceError> {
        let shown = path.display().to_string();
        let unreadable = |e: std::io::Error| SourceError::Unreadable {
            path: shown.clone(),
            reason: e.to_string(),
        };
        let mtime = std::fs::metadata(path).map_err(unreadable)?.modified().ok();
        let cached = self
            .files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(path)
            .filter(|(m, _)| *m == mtime)
            .map(|(_, f)| f.clone());
        if let Some(f) = cached {
            return Ok(f);
        }
        let text = std::fs::read_to_string(path).map_err(unreadable)?;
        let file = Arc::new(SourceFile::parse(&shown, text)?);
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_path_buf(), (mtime, file.clone()));
        Ok(file)
    }

    /// The function `name` whose code object starts at `first_line` (`co_firstlineno`) of `path`.
    pub fn function(
        &self,
        path: &Path,
        name: &str,
        first_line: usize,
    ) -> Result<FunctionSource, SourceError> {
        self.file(path)?
            .function(&path.display().to_string(), name, first_line)
    }

    /// Line `line` (1-based) of `path`, without its line ending.
    pub fn line(&self, path: &Path, line: usize) -> Option<String> {
        let f = self.file(path).ok()?;
        let start = *f.line_starts.get(line.checked_sub(1)?)?;
        let end = f.line_starts.get(line).copied().unwrap_or(f.text.len());
        Some(
            f.text[start..end]
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        )
    }
}

/// Dedent a command string the way `textwrap.dedent` would (common leading whitespace of the
/// non-blank lines is removed; blank lines become empty).
pub fn dedent(text: &str) -> String {
    let indent_of = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let common = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| &l[..indent_of(l)])
        .reduce(|a, b| {
            let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            &a[..n]
        })
        .unwrap_or("");
    if common.is_empty() {
        return text.to_string();
    }
    text.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                if l.ends_with('\n') { "\n" } else { "" }
            } else {
                l.strip_prefix(common).unwrap_or(l)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"import belay

@device.task
def plain(a, b=2):
    return a + b

@device.task(
    minify=False,
)
def multi_deco(x):
    return x

class Host:
    @device.task
    def method_like(x):
        s = """first
second line at column 0
    indented inside the string
"""
        return s

def outer():
    @device.task
    async def nested(
        a,
        b,
    ):
        if a:
            return b  # comment
        return (
    a)
    return nested

@device.setup
def one_liner(): led = 1

@device.setup
def setup(pin=25):
    from machine import Pin
    led = Pin(pin, Pin.OUT)
"#;

    fn func(name: &str, first_line: usize) -> FunctionSource {
        let f = SourceFile::parse("t.py", FILE.to_string()).unwrap();
        f.function("t.py", name, first_line).unwrap()
    }

    #[test]
    fn plain_function_without_decorator() {
        let f = func("plain", 3);
        assert_eq!(f.code, "def plain(a, b=2):\n    return a + b\n");
        assert_eq!(f.def_line, 4);
        assert_eq!(f.body, "return a + b\n");
        assert_eq!(f.body_line, 5);
    }

    #[test]
    fn multi_line_decorator_is_dropped() {
        let f = func("multi_deco", 7);
        assert_eq!(f.code, "def multi_deco(x):\n    return x\n");
        assert_eq!(f.def_line, 10);
    }

    #[test]
    fn method_is_dedented_but_string_content_is_kept() {
        let f = func("method_like", 14);
        assert_eq!(
            f.code,
            "def method_like(x):\n    s = \"\"\"first\nsecond line at column 0\n    indented inside the string\n\"\"\"\n    return s\n"
        );
        assert_eq!(f.def_line, 15);
    }

    #[test]
    fn nested_async_function_with_multi_line_signature() {
        let f = func("nested", 23);
        assert_eq!(
            f.code,
            "async def nested(\n    a,\n    b,\n):\n    if a:\n        return b  # comment\n    return (\na)\n"
        );
        assert_eq!(f.body_line, 28);
        assert!(f.body.starts_with("if a:\n    return b"));
    }

    #[test]
    fn one_line_function_body() {
        let f = func("one_liner", 34);
        assert_eq!(f.body, "led = 1\n");
        assert_eq!(f.body_line, 35);
    }

    #[test]
    fn setup_body() {
        let f = func("setup", 37);
        assert_eq!(f.body, "from machine import Pin\nled = Pin(pin, Pin.OUT)\n");
        assert_eq!(f.body_line, 39);
    }

    #[test]
    fn wrong_line_is_not_found() {
        let f = SourceFile::parse("t.py", FILE.to_string()).unwrap();
        assert!(matches!(
            f.function("t.py", "plain", 20),
            Err(SourceError::NotFound { .. })
        ));
    }

    #[test]
    fn dedent_like_textwrap() {
        assert_eq!(
            dedent("  x = 1\n  if x:\n    y = 2\n\n"),
            "x = 1\nif x:\n  y = 2\n\n"
        );
        assert_eq!(dedent("1+2"), "1+2");
        assert_eq!(dedent("\tA\n\tB"), "A\nB");
    }
}
