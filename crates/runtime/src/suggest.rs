//! What to say when the word taken for a script names no file but is a command of mpremote (or
//! another word a Belay or mpremote user types by habit): belay-run's nearest command, with the
//! arguments that followed. Belay's own commands are belay-run subcommands and never get here.

// mpremote's `fs` commands, which it also takes without `fs`: belay-run's `fs` has the same.
use crate::commands::fs::COMMANDS as FS_COMMANDS;

/// The help line for `word` (then `rest`) taken for a script that does not exist, if the word is
/// a command belay-run has under another name (or does not have).
pub fn for_missing_script(word: &str, rest: &[String]) -> Option<String> {
    let with = |command: &str, args: &[String]| {
        let mut line = format!("belay-run {command}");
        for arg in args {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        line
    };
    let mpremote = |instead: String| Some(format!("{instead} (mpremote's `{word}`)"));
    match word {
        w if FS_COMMANDS.contains(&w) => mpremote(format!(
            "did you mean `{}`?",
            with(&format!("fs {w}"), rest)
        )),
        "repl" => mpremote(format!("did you mean `{}`?", with("terminal", rest))),
        "eval" => mpremote(format!("did you mean `{}`?", with("exec", rest))),
        "devs" => mpremote("did you mean `belay-run list`?".into()),
        "connect" => Some(with_port(word, rest)),
        "disconnect" | "resume" => mpremote(
            "belay-run connects to the board for each command and lets it go at the end of it: \
             there is nothing to resume or disconnect"
                .into(),
        ),
        "umount" => mpremote(
            "`belay-run mount PORT FOLDER` unmounts the folder when you leave it (Ctrl-])".into(),
        ),
        "soft-reset" | "reset" | "bootloader" => {
            let call = match word {
                "soft-reset" => "Ctrl-D",
                "reset" => "`import machine; machine.reset()`",
                _ => "`import machine; machine.bootloader()`",
            };
            mpremote(format!("in `belay-run terminal PORT`, type {call}"))
        }
        "mip" => mpremote(
            "belay-run installs packages as Belay does: `belay-run add PACKAGE`, then \
             `belay-run install PORT`"
                .into(),
        ),
        "rtc" => mpremote(
            "belay-run has no `rtc`; the board's clock: `belay-run exec PORT \"import time; \
             time.localtime()\"`"
                .into(),
        ),
        "edit" => mpremote(
            "belay-run has no `edit`: copy the file here (`belay-run fs PORT cp :FILE FILE`), \
             edit it, copy it back (`belay-run fs PORT cp FILE :FILE`)"
                .into(),
        ),
        "romfs" => mpremote("belay-run has no ROMFS support".into()),
        "help" => Some("did you mean `belay-run --help`?".into()),
        "version" => Some("did you mean `belay-run --version`?".into()),
        "--mount" => Some(format!(
            "did you mean `{}`? (`--mount` belongs to `run`)",
            with("run --mount", rest)
        )),
        w => shortcut_port(w).map(|port| {
            let named: Vec<String> = std::iter::once(port).chain(rest.iter().cloned()).collect();
            with_port(w, &named)
        }),
    }
}

/// `mpremote connect PORT [COMMAND ...]` (or `a0 COMMAND ...`, `word` being `a0`): belay-run
/// names the port with each command.
fn with_port(word: &str, rest: &[String]) -> String {
    let Some((port, command)) = rest.split_first() else {
        return format!(
            "belay-run takes the port with each command: `belay-run COMMAND PORT ...`, \
             `--port PORT` or BELAY_DEVICE=PORT (mpremote's `{word}`)"
        );
    };
    match command.split_first() {
        Some((fs_command, args)) if FS_COMMANDS.contains(&fs_command.as_str()) => {
            let mut line = format!("belay-run fs {} {fs_command}", quote(port));
            for arg in args {
                line.push(' ');
                line.push_str(&quote(arg));
            }
            format!("did you mean `{line}`? (mpremote's `{word}`)")
        }
        _ => format!(
            "belay-run takes the port with each command: `belay-run COMMAND {0} ...`, \
             `--port {0}` or BELAY_DEVICE={0} (mpremote's `{word}`)",
            quote(port)
        ),
    }
}

/// mpremote's port shortcuts: `a0` is /dev/ttyACM0, `u0` /dev/ttyUSB0, `c0` COM0.
fn shortcut_port(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let prefix = match chars.next()? {
        'a' => "/dev/ttyACM",
        'u' => "/dev/ttyUSB",
        'c' => "COM",
        _ => return None,
    };
    let number = chars.as_str();
    let digits = !number.is_empty() && number.len() <= 2;
    (digits && number.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{prefix}{number}"))
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The help line for a script path that looks like a board's port (`/dev/ttyACM0`, `COM5`,
/// whether it exists or not): `belay-run run PORT FILE` is Belay's and mpremote's way to run a
/// file on the board, which belay-run does not have yet.
pub fn for_port_as_script(word: &str, rest: &[String]) -> Option<String> {
    const SERIAL: [&str; 6] = [
        "/dev/tty",
        "/dev/cu.",
        "/dev/pts/",
        "/dev/serial/",
        "/dev/rfcomm",
        r"\\.\",
    ];
    let looks_like_port = SERIAL.iter().any(|p| word.starts_with(p))
        || word
            .strip_prefix("COM")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !looks_like_port {
        return None;
    }
    let port = quote(word);
    Some(match rest.first() {
        Some(file) => format!(
            "{word} looks like a board's port: to run {file} on the board, \
             `belay-run exec {port} \"$(cat {})\"`",
            quote(file)
        ),
        None => format!(
            "{word} looks like a board's port: `belay-run terminal {port}` for its REPL, \
             `belay-run exec {port} CODE` to run code on it"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn mpremote_commands_map_to_belay_run_ones() {
        let hint = |w: &str, rest: &[&str]| for_missing_script(w, &words(rest)).unwrap();
        assert_eq!(
            hint("ls", &["/lib"]),
            "did you mean `belay-run fs ls /lib`? (mpremote's `ls`)"
        );
        assert_eq!(
            hint("cp", &["a b.py", ":"]),
            "did you mean `belay-run fs cp 'a b.py' :`? (mpremote's `cp`)"
        );
        assert_eq!(
            hint("eval", &["1+1"]),
            "did you mean `belay-run exec 1+1`? (mpremote's `eval`)"
        );
        assert_eq!(
            hint("repl", &[]),
            "did you mean `belay-run terminal`? (mpremote's `repl`)"
        );
        assert_eq!(
            hint("connect", &["/dev/ttyACM0", "ls"]),
            "did you mean `belay-run fs /dev/ttyACM0 ls`? (mpremote's `connect`)"
        );
        assert_eq!(
            hint("a1", &["ls"]),
            "did you mean `belay-run fs /dev/ttyACM1 ls`? (mpremote's `a1`)"
        );
        assert!(hint("--mount", &["d", "s.py"]).contains("`belay-run run --mount d s.py`"));
        assert_eq!(for_missing_script("main.py", &[]), None);
        assert_eq!(for_missing_script("abc", &[]), None);
    }

    #[test]
    fn a_port_given_as_script_says_how_to_run_the_file() {
        let hint = for_port_as_script("/dev/ttyACM0", &words(&["main.py"])).unwrap();
        assert!(
            hint.contains("`belay-run exec /dev/ttyACM0 \"$(cat main.py)\"`"),
            "{hint}"
        );
        assert!(for_port_as_script("COM5", &[]).is_some());
        assert_eq!(for_port_as_script("main.py", &[]), None);
    }

    #[test]
    fn quoting_survives_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("/dev/pts/1"), "/dev/pts/1");
    }
}
