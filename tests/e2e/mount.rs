//! Host folders mounted on the test boards: the device API (tests/scripts/mount.py), `belay-run
//! run --mount` and the `belay-run mount` terminal, each in a scratch folder of the test.

use std::path::Path;
use std::time::Duration;

use crate::support::{
    Board, Kind, OnPty, belay_run, check_script_on, root, run_with_limit, watchdog,
};

fn check(kind: Kind) {
    let scratch = tempfile::tempdir().unwrap();
    let folder = scratch.path().join("mounted");
    let board = Board::start(kind);
    check_script_on(
        &board,
        "mount.py",
        &[folder.to_str().unwrap(), kind.name()],
        "mount ok",
    );
}

#[test]
fn mount_on_the_unix_board() {
    check(Kind::Unix);
}

#[test]
fn mount_on_the_wasm_board() {
    check(Kind::Wasm);
}

/// A folder with a module that says where it was read from (the host file's content).
fn folder_with_module(scratch: &Path) -> std::path::PathBuf {
    let folder = scratch.join("project");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("greet.py"),
        "def hello():\n    return 'hi from ' + 'the host folder'\n",
    )
    .unwrap();
    folder
}

/// `belay-run run --mount FOLDER SCRIPT`: the script's device has the folder mounted before its
/// setups run.
fn run_mounted(kind: Kind) {
    let scratch = tempfile::tempdir().unwrap();
    let folder = folder_with_module(scratch.path());
    let board = Board::start(kind);
    let mut cmd = belay_run();
    cmd.args(["run", "--mount", folder.to_str().unwrap()])
        .arg(root().join("tests/scripts/mounted_run.py"))
        .arg(&board.port);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    assert!(run.stdout.ends_with("mounted run ok\n"), "{}", run.stdout);
    assert_eq!(
        std::fs::read_to_string(folder.join("written.txt")).unwrap(),
        "written by the board"
    );
}

#[test]
fn run_with_a_mounted_folder_on_the_unix_board() {
    run_mounted(Kind::Unix);
}

#[test]
fn run_with_a_mounted_folder_on_the_wasm_board() {
    run_mounted(Kind::Wasm);
}

/// `belay-run mount PORT FOLDER` on a pty, as a person uses it: the board's REPL imports from the
/// folder and writes into it; after a soft reboot (Ctrl-D) the folder is mounted again; Ctrl-]
/// leaves.
fn mount_terminal(kind: Kind) {
    let scratch = tempfile::tempdir().unwrap();
    let folder = folder_with_module(scratch.path());
    let board = Board::start(kind);
    let mut cmd = belay_run();
    cmd.args(["mount", &board.port, folder.to_str().unwrap()]);
    let mut term = OnPty::spawn(cmd);
    let guard = watchdog(term.child.id(), Duration::from_secs(60));
    term.wait_for("Ctrl-] exits");
    term.wait_for(">>> ");
    term.send(b"import greet, os; print(greet.hello(), os.getcwd())\r");
    term.wait_for("hi from the host folder /remote");
    term.send(b"open('typed.txt', 'w').write('typed ' * 1000)\r");
    term.wait_for("6000");
    // Written through at once, although the board never closed the file.
    let typed = std::fs::read_to_string(folder.join("typed.txt")).unwrap();
    assert!(typed == "typed ".repeat(1000), "{} bytes", typed.len());
    // The board reboots: its state is gone, the mount comes back.
    term.send(b"\x04");
    term.wait_for("mounted again at /remote");
    let after = term.seen.len();
    term.send(b"import greet; print(greet.hello().upper())\r");
    term.wait_for("HI FROM THE HOST FOLDER");
    assert!(term.seen.len() > after);
    term.send(b"\x1d");
    term.wait_for("terminal closed");
    let status = term.child.wait().unwrap();
    drop(guard);
    assert!(
        status.success(),
        "{status:?}: {}",
        String::from_utf8_lossy(&term.seen)
    );
}

#[test]
fn mount_terminal_on_the_unix_board() {
    mount_terminal(Kind::Unix);
}

#[test]
fn mount_terminal_on_the_wasm_board() {
    mount_terminal(Kind::Wasm);
}

/// CircuitPython cannot mount a Python VFS: `run --mount` fails before anything is sent, saying
/// what to use instead.
#[test]
fn a_mount_on_circuitpython_is_refused_clearly() {
    let scratch = tempfile::tempdir().unwrap();
    let folder = folder_with_module(scratch.path());
    let board = Board::start_with(Kind::Unix, &["--circuitpython"]);
    let mut cmd = belay_run();
    cmd.args(["run", "--mount", folder.to_str().unwrap()])
        .arg(root().join("tests/scripts/mounted_run.py"))
        .arg(&board.port);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("NotImplementedError: CircuitPython cannot mount a host folder"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("belay-run fs cp"), "{}", run.stderr);
}

/// `belay-run mount` with piped input: each line goes at the board's prompt, so the mount's
/// answers (read from the same console) never meet the lines that follow.
#[test]
fn mount_with_piped_input() {
    use std::io::Write;
    use std::process::Stdio;
    let scratch = tempfile::tempdir().unwrap();
    let folder = folder_with_module(scratch.path());
    let board = Board::start(Kind::Unix);
    let mut cmd = belay_run();
    cmd.args(["mount", &board.port, folder.to_str().unwrap(), "--readonly"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let guard = watchdog(child.id(), Duration::from_secs(60));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"import greet\nprint(greet.hello())\nimport os; print(sorted(os.listdir()))\n\
              open('new.txt', 'w')\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    drop(guard);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("\nhi from the host folder\r\n")
            || stdout.contains("\nhi from the host folder\n"),
        "{stdout}"
    );
    assert!(stdout.contains("['greet.py']"), "{stdout}");
    // Read-only: the board's own error, and nothing written on the host.
    assert!(
        stdout.contains("OSError: 30") || stdout.contains("OSError: [Errno 30]"),
        "{stdout}"
    );
    assert!(!folder.join("new.txt").exists());
    assert!(stderr.contains("mounted at /remote"), "{stderr}");
    assert!(stderr.contains("(read-only)"), "{stderr}");
}

/// A small board (the unix port with a 64 KiB heap, `startup=""`): a mounted folder takes and
/// gives files larger than the board's heap, in bounded pieces (docs/protocol.md §7).
#[test]
fn mount_streams_large_files_on_a_64k_board() {
    let scratch = tempfile::tempdir().unwrap();
    let folder = scratch.path().join("mounted");
    let board = Board::start_with(Kind::Unix, &["--heap", "64k"]);
    check_script_on(
        &board,
        "mount_small_heap.py",
        &[folder.to_str().unwrap()],
        "small heap mount ok",
    );
}
