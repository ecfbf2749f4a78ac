//! CircuitPython code paths on a real MicroPython VM wearing CircuitPython 10.3's personality
//! (`board.py unix --circuitpython`): the board's bytes against a recorded CircuitPython session,
//! its reboots and REPL switches, belay-run's CircuitPython paths, and the examples'
//! `circuitpython.py` variants.

mod examples;
mod wire;

use std::time::Duration;

use crate::support::{Board, Kind, belay_run, run_script, run_with_limit};
use wire::{Wire, show, transcript};

const BANNER: &[u8] = b"Adafruit CircuitPython 10.3.0 on 2026-11-23; linux [GCC 12.2.0] version";
const RAW_BANNER: &[u8] = b"raw REPL; CTRL-B to exit\r\n>";
/// What the supervisor prints after running (no) code.py, then it waits for a key.
const CODE_DONE: &[u8] = b"\r\n\x1b[2K\x1b[0GAuto-reload is on. Simply save files over USB to run \
    them or enter REPL to disable.\r\n\r\nCode done running.\r\n\r\nPress any key to enter the \
    REPL. Use CTRL-D to reload.\r\n";
const KEY_PROMPT_END: &[u8] = b"Use CTRL-D to reload.\r\n";

/// A CircuitPython board whose supervisor.ticks_ms() wraps `before_wrap_ms` after power-on.
fn circuitpython_board(before_wrap_ms: u32) -> Board {
    let start = ((1u32 << 29) - before_wrap_ms).to_string();
    Board::start_with(Kind::Unix, &["--circuitpython", "--cp-ticks-start", &start])
}

