//! The full Device API on real boards: class-based devices, decorators of every kind, generators,
//! proxies, time, reconnection.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::time::Duration;

use crate::support::{
    Board, Kind, belay_run, check_script, check_script_on, root, run_script, watchdog,
};

#[test]
fn class_based_devices_unix() {
    check_script(Kind::Unix, "classes.py", &[], "classes ok");
}

#[test]
fn class_based_devices_wasm() {
    check_script(Kind::Wasm, "classes.py", &[], "classes ok");
}

#[test]
fn decorators_generators_threads_teardowns_unix() {
    check_script(Kind::Unix, "decorators.py", &["threads"], "decorators ok");
}

#[test]
fn decorators_generators_teardowns_wasm() {
    // The webassembly port has no _thread module.
    check_script(Kind::Wasm, "decorators.py", &["nothreads"], "decorators ok");
}

/// A 64 KiB unix board, the device made with `startup=""`: belay-run's board code (generators,
/// threads, proxies, timed results) imports what it uses and fits the heap.
fn on_a_64k_board_without_startup(script: &str, args: &[&str], last: &str) {
    let board = Board::start_with(Kind::Unix, &["--heap", "64k"]);
    let mut all = args.to_vec();
    all.push("--no-startup");
    check_script_on(&board, script, &all, last);
}

#[test]
fn decorators_generators_threads_on_a_64k_board_without_startup_imports() {
    on_a_64k_board_without_startup("decorators.py", &["threads"], "decorators ok");
}

#[test]
fn proxy_objects_on_a_64k_board_without_startup_imports() {
    on_a_64k_board_without_startup("proxies.py", &[], "proxies ok");
}

#[test]
fn time_sync_and_return_time_on_a_64k_board_without_startup_imports() {
    on_a_64k_board_without_startup("timing.py", &["native,viper"], "timing ok");
}

#[test]
fn results_never_cross_between_host_threads_on_a_64k_board_without_startup_imports() {
    on_a_64k_board_without_startup("threads.py", &["20", "8"], "threads ok");
}

#[test]
fn proxy_objects_unix() {
    check_script(Kind::Unix, "proxies.py", &[], "proxies ok");
}

#[test]
fn proxy_objects_wasm() {
    check_script(Kind::Wasm, "proxies.py", &[], "proxies ok");
}

#[test]
fn time_sync_return_time_and_emitters_unix() {
    check_script(Kind::Unix, "timing.py", &["native,viper"], "timing ok");
}

#[test]
fn time_sync_return_time_and_emitters_wasm() {
    // The webassembly port compiles no native code.
    check_script(Kind::Wasm, "timing.py", &[""], "timing ok");
}

