//! The global names a piece of code binds when it runs at a module's top level: assignments of
//! every form, `for`/`with ... as`, imports, `def`/`class`, `del`, `except ... as`, match
//! captures, walrus targets, and, inside functions and classes, the names a `global` statement
//! hands to the module. Used to keep user code off the names of belay-run's board helpers.

use std::collections::HashSet;

use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    Comprehension, ExceptHandler, Expr, ExprContext, Identifier, Pattern, Stmt, StmtGlobal,
};
use ruff_text_size::{Ranged, TextSize};

/// A global name bound by the code, with the line (1-based, in the code) that binds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    pub line: usize,
}

/// Every global binding of `code`, run at module scope, in source order. Code that does not parse
/// binds nothing here (the board reports its syntax error).
pub fn global_bindings(code: &str) -> Vec<Binding> {
    let Ok(parsed) = ruff_python_parser::parse_module(code) else {
        return Vec::new();
    };
    let mut walker = Walker {
        found: Vec::new(),
        scopes: vec![None],
    };
    walker.visit_body(&parsed.syntax().body);
    walker
        .found
        .into_iter()
        .map(|(name, at)| Binding {
            line: code[..at.to_usize()].matches('\n').count() + 1,
            name,
        })
        .collect()
}

struct Walker {
    found: Vec<(String, TextSize)>,
    /// Innermost last: `None` for the module, the `global` names of a function or class body.
    scopes: Vec<Option<HashSet<String>>>,
}

impl Walker {
    fn bind(&mut self, name: &str, at: TextSize) {
        let global = match self.scopes.last() {
            Some(Some(globals)) => globals.contains(name),
            _ => true,
        };
        if global {
            self.found.push((name.to_string(), at));
        }
    }

    fn bind_identifier(&mut self, id: &Identifier) {
        self.bind(id.as_str(), id.start());
    }

    /// Walk a function's or class's body in a scope of its own.
    fn nested(&mut self, body: &[Stmt]) {
        let mut globals = GlobalDeclarations::default();
        globals.visit_body(body);
        self.scopes.push(Some(globals.0));
        self.visit_body(body);
        self.scopes.pop();
    }
}

impl<'a> Visitor<'a> for Walker {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.visit_decorator(d);
                }
                self.visit_parameters(&f.parameters);
                self.bind_identifier(&f.name);
                self.nested(&f.body);
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.visit_decorator(d);
                }
                if let Some(arguments) = &c.arguments {
                    self.visit_arguments(arguments);
                }
                self.bind_identifier(&c.name);
                self.nested(&c.body);
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    match &alias.asname {
                        Some(as_name) => self.bind_identifier(as_name),
                        None => {
                            let first = alias.name.split('.').next().unwrap_or_default();
                            self.bind(first, alias.name.start());
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                for alias in i.names.iter().filter(|a| a.name.as_str() != "*") {
                    self.bind_identifier(alias.asname.as_ref().unwrap_or(&alias.name));
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(n) if matches!(n.ctx, ExprContext::Store | ExprContext::Del) => {
                self.bind(n.id.as_str(), n.start());
            }
            // A walrus binds in the enclosing function or module, even inside a comprehension.
            Expr::Named(n) => {
                self.visit_expr(&n.value);
                if let Expr::Name(target) = &*n.target {
                    self.bind(target.id.as_str(), target.start());
                }
            }
            Expr::Lambda(l) => {
                if let Some(parameters) = &l.parameters {
                    self.visit_parameters(parameters);
                }
                self.scopes.push(Some(HashSet::new()));
                self.visit_expr(&l.body);
                self.scopes.pop();
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    /// A comprehension's target is its own; only its iterables and conditions are walked.
    fn visit_comprehension(&mut self, comprehension: &'a Comprehension) {
        self.visit_expr(&comprehension.iter);
        for condition in &comprehension.ifs {
            self.visit_expr(condition);
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = &h.name {
            self.bind_identifier(name);
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        let name = match pattern {
            Pattern::MatchAs(p) => p.name.as_ref(),
            Pattern::MatchStar(p) => p.name.as_ref(),
            Pattern::MatchMapping(p) => p.rest.as_ref(),
            _ => None,
        };
        if let Some(name) = name {
            self.bind_identifier(name);
        }
        visitor::walk_pattern(self, pattern);
    }
}

/// The names a body declares `global`, not looking into the functions and classes it defines.
#[derive(Default)]
struct GlobalDeclarations(HashSet<String>);

impl<'a> StatementVisitor<'a> for GlobalDeclarations {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Global(StmtGlobal { names, .. }) => {
                self.0.extend(names.iter().map(|n| n.to_string()));
            }
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => statement_visitor::walk_stmt(self, stmt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(code: &str) -> Vec<(String, usize)> {
        global_bindings(code)
            .into_iter()
            .map(|b| (b.name, b.line))
            .collect()
    }

    fn just_names(code: &str) -> Vec<String> {
        names(code).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn assignments_of_every_form() {
        let code = "a = b = 1\nc, (d, *e) = x\nf += 1\ng: int = 2\n[h, i] = y\nj.k = 1\nl[0] = 2\n";
        assert_eq!(
            just_names(code),
            ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        );
        assert_eq!(
            names("x = 1\n\nif (y := 3):\n    pass\n")[1],
            ("y".into(), 3)
        );
    }

    #[test]
    fn statements_that_bind() {
        let code = "for a, b in x:\n    pass\nwith f() as c, g() as (d, e):\n    pass\n\
                    import m.n, o as p\nfrom q import r, s as t\nfrom q import *\ndef u(): pass\n\
                    class v: pass\ndel w\ntry:\n    pass\nexcept E as z:\n    pass\n";
        assert_eq!(
            just_names(code),
            [
                "a", "b", "c", "d", "e", "m", "p", "r", "t", "u", "v", "w", "z"
            ]
        );
    }

    #[test]
    fn match_captures() {
        let code = "match x:\n    case [a, *b]:\n        pass\n    case {'k': c, **d}:\n        \
                    pass\n    case P(e) as f:\n        pass\n";
        let mut found = just_names(code);
        found.sort();
        assert_eq!(found, ["a", "b", "c", "d", "e", "f"]);
    }

    #[test]
    fn functions_bind_only_what_they_declare_global() {
        let code = "def f(a, b=(c := 1)):\n    x = 1\n    global y, z\n    y = 2\n    \
                    def g():\n        global w\n        w = 3\n        z = 4\n    \
                    return [q for q in a if (r := q)]\n";
        assert_eq!(
            names(code),
            [
                ("c".into(), 1),
                ("f".into(), 1),
                ("y".into(), 4),
                ("w".into(), 7),
            ]
        );
        // A class body's names are attributes; a lambda's walrus is its own.
        assert_eq!(
            just_names("class C:\n    a = 1\n    global b\n    b = 2\nl = lambda: (m := 1)\n"),
            ["C", "b", "l"]
        );
    }

    #[test]
    fn reading_binds_nothing() {
        assert!(just_names("print(_Br, x.y, z[0])\nf(a=1)\n[q for q in r]\n").is_empty());
        assert!(just_names("def (:").is_empty());
    }
}
