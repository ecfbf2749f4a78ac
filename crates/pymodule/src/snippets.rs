//! Code run on the board by the host library itself.

/// Helpers defined right after connecting. `@MARKER@` is replaced by the connection's result
/// marker; the last line reports the implementation (name, version, platform, `_mpy`).
pub const HELPERS: &str = include_str!("snippets/helpers.py");

/// The convenience imports Belay runs at start-up (`startup=None`), per implementation.
pub fn convenience_imports(implementation: &str) -> Option<&'static str> {
    match implementation {
        "micropython" => Some(include_str!("snippets/convenience_micropython.py")),
        "circuitpython" => Some(include_str!("snippets/convenience_circuitpython.py")),
        _ => None,
    }
}

/// Wrap an expression so the board prints its `repr` after the result marker.
pub fn wrap_result(expr: &str) -> String {
    format!("__belay_r({expr}\n)")
}
