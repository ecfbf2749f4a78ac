//! Every piece of code the host library itself runs on a board, one builder each. Longer snippets
//! live in `snippets/*.py` beside this file; the names they define on the board are listed once,
//! in [`names`], and a test checks that the snippets use no other `__belay_*` name.

use super::encode::{Encoder, write_str};
use super::token::random_token;

/// The names belay-run defines on a board. They are short (every byte of a command costs wire
/// time: 87 µs at 115200 baud) and start with `_B`. Rust code spells them only through these
/// constants; the `.py` snippets spell them literally (checked by
/// `snippets_define_only_listed_names`).
pub mod names {
    /// `_Br(v)`: print the result marker, then `v` (exact floats, base64 for long bytes).
    pub const RESULT: &str = "_Br";
    /// `_Bt(t0, v)`: like [`RESULT`], prefixed with the board time `T<ticks>|`.
    pub const TIMED_RESULT: &str = "_Bt";
    /// `_Bm()`: the board clock in ticks.
    pub const MONOTONIC: &str = "_Bm";
    /// `_Bv`: a result that waits for the float helpers (`F` was printed).
    pub const PENDING_FLOAT: &str = "_Bv";
    /// `_Bp(v)`: immutable values as results, anything else kept as a proxy object.
    pub const PROXIED: &str = "_Bp";
    /// `_Bn(g, v, t0=None)`: one step of a board generator.
    pub const GENERATOR_STEP: &str = "_Bn";
    /// `_Ba(b)`: base64 to bytes (None when the board has no fast decoder).
    pub const A2B: &str = "_Ba";
    /// `_Bi(t, b, first=None)`: a list from the bytes of a packed little-endian array of type
    /// code `t` (with `first`: the differences between neighbours after that first value).
    pub const INT_LIST: &str = "_Bi";
    /// `_BZ(s, ...)`: bytes from raw DEFLATE streams, each in base64.
    pub const INFLATE: &str = "_BZ";
    /// `_BS(dst, keep, dirs, files, dry)`: delete (printing what goes), create directories,
    /// return hashes.
    pub const SYNC: &str = "_BS";
    /// `_BP(path, mode, data)`: write a file.
    pub const PUT: &str = "_BP";
    /// Prefix of the board globals that hold proxied objects (`_Bo_<n>`).
    pub const PROXY_OBJECT: &str = "_Bo_";
    /// Prefix of the board globals that hold generators (`_Bg_<random>`).
    pub const GENERATOR: &str = "_Bg_";
    /// The host function that serves mounted host folders (named by board code, defined on the
    /// host only).
    pub const MOUNT_SERVER: &str = "_Bfs";

    /// Every name the snippets define or use, the constants above included.
    pub const ALL: &[&str] = &[
        RESULT,
        TIMED_RESULT,
        MONOTONIC,
        PENDING_FLOAT,
        PROXIED,
        GENERATOR_STEP,
        A2B,
        INT_LIST,
        INFLATE,
        SYNC,
        PUT,
        PROXY_OBJECT,
        GENERATOR,
        MOUNT_SERVER,
        // Helpers used only by other snippets.
        "_Bb", // b2a_base64
        "_By", // array.array
        "_Bq", // sys.implementation, at connect
        "_Bz", // sys.stdout.write
        "_Bu", // whether a repr may hold a float
        "_BI", // a list of ints packed for a result
        "_BX", // the packed form of a result
        "_BK", // the board has deflate
        "_BC", // the narrowest array type for ints
        "_Bs", // ticks_add
        "_Bd", // ticks_diff
        "_Bx", // math.frexp
        "_Bk", // math.log10
        "_Bf", // one exact float
        "_Bw", // a value with exact floats
        "_Bc", // proxy counter
        "_Be", // the emitter check's function
        "_Bj", // the convenience imports' loop variable
        "_BL", // listdir entries
        "_BD", // delete a tree
        "_BH", // hash a file
        "_BF", // FNV-1a
        "_BG", // the events' writer lock
        "_BQ", // queued events
        "_BN", // events dropped
        "_BE", // write queued events
        "_Bh", // call a host function
        "_BJ", // one operation on a mounted host folder
        "_BW", // an open file of a mounted host folder
        "_BV", // a mounted host folder (a VFS)
        "_BB", // mount or unmount a host folder
    ];

    /// Name prefixes a user's board function may not take: Belay's, and the prefixes above.
    pub const RESERVED_PREFIXES: [&str; 4] = ["__belay", "_belay", PROXY_OBJECT, GENERATOR];

    /// Whether `name` would clobber something belay-run defines on the board.
    pub fn reserved(name: &str) -> bool {
        ALL.contains(&name) || RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
    }
}

/// Where the result marker goes in the snippets' source.
const MARKER_SLOT: &str = "@MARKER@";

