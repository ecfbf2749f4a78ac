//! belay-run's own commands against a real board.

mod support;

use std::time::Duration;

use support::{Board, Kind, belay_run, run_with_limit};

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
