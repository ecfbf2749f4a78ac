//! Every piece of code the host library itself runs on a board, one builder each. Longer snippets
//! live in `snippets/*.py` beside this file; the names they define on the board are listed once,
//! in [`names`], and a test checks that the snippets use no other `__belay_*` name.

use super::encode::{Encoder, write_str};
use super::token::random_token;

/// The names belay-run defines on a board. Rust code spells them only through these constants;
/// the `.py` snippets spell them literally (checked by `snippets_define_only_listed_names`).
pub mod names {
    /// `__belay_r(v)`: print the result marker, then `v` (exact floats, base64 for long bytes).
    pub const RESULT: &str = "__belay_r";
    /// `__belay_rt(t0, v)`: like [`RESULT`], prefixed with the board time `T<ticks>|`.
    pub const TIMED_RESULT: &str = "__belay_rt";
    /// `__belay_p(v)`: immutable values as results, anything else kept as a proxy object.
    pub const PROXIED: &str = "__belay_p";
    /// `__belay_n(g, v, t0=None)`: one step of a board generator.
    pub const GENERATOR_STEP: &str = "__belay_n";
    /// `__belay_monotonic()`: the board clock in ticks.
    pub const MONOTONIC: &str = "__belay_monotonic";
    /// `__belay_a2b(b)`: base64 to bytes (None when the board has no fast decoder).
    pub const A2B: &str = "__belay_a2b";
    /// `__belay_il(t, b)`: a list from a packed little-endian array of type code `t`, in base64.
    pub const INT_LIST: &str = "__belay_il";
    /// `__belay_sync(dst, keep, dirs, files)`: delete, create directories, return hashes.
    pub const SYNC: &str = "__belay_sync";
    /// `__belay_put(path, mode, data)`: write a file.
    pub const PUT: &str = "__belay_put";
    /// Prefix of the board globals that hold proxied objects (`__belay_obj_<n>`).
    pub const PROXY_OBJECT: &str = "__belay_obj_";
    /// Prefix of the board globals that hold generators (`__belay_g<random>`).
    pub const GENERATOR: &str = "__belay_g";

    /// Every name the snippets define or use, the constants above included.
    pub const ALL: &[&str] = &[
        RESULT,
        TIMED_RESULT,
        PROXIED,
        GENERATOR_STEP,
        MONOTONIC,
        A2B,
        INT_LIST,
        SYNC,
        PUT,
        PROXY_OBJECT,
        GENERATOR,
        // Helpers used only by other snippets.
        "__belay_b2a",
        "__belay_array",
        "__belay_frexp",
        "__belay_log10",
        "__belay_f",
        "__belay_w",
        "__belay_obj_counter",
        "__belay_ticks_add",
        "__belay_ticks_diff",
        "__belay_emitter_test",
        "__belay_name",
        "__belay_ls",
        "__belay_del",
        "__belay_hf",
        "__belay_fnv",
        "_BELAY_TICKS_MAX",
        "_BELAY_TICKS_HALFPERIOD",
    ];

    /// Name prefixes a user's board function may not take (they would clobber the helpers).
    pub const RESERVED_PREFIXES: [&str; 2] = ["__belay", "_belay"];
}

/// Where the result marker goes in [`helpers`]' source.
const MARKER_SLOT: &str = "@MARKER@";
const HELPERS: &str = include_str!("snippets/helpers.py");

/// The helpers every connection defines first, with this connection's result marker; the last
/// line prints the implementation tuple `(name, version, platform, _mpy, base64, int_arrays)`.
pub fn helpers(marker: &str) -> String {
    HELPERS.replace(MARKER_SLOT, marker)
}

/// A fresh result marker for a connection: `_BELAY<16 random characters>|`. Board output that
/// does not know the secret cannot pass for a result.
pub fn session_marker() -> String {
    format!("_BELAY{}|", random_token(16))
}

/// The convenience imports Belay runs at start-up (`startup=None`), per implementation.
pub fn convenience_imports(implementation: &str) -> Option<&'static str> {
    match implementation {
        "micropython" => Some(include_str!("snippets/convenience_micropython.py")),
        "circuitpython" => Some(include_str!("snippets/convenience_circuitpython.py")),
        _ => None,
    }
}

/// The board clock helpers (`__belay_monotonic`, `__belay_ticks_add`, `__belay_ticks_diff`); the
/// snippet ends by returning the largest tick value.
pub fn time_helpers(implementation: &str) -> &'static str {
    match implementation {
        "circuitpython" => include_str!("snippets/time_circuitpython.py"),
        _ => include_str!("snippets/time_micropython.py"),
    }
}

/// Defines a function with each native code emitter; the board's error (if any) names the line
/// of the first decorator it rejected.
pub const EMITTERS: &str = include_str!("snippets/emitters.py");