/// Snippet source as it is sent: comment lines and blank lines dropped, each indentation level
/// narrowed to one space. The `.py` files stay readable; the board gets fewer bytes. Lines keep
/// their order (a snippet's traceback still names the right statement).
pub fn compact(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        out.extend(std::iter::repeat_n(' ', indent / 4));
        out.push_str(body.trim_end());
        out.push('\n');
    }
    out
}

/// The helpers every connection defines first, with this connection's result marker; the last
/// line prints `(name, version, platform, _mpy, ticks_max, float_bits)`, `ticks_max` 0 when the
/// board has no `time.ticks_ms` ([`supervisor_clock`] then defines the clock), `float_bits` the
/// significant bits of its floats ([`super::FloatFormat`]).
pub fn helpers(marker: &str) -> String {
    compact(include_str!("snippets/helpers.py")).replace(MARKER_SLOT, marker)
}

/// CircuitPython's board clock (`supervisor.ticks_ms`), for a board whose helpers found no
/// `time.ticks_ms`; prints `ticks_max`.
pub fn supervisor_clock() -> String {
    compact(include_str!("snippets/supervisor_clock.py"))
}

/// The base64 codecs and int arrays, defined when the host first has long bytes or int lists to
/// send (or got a long bytes result); prints `(has_base64, has_int_arrays, has_deflate)`
/// ([`super::Encoder::from_codecs_reply`]).
pub fn codecs() -> String {
    compact(include_str!("snippets/codecs.py"))
}

/// Helpers a connection defines only when a command first needs them, in a command of their own
/// before it: the host tracks which ones a board has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helper {
    /// `_Bf`, `_Bw`: exact floats in results.
    Floats,
    /// `_Bi`, `_BI`: packed int lists (arguments, and results once the host sent one).
    IntList,
    /// `_Bp`: proxies.
    Proxies,
    /// `_Bn`: generator steps.
    Generators,
    /// `_Bt`: timed results.
    Timed,
    /// `_BZ`: compressed data.
    Inflate,
    /// `belay_emit` and `_Bh`: events and host functions (`snippets/events.py`).
    Events,
    /// `_BB`: host folders mounted on the board (`snippets/mount.py`).
    Mount,
}

impl Helper {
    pub const ALL: [Helper; 8] = [
        Helper::Floats,
        Helper::IntList,
        Helper::Proxies,
        Helper::Generators,
        Helper::Timed,
        Helper::Inflate,
        Helper::Events,
        Helper::Mount,
    ];

    /// Its definition, with the connection's result marker.
    pub fn definition(self, marker: &str) -> String {
        let source = match self {
            Helper::Floats => include_str!("snippets/floats.py"),
            Helper::IntList => include_str!("snippets/int_list.py"),
            Helper::Proxies => include_str!("snippets/proxies.py"),
            Helper::Generators => include_str!("snippets/generators.py"),
            Helper::Timed => include_str!("snippets/timed.py"),
            Helper::Inflate => include_str!("snippets/inflate.py"),
            Helper::Events => include_str!("snippets/events.py"),
            Helper::Mount => include_str!("snippets/mount.py"),
        };
        compact(source).replace(MARKER_SLOT, marker)
    }

    /// The call that shows a command needs this helper (`_Bi(`...). The float helpers have
    /// none: the host defines them when a result holds a float.
    pub fn trigger(self) -> Option<&'static str> {
        match self {
            Helper::Floats => None,
            Helper::IntList => Some("_Bi("),
            Helper::Proxies => Some("_Bp("),
            Helper::Generators => Some("_Bn("),
            Helper::Timed => Some("_Bt("),
            Helper::Inflate => Some("_BZ("),
            Helper::Events => Some(EMIT),
            Helper::Mount => Some("_BB("),
        }
    }

    /// The helpers this one calls, which must be defined before it is used.
    pub fn requires(self) -> &'static [Helper] {
        match self {
            Helper::Generators => &[Helper::Timed],
            Helper::Mount => &[Helper::Events],
            _ => &[],
        }
    }

    /// A bit for a set of helpers.
    pub fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// What board code calls to send an event to the host (`snippets/events.py`).
pub const EMIT: &str = "belay_emit";

/// The board side of host function `name`: a function that asks the host (`_Bh`, defined with
/// [`Helper::Events`]) and returns its answer.
pub fn host_function(name: &str) -> String {
    format!("def {name}(*a,**k):return _Bh('{name}',a,k)\n")
}

/// Mount (`on`) or unmount the host folder at board path `at` ([`Helper::Mount`]).
pub fn mount(at: &str, on: bool) -> String {
    let mut out = String::from("_BB(");
    super::encode::write_str(at, &mut out);
    out.push_str(if on { ",1)\n" } else { ",0)\n" });
    out
}

