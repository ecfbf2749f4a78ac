//! Shrinking code before it is sent to a board, keeping every statement on its original line (so
//! board tracebacks still map to the host file): comments go, indentation becomes one space per
//! level, spaces between tokens go where Python does not need them, and true docstrings (the first
//! statement of a `def` or `class` body) become `0`. Nothing else changes: a string that merely
//! starts a line, `"-".join(x)` or an f-string are kept as they are (Belay's minifier broke them).

use ruff_python_ast::statement_visitor::{StatementVisitor, walk_stmt};
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// Minify `source`. Code that does not parse is returned unchanged (the board will report it).
pub fn minify(source: &str) -> String {
    minify_with(source, false)
}

/// Minify a module file (`device.sync`): its leading string is its docstring and goes too.
pub fn minify_file(source: &str) -> String {
    minify_with(source, true)
}

fn minify_with(source: &str, module_docstring: bool) -> String {
    let Ok(parsed) = ruff_python_parser::parse_module(source) else {
        return source.to_string();
    };
    let mut docs = Docstrings::default();
    if module_docstring {
        docs.note_body(&parsed.syntax().body);
    }
    for stmt in &parsed.syntax().body {
        docs.visit_stmt(stmt);
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);

    let mut out = String::with_capacity(source.len());
    let mut level = 0usize;
    let mut line = 1usize;
    let mut at_line_start = true;
    let mut prev: Option<(TokenKind, char)> = None;
    // End of a span (f-string, docstring) whose inner tokens are skipped.
    let mut skip_until = 0usize;

    for tok in parsed.tokens().iter() {
        let range = tok.range();
        let start = range.start().to_usize();
        if start < skip_until {
            continue;
        }
        let kind = tok.kind();
        match kind {
            TokenKind::Indent => {
                level += 1;
                continue;
            }
            TokenKind::Dedent => {
                level = level.saturating_sub(1);
                continue;
            }
            TokenKind::Comment => continue,
            TokenKind::EndOfFile => break,
            TokenKind::Newline | TokenKind::NonLogicalNewline => {
                out.push('\n');
                line += 1;
                at_line_start = true;
                prev = None;
                continue;
            }
            _ => {}
        }
        // Lines the source continued with a backslash stay continued.
        let source_line = line_of(start);
        while line < source_line {
            out.push_str(if at_line_start { "\n" } else { " \\\n" });
            line += 1;
        }
        // The text to emit: a whole f-string at once, `0` for a docstring, else the token.
        let (end, text) = if let Some(doc) = docs.starting_at(start) {
            let lines = source[start..doc.end().to_usize()].matches('\n').count();
            (doc.end().to_usize(), format!("0{}", "\n".repeat(lines)))
        } else if matches!(kind, TokenKind::FStringStart | TokenKind::TStringStart) {
            let end = fstring_end(parsed.tokens(), start);
            (end, source[start..end].to_string())
        } else if kind == TokenKind::Pass && at_line_start {
            (range.end().to_usize(), "0".to_string())
        } else {
            (
                range.end().to_usize(),
                source[start..range.end().to_usize()].to_string(),
            )
        };
        if at_line_start {
            out.extend(std::iter::repeat_n(' ', level));
        } else if let Some((prev_kind, prev_char)) = prev
            && needs_space(
                prev_kind,
                prev_char,
                kind,
                text.chars().next().unwrap_or(' '),
            )
        {
            out.push(' ');
        }
        out.push_str(&text);
        line += text.matches('\n').count();
        skip_until = end;
        at_line_start = false;
        prev = Some((kind, text.chars().last().unwrap_or(' ')));
    }
    out
}

/// Whether two adjacent tokens would run together without a space.
fn needs_space(prev: TokenKind, prev_char: char, next: TokenKind, next_char: char) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    // `x if`, `1 if`, `not x`, `"a" if` (the last is legal, but not every lexer agrees).
    (word(prev_char) || matches!(prev, TokenKind::String) && word(next_char)) && (word(next_char) || next_char == '"' || next_char == '\'')
        // `1 .real` must not become the float `1.`.
        || (matches!(prev, TokenKind::Int) && next == TokenKind::Dot)
}

/// The end of the f-string (or t-string) that starts at `start`, nested ones included.
fn fstring_end(tokens: &[ruff_python_ast::token::Token], start: usize) -> usize {
    let mut depth = 0usize;
    for tok in tokens
        .iter()
        .filter(|t| t.range().start().to_usize() >= start)
    {
        match tok.kind() {
            TokenKind::FStringStart | TokenKind::TStringStart => depth += 1,
            TokenKind::FStringEnd | TokenKind::TStringEnd => {
                depth -= 1;
                if depth == 0 {
                    return tok.range().end().to_usize();
                }
            }
            _ => {}
        }
    }
    start
}

/// Ranges of true docstrings: a string expression that is the first statement of a `def` or
/// `class` body. (A module's first string is not one here: `device("'hello'")` must return it.)
#[derive(Default)]
struct Docstrings(Vec<TextRange>);

