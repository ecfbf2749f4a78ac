//! What a piece of host-given code is: an expression (its value is returned), the names an
//! import statement binds (proxied with `proxy=True`), an identifier (`device.proxy("name")`).

use ruff_python_ast::Stmt;

/// Whether `code` is a single Python expression (so its value is returned).
pub fn is_expression(code: &str) -> bool {
    !code.trim().is_empty() && ruff_python_parser::parse_expression(code.trim()).is_ok()
}

/// The names an import statement binds (`import a.b` → `a`, `from m import x as y` → `y`).
pub fn import_names(code: &str) -> Vec<String> {
    let Ok(parsed) = ruff_python_parser::parse_module(code) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for stmt in &parsed.syntax().body {
        match stmt {
            Stmt::Import(i) => names.extend(i.names.iter().map(|a| match &a.asname {
                Some(n) => n.id.to_string(),
                None => a.name.id.split('.').next().unwrap_or_default().to_string(),
            })),
            Stmt::ImportFrom(i) => names.extend(
                i.names
                    .iter()
                    .filter(|a| a.name.id.as_str() != "*")
                    .map(|a| a.asname.as_ref().unwrap_or(&a.name).id.to_string()),
            ),
            _ => {}
        }
    }
    names
}

/// A Python identifier (`str.isidentifier()`), not a keyword.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_and_statements() {
        assert!(is_expression("1 + 2"));
        assert!(is_expression("a, b"));
        assert!(!is_expression("x = 1"));
        assert!(!is_expression("import os"));
        assert!(!is_expression("   "));
    }

    #[test]
    fn names_bound_by_imports() {
        assert_eq!(import_names("import a.b, c as d"), ["a", "d"]);
        assert_eq!(import_names("from m import x as y, z"), ["y", "z"]);
        assert!(import_names("from m import *").is_empty());
        assert!(import_names("x = 1").is_empty());
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("led"));
        assert!(is_identifier("_x1"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("a.b"));
        assert!(!is_identifier("lambda"));
    }
}