/// A fresh result marker for a connection: the record separator `\x1e` and 5 random characters.
/// The result is the text after the *last* marker of a command's output: a result's own text
/// (a `repr`, base64, digits) never holds a control character, so no output can pass for a
/// result; the random part only keeps output that happens to hold `\x1e` from being held back.
pub fn session_marker() -> String {
    format!("\x1e{}", random_token(5))
}

/// After `F` (a float result waited for the float helpers): the helpers, then the result again.
pub fn pending_float_result(marker: &str) -> String {
    format!(
        "{}{}({})\ndel {}\n",
        Helper::Floats.definition(marker),
        names::RESULT,
        names::PENDING_FLOAT,
        names::PENDING_FLOAT
    )
}

/// The convenience imports Belay runs at start-up (`startup=None`), per implementation.
pub fn convenience_imports(implementation: &str) -> Option<String> {
    let source = match implementation {
        "micropython" => include_str!("snippets/convenience_micropython.py"),
        "circuitpython" => include_str!("snippets/convenience_circuitpython.py"),
        _ => return None,
    };
    Some(compact(source))
}

/// Defines a function with each native code emitter; the board's error (if any) names the line
/// of the first decorator it rejected (line 1: no native emitter, line 3: no viper).
pub const EMITTERS: &str = include_str!("snippets/emitters.py");

/// Evaluate `expr` and print its value as the result. The expression is parenthesised on lines of
/// its own (`a, b` is one tuple; a trailing comment cannot swallow the closing parenthesis).
/// `timed` adds the board time at the middle of the evaluation (`T<ticks>|` before the value).
pub fn result(expr: &str, timed: bool) -> String {
    call_result(&format!("({expr}\n)"), timed)
}

/// [`result`] for an expression the host wrote itself, which needs no parentheses (a call such as
/// `add(1,2)`).
pub fn call_result(expr: &str, timed: bool) -> String {
    if timed {
        format!("{}({}(),{expr})", names::TIMED_RESULT, names::MONOTONIC)
    } else {
        format!("{}({expr})", names::RESULT)
    }
}

/// Evaluate `expr`: an immutable value comes back as the result, anything else stays on the board
/// as `_Bo_<n>` and `P<n>` comes back.
pub fn proxied(expr: &str) -> String {
    format!("{}(({expr}\n))", names::PROXIED)
}

/// The expression that reads the board clock.
pub fn clock() -> String {
    format!("{}()", names::MONOTONIC)
}

/// A full collection on the board, binding no name. Run once the connection's start-up is done:
/// the clock samples leave a varying amount of garbage behind (as many as the round trips took),
/// and without it the user's definitions would land above that garbage, at a height that
/// depends on timing, splitting a small board's free heap where the next big buffer would go
/// (docs/protocol.md §2).
pub const COLLECT: &str = "__import__('gc').collect()";

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
    /// Change nothing: print what would be deleted, create no directory, only hash.
    pub dry_run: bool,
}

