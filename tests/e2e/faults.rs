//! Fault injection on real boards: reboots, hostile output, noise and a busy board at connect.
//! Each test bounds its time (run_with_limit) on top of what the scripts assert.

use crate::support::{
    Board, Kind, check_script, check_script_on, run_script, run_script_with_limit,
};

#[test]
fn unexpected_reboots_are_detected() {
    check_script(Kind::Unix, "reboots.py", &[], "reboots ok");
}

/// 2 x 10 MB of board output per board: about 20 s on the webassembly board alone, so it gets a
/// hang limit of its own (a loaded 2-core machine took more than the default 60 s).
#[test]
fn huge_binary_and_forged_output() {
    for kind in [Kind::Unix, Kind::Wasm] {
        let board = Board::start(kind);
        let run = run_script_with_limit(
            "hostile_output.py",
            &[&board.port],
            std::time::Duration::from_secs(180),
        );
        run.assert_ok();
        assert!(
            run.stdout.ends_with("hostile output ok\n"),
            "{}: {}",
            kind.name(),
            run.stdout
        );
    }
}

/// Boot noise (binary junk, half a line) before and during connect, and a main.py that never
/// ends: connecting still works and the board answers.
#[test]
fn noise_and_a_busy_main_py_at_connect() {
    for (kind, extra) in [
        (Kind::Unix, &["--noise", "--busy"][..]),
        (Kind::Unix, &["--busy"][..]),
        (Kind::Wasm, &["--noise"][..]),
    ] {
        check_script_on(
            &Board::start_with(kind, extra),
            "eval_exec.py",
            &[],
            "eval ok",
        );
    }
}

/// A board's error text naming a host file (a forged traceback frame) does not make belay-run
/// open that file and print a line of it with the error.
#[test]
fn a_forged_traceback_cannot_show_host_files() {
    let secret = std::env::temp_dir().join(format!("belay-secret-{}", std::process::id()));
    std::fs::write(&secret, "TOPSECRET line one\n").unwrap();
    let board = Board::start(Kind::Unix);
    let run = run_script(
        "forged_traceback.py",
        &[&board.port, secret.to_str().unwrap()],
    );
    std::fs::remove_file(&secret).unwrap();
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("OSError"), "{}", run.stderr);
    assert!(!run.stderr.contains("TOPSECRET"), "{}", run.stderr);
}
