//! CircuitPython code paths on a real MicroPython VM wearing CircuitPython 10.3's personality
//! (`board.py unix --circuitpython`: its sys, time, os, supervisor, board and digitalio), plus the
//! CircuitPython variants of the examples.

mod support;

use std::time::Duration;

use support::{Board, Kind, belay_run, root, run_script, run_with_limit};

/// A CircuitPython board whose supervisor.ticks_ms() wraps `before_wrap_ms` after connecting.
fn circuitpython_board(before_wrap_ms: u32) -> Board {
    let start = ((1u32 << 29) - before_wrap_ms).to_string();
    Board::start_with(Kind::Unix, &["--circuitpython", "--cp-ticks-start", &start])
}

#[test]
fn implementation_threads_time_wrap_sync_and_reconnect() {
    let board = circuitpython_board(1500);
    let dst = std::env::temp_dir().join(format!("belay-cp-dst-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    let run = run_script("circuitpython.py", &[&board.port, &dst.to_string_lossy()]);
    run.assert_ok();
    assert!(run.stdout.ends_with("circuitpython ok\n"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dst);
}

#[test]
fn the_board_looks_like_circuitpython_on_the_wire() {
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
    assert!(
        run.stdout.contains("Adafruit CircuitPython 10.3.0 on"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("MicroPython"), "{}", run.stdout);
}

fn example(path: &str, board: &Board, args: &[&str]) -> String {
    let mut cmd = belay_run();
    cmd.arg("--port")
        .arg(&board.port)
        .arg(root().join("examples").join(path))
        .args(args);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    run.stdout
}

#[test]
fn circuitpython_examples() {
    let board = circuitpython_board(65536);
    let one = "Printing from device; turning LED to True.\nhost: LED reads True\n\
               Printing from device; turning LED to False.\nhost: LED reads False\n";
    assert_eq!(
        example(
            "01_blink_led/circuitpython.py",
            &board,
            &["-n", "2", "--period", "0"]
        ),
        one.repeat(2)
    );
    let out = example(
        "04_thread/circuitpython.py",
        &board,
        &["-n", "2", "--period", "0"],
    );
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "No thread on this board: CircuitPython has no _thread module: @device.thread is not available"
        )
    );
    for line in lines {
        temperature(line);
    }
    assert_eq!(
        example(
            "10_generators/circuitpython.py",
            &board,
            &["--limit", "3", "--period", "0"]
        ),
        "0\n1\n2\n3\n"
    );
    assert_eq!(
        example(
            "02_blink_neopixel/circuitpython.py",
            &board,
            &["-n", "1", "--period", "0"]
        ),
        "red: sent GRB (0, 255, 0)\ngreen: sent GRB (255, 0, 0)\nblue: sent GRB (0, 0, 255)\n"
    );
    let out = example(
        "03_read_adc/circuitpython.py",
        &board,
        &["-n", "3", "--period", "0"],
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    for line in out.lines() {
        temperature(line);
    }
    let out = example("05_exception/circuitpython.py", &board, &[]).replace("\r\n", "\n");
    assert!(
        out.starts_with("Caught the board's exception:\nTraceback"),
        "{out}"
    );
    assert!(
        out.contains("05_exception/circuitpython.py\", line "),
        "{out}"
    );
    assert!(
        out.ends_with("Exception: This is raised on-device.\n\n"),
        "{out}"
    );
    let dst = std::env::temp_dir().join(format!("belay-cp-example06-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    let out = example(
        "06_external_modules_and_file_sync/circuitpython.py",
        &board,
        &["-n", "1", "--period", "0", "--dst", &dst.to_string_lossy()],
    );
    assert_eq!(
        out,
        "Using the synced \"led.py\" through device(...) commands.\n\
         Using the synced \"led.py\" from a task.\nLED states: [True, False]\n\
         Reading a synced file from a task. Contents:\nHello from a file synced to the board!\n"
    );
    assert!(dst.join("led.py").is_file());
    let _ = std::fs::remove_dir_all(&dst);
}

/// A temperature line from the stand-in CPU sensor.
fn temperature(line: &str) -> f64 {
    let t: f64 = line
        .strip_prefix("Temperature: ")
        .and_then(|t| t.strip_suffix('C'))
        .unwrap_or_else(|| panic!("{line:?}"))
        .parse()
        .unwrap();
    assert!((20.0..35.0).contains(&t), "{t}");
    t
}
