//! belay-run's own commands against a real board.

use std::time::Duration;

use crate::support::{Board, Kind, OnPty, belay_run, check_terminal_session, run_with_limit};

#[test]
fn latency_prints_belay_statistics() {
    let board = Board::start(Kind::Unix);
    let mut cmd = belay_run();
    cmd.args(["latency", &board.port, "-c", "3"]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    assert!(
        run.stdout.starts_with("Statistics (3 samples):\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches(" ms\n").count(), 5, "{}", run.stdout);
    for label in ["Min:", "Max:", "Average:", "Median:", "Std Dev:"] {
        assert!(run.stdout.contains(label), "{}", run.stdout);
    }
}

#[test]
fn latency_verbose_and_csv() {
    let board = Board::start(Kind::Wasm);
    let csv = std::env::temp_dir().join(format!("belay-latency-{}.csv", std::process::id()));
    let mut cmd = belay_run();
    cmd.env("BELAY_DEVICE", &board.port)
        .args(["latency", "-v", "--count", "4", "--without-timing", "-o"])
        .arg(&csv);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    assert!(
        run.stdout
            .starts_with("Measuring latency with 4 iterations...\n   1: "),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches(" ms\n").count(), 4 + 5, "{}", run.stdout);
    let written = std::fs::read_to_string(&csv).unwrap();
    let mut lines = written.lines();
    assert_eq!(lines.next(), Some("latency_ms"));
    let values: Vec<f64> = lines.map(|l| l.parse().unwrap()).collect();
    assert_eq!(values.len(), 4);
    assert!(values.iter().all(|v| *v > 0.0));
    let _ = std::fs::remove_file(csv);
}

/// `belay-run select` as a person uses it: the first port is offered first; Enter picks it.
fn select_through_a_pty(first_listed: Option<&str>) {
    let Some(row) = first_listed else {
        let run = command(&["select"]);
        assert_eq!(run.code(), Some(1), "{run:?}");
        assert!(
            run.stderr.contains("no serial ports found"),
            "{}",
            run.stderr
        );
        return;
    };
    let cells: Vec<&str> = row.split_whitespace().collect();
    let mut cmd = belay_run();
    cmd.arg("select");
    let mut term = OnPty::spawn(cmd);
    let guard = crate::support::watchdog(term.child.id(), Duration::from_secs(30));
    term.wait_for("Select a board");
    term.wait_for(cells[0]);
    term.send(b"\r");
    let expected = if cells[1] == "-" {
        format!("export BELAY_DEVICE='{}'", cells[0])
    } else {
        "export BELAY_DEVICE='{\"vid\":".to_string()
    };
    term.wait_for(&expected);
    let status = term.child.wait().unwrap();
    drop(guard);
    assert!(status.success(), "{status:?}");
}

fn command(args: &[&str]) -> crate::support::Run {
    let mut cmd = belay_run();
    cmd.args(args);
    run_with_limit(cmd, Duration::from_secs(60))
}

#[test]
fn info_prints_name_version_and_platform() {
    for (kind, expected) in [
        (Kind::Unix, "micropython v1.29.0-preview - linux\n"),
        (Kind::Wasm, "micropython v1.27.0 - webassembly\n"),
    ] {
        let board = Board::start(kind);
        let run = command(&["info", &board.port]);
        run.assert_ok();
        assert_eq!(run.stdout, expected);
    }
}

#[test]
fn exec_prints_expression_values_and_fails_on_board_errors() {
    let board = Board::start(Kind::Unix);
    let run = command(&["exec", &board.port, "[1, 'a', b'\\x00', 2**70]"]);
    run.assert_ok();
    assert_eq!(run.stdout, "[1, 'a', b'\\x00', 1180591620717411303424]\n");
    // A statement prints what the board prints, nothing more; BELAY_DEVICE names the port.
    let mut cmd = belay_run();
    cmd.env("BELAY_DEVICE", &board.port)
        .args(["exec", "for i in range(2): print('line', i)"]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    assert_eq!(run.stdout, "line 0\nline 1\n");
    let run = command(&["--port", &board.port, "exec", "1/0"]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("ZeroDivisionError"), "{}", run.stderr);
}

/// `exec` as the board's REPL: every expression statement's value that is not None is printed
/// (literals as the host's repr of the value, anything else as the board's own repr), several
/// arguments run in order, and nothing is evaluated twice.
#[test]
fn exec_prints_values_as_the_boards_repl_does() {
    let board = Board::start(Kind::Unix);
    let exec = |args: &[&str]| {
        let mut all = vec!["exec", board.port.as_str()];
        all.extend_from_slice(args);
        let run = command(&all);
        run.assert_ok();
        run.stdout
    };
    assert_eq!(
        exec(&["import os; os.chdir('/tmp'); os.getcwd()"]),
        "'/tmp'\n"
    );
    assert_eq!(exec(&["1; 2"]), "1\n2\n");
    assert_eq!(exec(&["x = 1", "x + 1"]), "2\n");
    assert_eq!(
        exec(&["0.1 + 0.2", "None", "print('said')"]),
        "0.30000000000000004\nsaid\n"
    );
    // Non-literal values: the board's repr.
    assert_eq!(exec(&["import machine; machine.Pin(2)"]), "Pin(2)\n");
    assert_eq!(
        exec(&["import machine", "[machine.Pin(1), 'a']"]),
        "[Pin(1), 'a']\n"
    );
    assert_eq!(
        exec(&["import machine", "machine"]),
        "<module 'machine' from 'machine.py'>\n"
    );
    // One evaluation per expression, literal or not.
    assert_eq!(exec(&["l = []", "l.append(1) or l", "len(l)"]), "[1]\n1\n");
    let counted = "n = [0]\ndef pin():\n    n[0] += 1\n    return machine.Pin(n[0])";
    assert_eq!(
        exec(&["import machine", counted, "pin()", "n[0]"]),
        "Pin(1)\n1\n"
    );
    // The default port and several statements.
    let mut cmd = belay_run();
    cmd.env("BELAY_DEVICE", &board.port)
        .args(["exec", "y = 20", "y + 1"]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    assert_eq!(run.stdout, "21\n");
    // A board exception names the line of its statement.
    let run = command(&["exec", &board.port, "x = 1\nx\nraise ValueError('third')"]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.stdout, "1\n");
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    assert!(!run.stderr.contains("<belay-run"), "{}", run.stderr);
    // A syntax error is found before any board is opened.
    let run = command(&["exec", "/dev/belay-run-missing-port", "x = ("]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("invalid syntax"), "{}", run.stderr);
    assert!(!run.stderr.contains("could not connect"), "{}", run.stderr);
    // A port and nothing to run: a usage error.
    let run = command(&["exec", "/dev/belay-run-missing-port"]);
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(run.stderr.contains("no statement to run"), "{}", run.stderr);

    let wasm = Board::start(Kind::Wasm);
    let run = command(&["exec", &wasm.port, "a = [1, 2.5]", "a; len(a)"]);
    run.assert_ok();
    assert_eq!(run.stdout, "[1, 2.5]\n2\n");
}

#[test]
fn commands_without_a_port_say_how_to_give_one() {
    let mut cmd = belay_run();
    cmd.env_remove("BELAY_DEVICE").args(["info"]);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(run.stderr.contains("no port given"), "{}", run.stderr);
    assert!(run.stderr.contains("BELAY_DEVICE"), "{}", run.stderr);
}

#[test]
fn sync_sends_changes_only_and_reports_them() {
    let board = Board::start(Kind::Wasm);
    let src = std::env::temp_dir().join(format!("belay-cli-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(src.join("pkg")).unwrap();
    std::fs::write(src.join("main.py"), "print('hi')  # comment\n").unwrap();
    std::fs::write(src.join("pkg/data.bin"), vec![7u8; 5000]).unwrap();
    std::fs::write(src.join("notes.md"), "ignored\n").unwrap();
    let folder = src.to_string_lossy().into_owned();
    let sync = |extra: &[&str]| {
        let mut args = vec![
            "sync",
            board.port.as_str(),
            folder.as_str(),
            "--dst",
            "/app",
        ];
        args.extend_from_slice(extra);
        command(&args)
    };
    let run = sync(&["--ignore", "*.md"]);
    run.assert_ok();
    assert_eq!(run.stdout, "Complete: 2 files (4.89 KiB) sent to /app.\n");
    let run = sync(&["--ignore", "*.md"]);
    run.assert_ok();
    assert_eq!(run.stdout, "Complete: 0 files (0 B) sent to /app.\n");
    // Not a terminal: no progress bar drawn.
    assert_eq!(run.stderr, "");
    let run = command(&[
        "exec",
        &board.port,
        "sorted(os.listdir('/app')), open('/app/main.py').read()",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout, "(['main.py', 'pkg'], \"print('hi')\\n\")\n");
    // --empty-ignore: notes.md goes too; --dst must be absolute.
    let run = sync(&["--empty-ignore"]);
    run.assert_ok();
    assert_eq!(run.stdout, "Complete: 1 file (8 B) sent to /app.\n");
    let run = command(&["sync", &board.port, &folder, "--dst", "app"]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("must start with"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&src);
}

#[test]
fn list_select_and_completions() {
    let run = command(&["list"]);
    run.assert_ok();
    let header = run.stdout.lines().next().unwrap_or_default().to_string();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(columns, belay_transport::PORT_COLUMNS, "{}", run.stdout);
    for line in run.stdout.lines().skip(1) {
        let device = line.split_whitespace().next().unwrap();
        assert!(
            std::path::Path::new(device).exists(),
            "{device} listed but missing"
        );
    }
    select_through_a_pty(run.stdout.lines().nth(1));
    let run = command(&["completions", "bash"]);
    run.assert_ok();
    for word in ["belay-run", "sync", "terminal", "--empty-keep"] {
        assert!(
            run.stdout.contains(word),
            "{word} missing from the completion script"
        );
    }
}

/// `belay-run terminal` with its stdin/stdout on a pty, as a person at a terminal uses it: the
/// board's friendly REPL answers typed lines, Ctrl-] leaves.
#[test]
fn terminal_passes_keys_through_until_ctrl_bracket() {
    let board = Board::start(Kind::Unix);
    let mut cmd = belay_run();
    cmd.args(["terminal", &board.port]);
    check_terminal_session(cmd, Duration::from_secs(30));
}