#[test]
fn reconnect_replays_recorded_commands_once() {
    let mut first = Board::start(Kind::Unix);
    let dir = std::env::temp_dir().join(format!("belay-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("board");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&first.port, &link).unwrap();
    let mut child = belay_run()
        .arg(root().join("tests/scripts/replay.py"))
        .arg(&link)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _guard = watchdog(child.id(), Duration::from_secs(60));
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    // The board goes away and comes back under the same name (a USB board re-enumerating).
    first.kill();
    let second = Board::start(Kind::Unix);
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&second.port, &link).unwrap();
    child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {rest}");
    assert_eq!(rest, "replayed\nexplicit reconnect\nhistory full\n");
    let _ = std::fs::remove_dir_all(dir);
}

/// `device.sync` against a board folder: on the unix port the board's filesystem is the host's,
/// so the destination is a fresh host folder; the webassembly board has its own filesystem.
/// With `no_startup` the device is made with `startup=""` (nothing imported on the board
/// before belay-run's own code, which must import what it uses).
fn sync_folder(kind: Kind, no_startup: bool) {
    let dst = match (kind, no_startup) {
        (Kind::Unix, false) => tempfile_dir("belay-sync-dst"),
        (Kind::Unix, true) => tempfile_dir("belay-sync-bare-dst"),
        (Kind::Wasm, false) => "/sync_target".to_string(),
        (Kind::Wasm, true) => "/sync_bare_target".to_string(),
    };
    let flag = if no_startup { "--no-startup" } else { "" };
    let args: Vec<&str> = [dst.as_str(), flag]
        .into_iter()
        .filter(|a| !a.is_empty())
        .collect();
    check_script(kind, "sync.py", &args, "sync ok");
}

fn tempfile_dir(prefix: &str) -> String {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("nested").to_string_lossy().into_owned()
}

#[test]
fn sync_unix() {
    sync_folder(Kind::Unix, false);
}

#[test]
fn sync_wasm() {
    sync_folder(Kind::Wasm, false);
}

#[test]
fn sync_unix_without_startup_imports() {
    sync_folder(Kind::Unix, true);
}

#[test]
fn sync_wasm_without_startup_imports() {
    sync_folder(Kind::Wasm, true);
}

/// An uncaught `PyboardException` is shown with miette: the host line the board code failed on,
/// the board's message, and the host line that made the call; the exit status is 1.
fn uncaught_board_exception(kind: Kind) {
    let board = Board::start(kind);
    let run = run_script("board_failure.py", &[&board.port]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.stdout, "before the call\n");
    let err = &run.stderr;
    for expected in [
        "× NameError: name 'undefined_name' ",
        "board_failure.py:12:5]",
        "return undefined_name * y",
        "raised on the board here",
        "board_failure.py:16:1]",
        "this call ran on the board",
    ] {
        assert!(err.contains(expected), "{expected:?} missing from:\n{err}");
    }
    assert!(
        !err.contains("Traceback (most recent call last):\n  File \"/"),
        "{err}"
    );
}

#[test]
fn uncaught_board_exception_unix() {
    uncaught_board_exception(Kind::Unix);
}

#[test]
fn uncaught_board_exception_wasm() {
    uncaught_board_exception(Kind::Wasm);
}

/// Belay's integration tests, re-expressed (tests/ACCEPTANCE.md).
#[test]
fn belay_integration_assertions_unix() {
    check_script(
        Kind::Unix,
        "belay_integration.py",
        &[],
        "belay integration ok",
    );
}

#[test]
fn belay_integration_assertions_wasm() {
    check_script(
        Kind::Wasm,
        "belay_integration.py",
        &[],
        "belay integration ok",
    );
}

/// What a connect and the first calls cost on the wire (the board's own byte counters), and that
/// results stay exact while the codecs and float helpers arrive on first need.
#[test]
fn wire_bytes_of_connect_and_first_use() {
    let stats = std::env::temp_dir().join(format!("belay-wire-{}.stats", std::process::id()));
    let stats = stats.to_str().expect("a UTF-8 temp path").to_string();
    let board = Board::start_with(Kind::Unix, &["--stats", &stats]);
    let run = crate::support::check_script_on(&board, "wire_bytes.py", &[&stats], "wire bytes ok");
    eprintln!("{}", run.stdout);
    let _ = std::fs::remove_file(&stats);
}

#[test]
fn belay_sentinels_submodules_implementation_complex_soft_reset_unix() {
    check_script(Kind::Unix, "belay_compat.py", &[], "belay compat ok");
}

#[test]
fn belay_sentinels_submodules_implementation_complex_soft_reset_wasm() {
    check_script(Kind::Wasm, "belay_compat.py", &[], "belay compat ok");
}

/// Belay 0.30.1 itself (from PyPI) lists its public names; each is in belay-run or
/// docs/belay-compatibility.md says why not.
#[test]
fn every_public_name_of_belay_is_here_or_documented() {
    let listed = std::process::Command::new(crate::packages::belay_python())
        .arg(root().join("tests/packages/belay_names.py"))
        .output()
        .expect("running Belay's Python");
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let json = std::env::temp_dir().join(format!("belay-names-{}.json", std::process::id()));
    std::fs::write(&json, &listed.stdout).unwrap();
    let doc = root().join("docs/belay-compatibility.md");
    let run = run_script(
        "belay_names.py",
        &[json.to_str().unwrap(), doc.to_str().unwrap()],
    );
    let _ = std::fs::remove_file(&json);
    run.assert_ok();
    assert!(run.stdout.starts_with("belay names ok"), "{}", run.stdout);
}

/// `device.terminal()` in a script, its input piped: the lines run at the board's prompt, and
/// the device works again afterwards.
#[test]
fn device_terminal_runs_the_boards_repl_then_calls_go_on() {
    let board = Board::start(Kind::Unix);
    let mut cmd = belay_run();
    cmd.arg(root().join("tests/scripts/device_terminal.py"))
        .arg(&board.port);
    let input = b"typed = 6 * 7\nprint('at the prompt', typed)\n";
    let run = crate::support::run_feeding(cmd, Some(input), Duration::from_secs(60));
    run.assert_ok();
    assert!(run.stdout.contains("at the prompt 42"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("device terminal ok\n"),
        "{}",
        run.stdout
    );
}