/// Evaluate `expr` and print its value as the result. The expression is parenthesised on lines of
/// its own (`a, b` is one tuple; a trailing comment cannot swallow the closing parenthesis).
/// `timed` adds the board time at the middle of the evaluation (`T<ticks>|` before the value).
pub fn result(expr: &str, timed: bool) -> String {
    if timed {
        format!("{}({}(),({expr}\n))", names::TIMED_RESULT, names::MONOTONIC)
    } else {
        format!("{}(({expr}\n))", names::RESULT)
    }
}

/// Evaluate `expr`: an immutable value comes back as the result, anything else stays on the board
/// as `__belay_obj_<n>` and `P<n>` comes back.
pub fn proxied(expr: &str) -> String {
    format!("{}(({expr}\n))", names::PROXIED)
}

/// The expression that reads the board clock.
pub fn clock() -> String {
    format!("{}()", names::MONOTONIC)
}

/// The board global that holds proxied object number `n`.
pub fn proxy_object(n: u64) -> String {
    format!("{}{n}", names::PROXY_OBJECT)
}

/// Forget a board global.
pub fn delete(name: &str) -> String {
    format!("del {name}")
}

/// A fresh board global name for a generator.
pub fn generator_name() -> String {
    format!("{}{}", names::GENERATOR, random_token(12))
}

/// Create a generator on the board under `name` from the call `call`.
pub fn generator_start(name: &str, call: &str) -> String {
    format!("{name}={call}")
}

/// Send `value` (board source) into generator `name`; prints its next value (`S` when it is
/// exhausted), timed when asked.
pub fn generator_step(name: &str, value: &str, timed: bool) -> String {
    let step = names::GENERATOR_STEP;
    if timed {
        format!("{step}({name},{value},{}())", names::MONOTONIC)
    } else {
        format!("{step}({name},{value})")
    }
}

/// Start `function(*positional, **keywords)` in a new board thread (`positional` and `keywords`
/// are a tuple and a dict as board source).
pub fn start_thread(function: &str, positional: &str, keywords: &str) -> String {
    format!("import _thread\n_thread.start_new_thread({function},{positional},{keywords})")
}

/// `function(a, b, k=v)`: a call with arguments already written as board source.
pub fn call<'a>(
    function: &str,
    positional: impl IntoIterator<Item = &'a str>,
    keywords: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut parts: Vec<String> = positional.into_iter().map(str::to_string).collect();
    parts.extend(keywords.into_iter().map(|(k, v)| format!("{k}={v}")));
    format!("{function}({})", parts.join(","))
}

/// `name=value` (a setup argument assigned as a board global).
pub fn assign(target: &str, value: &str) -> String {
    format!("{target}={value}")
}

/// Expressions about a board object named by `object` (what proxies send).
pub mod expr {
    /// `object.name`
    pub fn attribute(object: &str, name: &str) -> String {
        format!("{object}.{name}")
    }

    /// `object[key]`
    pub fn item(object: &str, key: &str) -> String {
        format!("{object}[{key}]")
    }

    /// `object[start:stop]` or `object[start:stop:step]` (empty parts for the defaults).
    pub fn slice(object: &str, start: &str, stop: &str, step: &str) -> String {
        if step.is_empty() {
            format!("{object}[{start}:{stop}]")
        } else {
            format!("{object}[{start}:{stop}:{step}]")
        }
    }

    /// `function(object)` for a builtin such as `len`, `repr`, `list`.
    pub fn apply(function: &str, object: &str) -> String {
        format!("{function}({object})")
    }

    /// `left OP right` for a comparison or `in`.
    pub fn binary(left: &str, op: &str, right: &str) -> String {
        format!("{left} {op} {right}")
    }
}

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

const SYNC: &str = include_str!("snippets/sync.py");

/// What a sync asks the board to do in its first command.
pub struct SyncBootstrap<'a> {
    /// The board folder synced into.
    pub dst: &'a str,
    /// Board paths not to delete under `dst` (`None`: delete nothing).
    pub keep: Option<&'a [String]>,
    /// Board directories to create, parents first.
    pub dirs: &'a [String],
    /// Board paths of the files to hash (and, implicitly, to keep).
    pub files: &'a [&'a str],
}

/// `device.sync`'s first command: the sync helpers, then one call that deletes what the board
/// should no longer hold, creates the directories and prints the files' FNV-1a hashes.
pub fn sync_bootstrap(plan: &SyncBootstrap<'_>, implementation: &str, viper: bool) -> String {
    let mut code = String::new();
    code.push_str(listdir(implementation));
    code.push_str(fnv(viper));
    code.push_str(SYNC);
    code.push_str(names::RESULT);
    code.push('(');
    code.push_str(names::SYNC);
    code.push('(');
    write_str(plan.dst, &mut code);
    code.push(',');
    match plan.keep {
        None => code.push_str("None"),
        Some(keep) => {
            let protected = keep
                .iter()
                .map(String::as_str)
                .chain(plan.files.iter().copied());
            write_collection(&mut code, '{', '}', protected, "set()");
        }
    }
    code.push(',');
    write_collection(
        &mut code,
        '[',
        ']',
        plan.dirs.iter().map(String::as_str),
        "[]",
    );
    code.push(',');
    write_collection(&mut code, '[', ']', plan.files.iter().copied(), "[]");
    code.push_str("))\n");
    code
}

