//! Long runs on real boards: random literal values round-trip exactly, and a soak of many calls
//! on one connection keeps host and board memory flat.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::support::{Board, Kind, Run, run_script_with_limit};

/// Long runs get more than the usual minute (CI machines are slow and share two cores).
fn run_long(script: &str, args: &[&str]) -> Run {
    run_script_with_limit(script, args, Duration::from_secs(300))
}

/// A new seed each run (printed, and named in any failure) unless BELAY_PROPERTY_SEED is set.
fn seed() -> String {
    std::env::var("BELAY_PROPERTY_SEED").unwrap_or_else(|_| {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        (now.as_millis() % 1_000_000_007).to_string()
    })
}

#[test]
fn random_literals_round_trip_exactly() {
    for kind in [Kind::Unix, Kind::Wasm] {
        let board = Board::start(kind);
        let seed = seed();
        println!("{} board, seed {seed}", kind.name());
        let run = run_long("literal_roundtrip.py", &[&board.port, "100000", &seed]);
        run.assert_ok();
        assert!(
            run.stdout.starts_with("100000 values round-tripped"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn soak_of_ten_thousand_calls() {
    for kind in [Kind::Unix, Kind::Wasm] {
        let board = Board::start(kind);
        let run = run_long("soak.py", &[&board.port, "10000"]);
        run.assert_ok();
        assert!(
            run.stdout.starts_with("soak: 10000 calls"),
            "{}",
            run.stdout
        );
        println!("{} board: {}", kind.name(), run.stdout.trim());
    }
}
