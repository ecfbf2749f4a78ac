//! The examples' `circuitpython.py` variants, run by belay-run on the CircuitPython board, with
//! their whole output checked. Board prints arrive as CircuitPython sends them (`\r\n`).

use std::time::Duration;

use crate::support::{Board, belay_run, root, run_with_limit};

fn example(board: &Board, path: &str, args: &[&str]) -> String {
    let mut cmd = belay_run();
    cmd.arg("--port")
        .arg(&board.port)
        .arg(root().join("examples").join(path))
        .args(args);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    run.stdout
}

/// The stand-in CPU sensor's readings on a fresh VM (microcontroller.py: 27 + (n % 7 - 3) * 0.8).
fn temperatures(n: usize) -> String {
    (1..=n)
        .map(|k| format!("Temperature: {:.1}C\n", 27.0 + ((k % 7) as f64 - 3.0) * 0.8))
        .collect()
}

#[test]
fn circuitpython_examples() {
    let board = super::circuitpython_board(65536);
    let blink = "Printing from device; turning LED to True.\r\nhost: LED reads True\n\
                 Printing from device; turning LED to False.\r\nhost: LED reads False\n";
    let args = ["--count", "2", "--period", "0"];
    assert_eq!(
        example(&board, "01_blink_led/circuitpython.py", &args),
        blink.repeat(2)
    );
    assert_eq!(
        example(&board, "02_blink_neopixel/circuitpython.py", &args),
        "red: sent GRB (0, 255, 0)\ngreen: sent GRB (255, 0, 0)\nblue: sent GRB (0, 0, 255)\n"
            .repeat(2)
    );
    assert_eq!(
        example(&board, "03_read_adc/circuitpython.py", &args),
        temperatures(2)
    );
    assert_eq!(temperatures(2), "Temperature: 25.4C\nTemperature: 26.2C\n");
    assert_eq!(
        example(&board, "04_thread/circuitpython.py", &args),
        "No thread on this board: CircuitPython has no _thread module: @device.thread is not \
         available\n"
            .to_string()
            + &temperatures(2)
    );
    let limit = ["--limit", "2", "--period", "0"];
    assert_eq!(
        example(&board, "10_generators/circuitpython.py", &limit),
        "0\n1\n2\n"
    );
}

#[test]
fn circuitpython_exception_and_sync_examples() {
    let board = super::circuitpython_board(65536);
    let file = root().join("examples/05_exception/circuitpython.py");
    let line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.contains("raise Exception("))
        .unwrap()
        + 1;
    let traceback = format!(
        "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n  \
         File \"{}\", line {line}, in f\r\n    raise Exception(\"This is raised on-device.\")\r\n\
         Exception: This is raised on-device.\r\n",
        file.display()
    );
    assert_eq!(
        example(&board, "05_exception/circuitpython.py", &[]),
        format!("Caught the board's exception:\n{traceback}\n")
    );
    let dst = std::env::temp_dir().join(format!("belay-cp-example06-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    let out = example(
        &board,
        "06_external_modules_and_file_sync/circuitpython.py",
        &[
            "--count",
            "1",
            "--period",
            "0",
            "--dst",
            &dst.to_string_lossy(),
        ],
    );
    let synced = std::fs::read_to_string(dst.join("led.py"));
    let _ = std::fs::remove_dir_all(&dst);
    assert_eq!(
        out,
        "Using the synced \"led.py\" through device(...) commands.\n\
         Using the synced \"led.py\" from a task.\nLED states: [True, False]\n\
         Reading a synced file from a task. Contents:\nHello from a file synced to the board!\n"
    );
    assert!(synced.unwrap().contains("def set("));
}