impl Docstrings {
    fn starting_at(&self, offset: usize) -> Option<TextRange> {
        self.0
            .iter()
            .copied()
            .find(|r| r.start().to_usize() == offset)
    }

    fn note_body(&mut self, body: &[Stmt]) {
        if let Some(Stmt::Expr(e)) = body.first()
            && matches!(*e.value, Expr::StringLiteral(_))
        {
            self.0.push(e.range());
        }
    }
}

impl<'a> StatementVisitor<'a> for Docstrings {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => self.note_body(&f.body),
            Stmt::ClassDef(c) => self.note_body(&c.body),
            _ => {}
        }
        walk_stmt(self, stmt);
    }
}

#[cfg(test)]
mod tests {
    use super::minify;

    fn same_lines(a: &str, b: &str) {
        assert_eq!(
            a.matches('\n').count(),
            b.matches('\n').count(),
            "line count changed:\n{b}"
        );
    }

    #[test]
    fn belay_examples() {
        let src = "x = {\"a\": [1, 2,   3]}  # c\nif x:\n    pass\n";
        assert_eq!(minify(src), "x={\"a\":[1,2,3]}\nif x:\n 0\n");
        let src = "def foo(a, b):\n    c = a + b\n";
        assert_eq!(minify(src), "def foo(a,b):\n c=a+b\n");
        assert_eq!(minify("bar = 5 * 6 @ 1 - 2\n"), "bar=5*6@1-2\n");
        assert_eq!(minify("'b' in foo\n"), "'b' in foo\n");
    }

    #[test]
    fn docstrings_become_zero_and_keep_their_lines() {
        let src = "def f(a):\n    \"\"\"Doc\n    more\n    \"\"\"\n    return a  # two\n";
        let out = minify(src);
        assert_eq!(out, "def f(a):\n 0\n\n\n return a\n");
        same_lines(src, &out);
    }

    #[test]
    fn strings_that_are_not_docstrings_survive() {
        for src in [
            "'hello'\n",
            "\"-\".join(x)\n",
            "\"a\" + \"b\"\n",
            "f\"{x}\"\n",
            "def f():\n    x = 1\n    'not a docstring'\n",
            "x = f'{a!r:>{w}}' if a else \"\"\n",
        ] {
            let out = minify(src);
            assert!(
                ruff_python_parser::parse_module(&out).is_ok(),
                "{src:?} -> {out:?}"
            );
        }
        assert_eq!(
            minify("def f():\n    x = 1\n    'not a docstring'\n"),
            "def f():\n x=1\n 'not a docstring'\n"
        );
        assert_eq!(minify("'hello'\n"), "'hello'\n");
        assert_eq!(minify("\"-\".join(x)\n"), "\"-\".join(x)\n");
        assert_eq!(minify("y = f'{x} and {x!r}'\n"), "y=f'{x} and {x!r}'\n");
    }

    #[test]
    fn spaces_only_where_python_needs_them() {
        assert_eq!(minify("x = 1 if a else 2\n"), "x=1 if a else 2\n");
        assert_eq!(minify("y = not  x\n"), "y=not x\n");
        assert_eq!(minify("z = 1 .real\n"), "z=1 .real\n");
        assert_eq!(minify("return  -x\n"), "return-x\n");
        assert_eq!(minify("s = 'a'  if b else  'c'\n"), "s='a' if b else 'c'\n");
    }

    #[test]
    fn continuation_lines_keep_their_line_numbers() {
        let src = "x = (1 +\n     2)\ny = 1 + \\\n    2\nz = [\n  1,  # one\n  2,\n]\n";
        let out = minify(src);
        same_lines(src, &out);
        assert_eq!(out, "x=(1+\n2)\ny=1+ \\\n2\nz=[\n1,\n2,\n]\n");
        assert!(ruff_python_parser::parse_module(&out).is_ok(), "{out}");
    }

    #[test]
    fn nested_blocks_and_multiline_strings() {
        let src = "class A:\n    '''Doc'''\n    def m(self):\n        s = '''keep\n  this'''\n        for i in range(3):\n            if i:\n                yield s\n";
        let out = minify(src);
        same_lines(src, &out);
        assert_eq!(
            out,
            "class A:\n 0\n def m(self):\n  s='''keep\n  this'''\n  for i in range(3):\n   if i:\n    yield s\n"
        );
    }

    #[test]
    fn a_module_file_loses_its_docstring_too() {
        let file = "\"\"\"Module doc.\"\"\"\nimport os\n";
        let minified = super::minify_file(file);
        same_lines(&minified, file);
        assert_eq!(minified, "0\nimport os\n");
        assert_eq!(minify("'hello'").trim_end(), "'hello'");
    }

    #[test]
    fn invalid_code_is_left_alone() {
        assert_eq!(minify("def f(:\n"), "def f(:\n");
    }
}