fn write_collection<'a>(
    out: &mut String,
    open: char,
    close: char,
    items: impl Iterator<Item = &'a str>,
    empty: &str,
) {
    let start = out.len();
    out.push(open);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(item, out);
    }
    if out.len() == start + 1 {
        out.truncate(start);
        out.push_str(empty);
    } else {
        out.push(close);
    }
}

/// Append `__belay_put('/path', 'wb'|'ab', <data>)` (a line of a sync command): the first chunk of
/// a file creates it, later ones append.
pub fn put(out: &mut String, remote: &str, first: bool, data: &[u8], encoder: Encoder) {
    out.push_str(names::PUT);
    out.push('(');
    write_str(remote, out);
    out.push_str(if first { ",'wb'," } else { ",'ab'," });
    encoder.write_bytes(data, out);
    out.push_str(")\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `__belay*`/`_BELAY*` identifier in `text`.
    fn identifiers(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let rest = &text[i..];
            let starts = rest.starts_with("__belay") || rest.starts_with("_BELAY_");
            let boundary =
                i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
            if starts && boundary {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                out.push(rest[..end].to_string());
                i += end;
            } else {
                i += 1;
            }
        }
        out
    }

    /// A listed name, or one made from a listed prefix (`__belay_obj_3`, `__belay_gXyZ`).
    fn listed(name: &str) -> bool {
        names::ALL.contains(&name)
            || name.starts_with(names::PROXY_OBJECT)
            || name.starts_with(names::GENERATOR)
    }

    #[test]
    fn snippets_define_only_listed_names() {
        let sources = [
            HELPERS,
            SYNC,
            EMITTERS,
            time_helpers("micropython"),
            time_helpers("circuitpython"),
            listdir("micropython"),
            listdir("circuitpython"),
            fnv(true),
            fnv(false),
            convenience_imports("micropython").unwrap(),
            convenience_imports("circuitpython").unwrap(),
        ];
        let mut used = Vec::new();
        for source in sources {
            for name in identifiers(source) {
                assert!(
                    names::ALL.contains(&name.as_str()),
                    "{name} is used by a snippet but not listed in names::ALL"
                );
                used.push(name);
            }
        }
        // Generator names are made by the host alone (`generator_name`).
        for name in names::ALL.iter().filter(|n| **n != names::GENERATOR) {
            assert!(
                used.iter().any(|u| u == name),
                "{name} is listed but no snippet uses it"
            );
        }
    }

    #[test]
    fn builders_use_listed_names() {
        let built = [
            result("add(1,2)", true),
            result("1", false),
            proxied("x"),
            clock(),
            proxy_object(3),
            generator_step(&generator_name(), "None", true),
            sync_bootstrap(
                &SyncBootstrap {
                    dst: "/",
                    keep: Some(&[]),
                    dirs: &[],
                    files: &["/a.py"],
                },
                "micropython",
                true,
            ),
        ];
        for code in &built {
            for name in identifiers(code) {
                assert!(listed(&name), "{name} in {code:?}");
            }
        }
    }

    #[test]
    fn command_shapes() {
        assert_eq!(
            result("add(1,2)", true),
            "__belay_rt(__belay_monotonic(),(add(1,2)\n))"
        );
        assert_eq!(result("a, b", false), "__belay_r((a, b\n))");
        assert_eq!(proxied("x.y"), "__belay_p((x.y\n))");
        assert_eq!(call("f", ["1", "'a'"], [("k", "None")]), "f(1,'a',k=None)");
        assert_eq!(generator_step("g", "None", false), "__belay_n(g,None)");
        assert!(generator_name().starts_with("__belay_g"));
        assert_eq!(helpers("@X@").matches("@X@").count(), 5);
        let marker = session_marker();
        assert!(marker.starts_with("_BELAY") && marker.ends_with('|') && marker.len() == 23);
    }

    #[test]
    fn sync_bootstrap_protects_kept_and_synced_files() {
        let keep = ["/boot.py".to_string()];
        let dirs = ["/lib".to_string()];
        let code = sync_bootstrap(
            &SyncBootstrap {
                dst: "/",
                keep: Some(&keep),
                dirs: &dirs,
                files: &["/lib/a.py"],
            },
            "micropython",
            false,
        );
        assert!(
            code.ends_with(
                "__belay_r(__belay_sync('/',{'/boot.py','/lib/a.py'},['/lib'],['/lib/a.py']))\n"
            ),
            "{code}"
        );
        let none = sync_bootstrap(
            &SyncBootstrap {
                dst: "/x",
                keep: None,
                dirs: &[],
                files: &[],
            },
            "circuitpython",
            false,
        );
        assert!(none.ends_with("__belay_sync('/x',None,[],[]))\n"), "{none}");
        let mut put_line = String::new();
        put(&mut put_line, "/a", true, b"hi", Encoder::default());
        assert_eq!(put_line, "__belay_put('/a','wb',b'hi         '[:-9])\n");
    }
}