/// The recorded session's bytes as comparable: our firmware's version string, and the board
/// clock in results (`_BELAYR|<ticks>|...`, `_BELAYR||<ticks>`) as `T`.
fn comparable(bytes: &[u8]) -> Vec<u8> {
    let text: String = bytes.iter().map(|&b| b as char).collect();
    let text = text.replace("10.3.0-alpha.4-53-gcd3da4a5d8-dirty", "10.3.0");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("_BELAYR|") {
        let mut end = at + "_BELAYR|".len();
        end += usize::from(rest[end..].starts_with('|'));
        out.push_str(&rest[..end]);
        rest = rest[end..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('T');
    }
    out.push_str(rest);
    out.chars().map(|c| c as u8).collect()
}

#[test]
fn the_board_answers_belays_recorded_circuitpython_session_alike() {
    let board = circuitpython_board(65536);
    let mut wire = Wire::open(&board.port);
    // The recording starts at the REPL; ours starts at the supervisor's "press any key".
    wire.read_until("the supervisor's text", Duration::from_secs(10), |s| {
        s.ends_with(KEY_PROMPT_END)
    });
    wire.ask(b"\r", b"\r\n>>> ");
    // The session syncs to /tmp/belay_rec_cp (the unix port's files are the host's): a folder of
    // ours with a name of the same length keeps the raw-paste windows the same.
    let dir = format!("/tmp/bcp{:09}", std::process::id() % 1_000_000_000);
    let steps = transcript("circuitpython-10.3-belay-session.jsonl");
    let all: Vec<u8> = steps
        .iter()
        .filter(|s| !s.0)
        .flat_map(|s| s.1.clone())
        .collect();
    let all = comparable(&all);
    let mut expected = Vec::new();
    for (from_host, bytes) in steps {
        if !from_host {
            expected.extend_from_slice(&bytes);
            continue;
        }
        // Before each write, the answers recorded before it (or a difference).
        let want = comparable(&expected).len();
        wire.read_until("the recorded answer", Duration::from_secs(10), |s| {
            let got = comparable(s);
            got.len() >= want || !all.starts_with(&got)
        });
        let got = comparable(&wire.seen);
        if !all.starts_with(&got) {
            break;
        }
        let text: String = bytes.iter().map(|&b| b as char).collect();
        let text = text.replace("/tmp/belay_rec_cp", &dir);
        wire.send(&text.chars().map(|c| c as u8).collect::<Vec<u8>>());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let got = comparable(&wire.seen);
    let same = got.iter().zip(&all).take_while(|(a, b)| a == b).count();
    assert!(
        same == all.len(),
        "the board's answers differ from the recording after {same} bytes:\n  recorded: {}\n  \
         received: {}",
        show(&all[same.saturating_sub(80)..(same + 80).min(all.len())]),
        show(&got[same.saturating_sub(80)..(same + 80).min(got.len())]),
    );
}

/// supervisor.ticks_ms() as the board reports it (raw REPL).
fn ticks(wire: &mut Wire) -> u64 {
    let out = wire.ask(
        b"import supervisor\nprint(supervisor.ticks_ms())\x04",
        b"\x04>",
    );
    let text = String::from_utf8_lossy(&out);
    let digits = text.strip_prefix("OK").and_then(|t| t.split("\r\n").next());
    digits
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{text:?}"))
}

#[test]
fn reboots_reloads_and_repl_switches_on_the_wire() {
    let board = circuitpython_board(65536);
    let mut wire = Wire::open(&board.port);
    wire.read_until("the power-on text", Duration::from_secs(10), |s| {
        s.ends_with(KEY_PROMPT_END)
    });
    assert_eq!(show(&wire.seen), show(CODE_DONE));
    // At the supervisor's prompt Ctrl-D reloads again and any other key starts the REPL.
    let reload = [b"soft reboot\r\n", CODE_DONE].concat();
    assert_eq!(show(&wire.ask(b"\x04", KEY_PROMPT_END)), show(&reload));
    let banner = [b"\r\n", BANNER, b"\r\n>>> "].concat();
    assert_eq!(show(&wire.ask(b"x", b">>> ")), show(&banner));
    // Printed newlines arrive as \r\n.
    let out = wire.ask(b"print('a\\nb')\r", b">>> ");
    assert_eq!(show(&out), show(b"print('a\\nb')\r\na\r\nb\r\n>>> "));
    // Ctrl-D at the friendly REPL: a soft reboot that runs (no) code.py, then waits again.
    let reboot = [b"\r\nsoft reboot\r\n", CODE_DONE].concat();
    assert_eq!(show(&wire.ask(b"\x04", KEY_PROMPT_END)), show(&reboot));
    wire.ask(b"\r", b">>> ");
    // Entering the raw REPL starts a fresh VM: a global of the friendly REPL is gone.
    wire.ask(b"y = 1\r", b">>> ");
    let raw = [b"\r\n", RAW_BANNER].concat();
    assert_eq!(show(&wire.ask(b"\x01", RAW_BANNER)), show(&raw));
    let out = wire.ask(b"print(y)\x04", b"\x04>");
    let name_error = b"OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, \
        in <module>\r\nNameError: name 'y' isn't defined\r\n\x04>";
    assert_eq!(show(&out), show(name_error));
    // The boot file left no names behind.
    let out = wire.ask(b"print(sorted(globals()))\x04", b"\x04>");
    assert_eq!(show(&out), show(b"OK['__file__', '__name__']\r\n\x04\x04>"));
    // No threads, no machine.
    for module in ["_thread", "machine"] {
        let out = wire.ask(format!("import {module}\x04").as_bytes(), b"\x04>");
        let error = format!("ImportError: no module named '{module}'\r\n\x04>");
        assert!(out.ends_with(error.as_bytes()), "{}", show(&out));
    }
    // A soft reboot from the raw REPL, as recorded from CircuitPython.
    let out = wire.ask(b"\x04", RAW_BANNER);
    assert_eq!(
        show(&out),
        show(b"OK\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
    );
    // supervisor.reload() ends the command at once and soft-reboots; ticks_ms goes on.
    let before = ticks(&mut wire);
    let code = b"import supervisor\nprint(1)\nsupervisor.reload()\nprint(2)\x04";
    let out = wire.ask(code, RAW_BANNER);
    let reloaded = b"OK1\r\n\x04\x04soft reboot\r\nraw REPL; CTRL-B to exit\r\n>";
    assert_eq!(show(&out), show(reloaded));
    let after = ticks(&mut wire);
    assert!(
        before < after && after - before < 5000,
        "{before} then {after}"
    );
    // Leaving the raw REPL starts a fresh VM too.
    wire.ask(b"z = 1\x04", b"\x04>");
    let banner = [b"\r\n\r\n", BANNER, b"\r\n>>> "].concat();
    assert_eq!(show(&wire.ask(b"\x02", b">>> ")), show(&banner));
    let out = wire.ask(b"z\r", b">>> ");
    assert!(
        out.ends_with(b"NameError: name 'z' isn't defined\r\n>>> "),
        "{}",
        show(&out)
    );
    // microcontroller.reset(): no reboot text, the board starts as from power-on.
    wire.ask(b"\x01", RAW_BANNER);
    let out = wire.ask(
        b"import microcontroller\nmicrocontroller.reset()\x04",
        KEY_PROMPT_END,
    );
    assert_eq!(show(&out), show(&[b"OK", CODE_DONE].concat()));
}

#[test]
fn implementation_threads_time_wrap_sync_and_traceback() {
    let board = circuitpython_board(5000);
    let dst = std::env::temp_dir().join(format!("belay-cp-dst-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    let run = run_script(
        "circuitpython_session.py",
        &[&board.port, &dst.to_string_lossy()],
    );
    let _ = std::fs::remove_dir_all(&dst);
    run.assert_ok();
    assert!(run.stdout.ends_with("circuitpython ok\n"), "{}", run.stdout);
}

fn reboots(case: &str) {
    let board = circuitpython_board(65536);
    let run = run_script("circuitpython_reboots.py", &[&board.port, case]);
    run.assert_ok();
    assert_eq!(run.stdout, format!("{case} ok\n"));
}

#[test]
fn a_reconnect_after_supervisor_reload_replays_the_setup() {
    reboots("reload-reconnect");
}

#[test]
fn a_reboot_between_calls_is_noticed_and_recovered() {
    reboots("between-calls");
}

/// The reboot text that follows a command's end (`\x04\x04soft reboot\r\nraw REPL; CTRL-B to
/// exit\r\n>`) must not be taken for the command's `>` prompt (the next call would run on a fresh
/// VM without belay's helpers); it is noticed and the state replayed.
#[test]
fn a_reboot_as_a_command_ends_is_noticed_and_recovered() {
    reboots("reload-then-call");
}

#[test]
fn info_and_terminal_show_circuitpython() {
    let board = circuitpython_board(65536);
    let mut cmd = belay_run();
    cmd.args(["info", &board.port]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    assert_eq!(run.stdout, "circuitpython v10.3.0 - linux\n");
    // The terminal shows CircuitPython's banner (input from a pipe: the board's answers are
    // shown before the terminal closes).
    let mut cmd = belay_run();
    cmd.args(["terminal", &board.port])
        .stdin(std::process::Stdio::null());
    let run = run_with_limit(cmd, Duration::from_secs(30));
    let banner = String::from_utf8_lossy(BANNER);
    assert!(run.stdout.contains(&*banner), "{}", run.stdout);
    assert!(!run.stdout.contains("MicroPython"), "{}", run.stdout);
}
