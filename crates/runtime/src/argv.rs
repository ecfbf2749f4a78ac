//! The command line as CPython reads it: options come first, and the first of `-c CODE`,
//! `-m MODULE`, a script path or `--` ends them; everything after is the program's `sys.argv[1:]`,
//! untouched (`belay-run -c CODE -u` gives the code `-u`). clap parses the options part, with
//! belay-run's own options (`--port`) and subcommands; this module only finds where it ends.

use std::ffi::OsString;

/// Options that end option processing and take the program from their value.
const PROGRAM_OPTIONS: [char; 2] = ['c', 'm'];

/// `argv` cut where the options end: what clap parses (the program name, the options, and the
/// `-c`/`-m` value or script path), and the program's own arguments. A first positional argument
/// that names a subcommand keeps everything on clap's side.
pub fn split(cmd: &clap::Command, argv: Vec<OsString>) -> (Vec<OsString>, Vec<OsString>) {
    let at = end_of_options(cmd, &argv).unwrap_or(argv.len());
    let mut head = argv;
    let tail = head.split_off(at.min(head.len()));
    (head, tail)
}

/// Whether the option `is_it` picks out takes a value (an unknown option takes none).
fn takes_value(cmd: &clap::Command, is_it: impl Fn(&clap::Arg) -> bool) -> bool {
    cmd.get_arguments()
        .find(|a| is_it(a))
        .is_some_and(|a| a.get_action().takes_values())
}

/// The index of the first argument that belongs to the program, if any.
fn end_of_options(cmd: &clap::Command, argv: &[OsString]) -> Option<usize> {
    let mut i = 1;
    while i < argv.len() {
        let arg = argv[i].to_string_lossy();
        if arg == "--" {
            // `-- script args`: clap takes the script after `--`.
            return Some(i + 2);
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            let value = takes_value(cmd, |a| a.get_long() == Some(name));
            i += if value && !attached { 2 } else { 1 };
            continue;
        }
        if let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) {
            // `-ui`, `-cCODE`, `-X utf8=0`, `-Wignore`: flags, then at most one option with a value.
            for (k, letter) in cluster.char_indices() {
                if !takes_value(cmd, |a| a.get_short() == Some(letter)) {
                    continue;
                }
                let attached = k + letter.len_utf8() < cluster.len();
                let next = if attached { i + 1 } else { i + 2 };
                if PROGRAM_OPTIONS.contains(&letter) {
                    return Some(next);
                }
                i = next - 1;
                break;
            }
            i += 1;
            continue;
        }
        // The first positional: a subcommand keeps its own arguments; anything else is the script.
        let subcommand = cmd
            .get_subcommands()
            .any(|s| s.get_name() == arg || s.get_all_aliases().any(|a| a == arg));
        return (!subcommand).then_some(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn cut(args: &[&str]) -> (Vec<String>, Vec<String>) {
        let argv = std::iter::once("belay-run")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let (head, tail) = split(&Cli::command(), argv);
        let strings = |v: Vec<OsString>| -> Vec<String> {
            v.into_iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect()
        };
        let mut head = strings(head);
        head.remove(0);
        (head, strings(tail))
    }

    #[test]
    fn the_program_takes_everything_after_it() {
        assert_eq!(
            cut(&["-u", "s.py", "-i", "--port", "x"]),
            (
                vec!["-u".into(), "s.py".into()],
                vec!["-i".into(), "--port".into(), "x".into()]
            )
        );
        assert_eq!(
            cut(&["-c", "print(1)", "-u"]),
            (vec!["-c".into(), "print(1)".into()], vec!["-u".into()])
        );
        assert_eq!(cut(&["-cprint(1)", "a"]).1, ["a"]);
        assert_eq!(cut(&["-uc", "print(1)", "a"]).1, ["a"]);
        assert_eq!(cut(&["-m", "json.tool", "f"]).1, ["f"]);
        assert_eq!(cut(&["--", "-weird.py", "a"]).1, ["a"]);
        assert_eq!(cut(&["-"]).0, ["-"]);
    }

    #[test]
    fn option_values_are_not_taken_for_the_script() {
        assert_eq!(cut(&["--port", "/dev/x", "s.py", "a"]).1, ["a"]);
        assert_eq!(cut(&["-p", "/dev/x", "s.py", "a"]).1, ["a"]);
        assert_eq!(cut(&["--port=/dev/x", "s.py", "a"]).1, ["a"]);
        assert_eq!(cut(&["-X", "utf8=0", "s.py", "a"]).1, ["a"]);
        assert_eq!(cut(&["-Xutf8=0", "-W", "ignore", "s.py", "a"]).1, ["a"]);
        assert_eq!(cut(&["--connect-timeout", "3", "s.py", "a"]).1, ["a"]);
    }

    #[test]
    fn subcommands_keep_their_arguments() {
        let all = ["exec", "/dev/x", "-c", "1"];
        assert_eq!(cut(&all), (all.map(String::from).to_vec(), vec![]));
        assert_eq!(cut(&["--port", "x", "sync", "dir"]).1, Vec::<String>::new());
        // A script that looks like a subcommand is a path.
        assert_eq!(cut(&["./sync.py", "a"]).1, ["a"]);
        assert_eq!(cut(&[]), (vec![], vec![]));
    }
}