/// `device.sync`'s first command: the sync helpers, then one call that deletes what the board
/// should no longer hold (printing each deleted path's `repr` on a line of its own, as it goes),
/// creates the directories and returns the files' FNV-1a hashes as the result. A dry run prints
/// what it would delete and creates nothing.
pub fn sync_bootstrap(plan: &SyncBootstrap<'_>, implementation: &str, viper: bool) -> String {
    let mut code = String::new();
    code.push_str(&compact(listdir(implementation)));
    code.push_str(&compact(fnv(viper)));
    code.push_str(&compact(SYNC));
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
    let dirs = if plan.dry_run { &[] } else { plan.dirs };
    write_collection(&mut code, '[', ']', dirs.iter().map(String::as_str), "[]");
    code.push(',');
    write_collection(&mut code, '[', ']', plan.files.iter().copied(), "[]");
    code.push_str(if plan.dry_run { ",1))\n" } else { ",0))\n" });
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

    /// Every `_B*`/`__belay*` identifier in `text`.
    fn identifiers(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let rest = &text[i..];
            let starts = rest.starts_with("_B") || rest.starts_with("__belay");
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

    /// A listed name, or one made from a listed prefix (`_Bo_3`, `_Bg_XyZ`).
    fn listed(name: &str) -> bool {
        names::ALL.contains(&name)
            || name.starts_with(names::PROXY_OBJECT)
            || name.starts_with(names::GENERATOR)
    }

    fn all_sources() -> Vec<String> {
        let mut sources = vec![
            helpers("M"),
            codecs(),
            supervisor_clock(),
            compact(SYNC),
            EMITTERS.to_string(),
            compact(listdir("micropython")),
            compact(listdir("circuitpython")),
            compact(fnv(true)),
            compact(fnv(false)),
            convenience_imports("micropython").unwrap(),
            convenience_imports("circuitpython").unwrap(),
        ];
        sources.extend(Helper::ALL.map(|h| h.definition("M")));
        sources
    }

    #[test]
    fn snippets_define_only_listed_names() {
        let mut used = Vec::new();
        for source in all_sources() {
            for name in identifiers(&source) {
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
    fn lazy_helpers_define_what_their_trigger_calls() {
        for helper in Helper::ALL {
            let Some(trigger) = helper.trigger() else {
                continue;
            };
            let name = trigger.trim_end_matches('(');
            assert!(
                helper.definition("M").contains(&format!("def {name}(")),
                "{helper:?}"
            );
            // The connect helpers never call a lazily defined one; a lazy one calls another only
            // when it requires it.
            assert!(!helpers("M").contains(trigger), "{helper:?}");
            for other in Helper::ALL.into_iter().filter(|o| *o != helper) {
                if other.definition("M").contains(trigger) {
                    assert!(
                        other.requires().contains(&helper),
                        "{other:?} calls {trigger}"
                    );
                }
            }
        }
        let bits: Vec<u8> = Helper::ALL.iter().map(|h| h.bit()).collect();
        assert_eq!(bits, [1, 2, 4, 8, 16, 32, 64, 128]);
    }

    #[test]
    fn compacting_drops_comments_and_narrows_indentation() {
        let source = "# a comment\nif x:\n    # inside\n    y = '#1'\n\n        \nz = 2  \n";
        assert_eq!(compact(source), "if x:\n y = '#1'\nz = 2\n");
        for source in all_sources() {
            assert!(
                !source.lines().any(|l| l.trim_start().starts_with('#')),
                "{source}"
            );
        }
        // The compacted helpers are a fraction of their source.
        assert!(helpers("M").len() < include_str!("snippets/helpers.py").len() * 3 / 4);
    }

    #[test]
    fn builders_use_listed_names() {
        let built = [
            result("add(1,2)", true),
            call_result("add(1,2)", false),
            proxied("x"),
            clock(),
            proxy_object(3),
            generator_step(&generator_name(), "None", true),
            pending_float_result("M"),
            host_function("lookup"),
            mount("/remote", true),
            sync_bootstrap(
                &SyncBootstrap {
                    dst: "/",
                    keep: Some(&[]),
                    dirs: &[],
                    files: &["/a.py"],
                    dry_run: false,
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
        assert_eq!(result("add(1,2)", true), "_Bt(_Bm(),(add(1,2)\n))");
        assert_eq!(result("a, b", false), "_Br((a, b\n))");
        assert_eq!(call_result("add(1,2)", false), "_Br(add(1,2))");
        assert_eq!(proxied("x.y"), "_Bp((x.y\n))");
        assert_eq!(call("f", ["1", "'a'"], [("k", "None")]), "f(1,'a',k=None)");
        assert_eq!(generator_step("g", "None", false), "_Bn(g,None)");
        assert!(generator_name().starts_with("_Bg_"));
        // The result printer writes it, and passes it to _BX for long bytes written in pieces.
        assert_eq!(helpers("@X@").matches("@X@").count(), 3);
        let marker = session_marker();
        assert!(marker.starts_with('\x1e') && marker.len() == 6);
        assert!(names::reserved("_Br") && names::reserved("_Bo_12"));
        assert!(names::reserved("__belay_x") && names::reserved("_belay_y"));
        assert!(!names::reserved("_Button") && !names::reserved("led"));
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
                dry_run: false,
            },
            "micropython",
            false,
        );
        assert!(
            code.ends_with("_Br(_BS('/',{'/boot.py','/lib/a.py'},['/lib'],['/lib/a.py'],0))\n"),
            "{code}"
        );
        let none = sync_bootstrap(
            &SyncBootstrap {
                dst: "/x",
                keep: None,
                dirs: &[],
                files: &[],
                dry_run: false,
            },
            "circuitpython",
            false,
        );
        assert!(none.ends_with("_BS('/x',None,[],[],0))\n"), "{none}");
        let dry = sync_bootstrap(
            &SyncBootstrap {
                dst: "/",
                keep: Some(&keep),
                dirs: &dirs,
                files: &["/lib/a.py"],
                dry_run: true,
            },
            "micropython",
            false,
        );
        assert!(
            dry.ends_with("_BS('/',{'/boot.py','/lib/a.py'},[],['/lib/a.py'],1))\n"),
            "{dry}"
        );
        let mut put_line = String::new();
        put(&mut put_line, "/a", true, b"hi", Encoder::default());
        assert_eq!(put_line, "_BP('/a','wb',b'hi         '[:-9])\n");
    }
}
