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

/// The board clock helpers (`__belay_monotonic`, `__belay_ticks_add`, `__belay_ticks_diff`);
/// the snippet ends by returning the largest tick value.
pub fn time_helpers(implementation: &str) -> &'static str {
    match implementation {
        "circuitpython" => include_str!("snippets/time_circuitpython.py"),
        _ => include_str!("snippets/time_micropython.py"),
    }
}

/// Defines a function with each native code emitter (belay-spec §1.12).
pub const EMITTERS: &str = include_str!("snippets/emitters.py");

/// Wrap an expression (parenthesised: `a, b` is one tuple) so the board prints its `repr` after the result marker; `timed` adds the
/// board time at the middle of the evaluation (`T<ticks>|` before the value).
pub fn wrap_result(expr: &str, timed: bool) -> String {
    if timed {
        format!("__belay_rt(__belay_monotonic(),({expr}\n))")
    } else {
        format!("__belay_r(({expr}\n))")
    }
}

/// `device.sync`'s board side: `__belay_sync(dst, keep, dirs, files)` deletes, creates and
/// hashes; `__belay_put(path, mode, data)` writes. Needs [`listdir`] and [`fnv`] first.
pub const SYNC: &str = include_str!("snippets/sync.py");

/// `__belay_ls(dir)`: `(name, mode, ...)` entries (`os.ilistdir`, emulated on CircuitPython).
pub fn listdir(implementation: &str) -> &'static str {
    match implementation {
        "circuitpython" => include_str!("snippets/listdir_circuitpython.py"),
        _ => include_str!("snippets/listdir_micropython.py"),
    }
}

/// `__belay_fnv(buf, n, h)`: FNV-1a over `buf[:n]`, in viper where the board has it (the caller
/// masks the result to 32 bits: viper's `uint` is 64 bits on 64-bit ports).
pub fn fnv(viper: bool) -> &'static str {
    if viper {
        include_str!("snippets/sync_fnv_viper.py")
    } else {
        include_str!("snippets/sync_fnv_python.py")
    }
}
