//! A small board: the unix port with a 64 KiB heap (`board.py --heap 64k`), the free memory of
//! an ESP8266/ESP32-class board. Files larger than the heap go through sync in bounded pieces,
//! and the board scripts of the other modules run here too, with `startup=""` (docs/protocol.md
//! §5, "Peak board allocation").

use std::time::Duration;

use crate::fs::noise;
use crate::support::{Board, Kind, belay_run, check_script_on, run_script, run_with_limit};

fn small_board() -> Board {
    Board::start_with(Kind::Unix, &["--heap", "64k"])
}

/// A scratch host folder (the unix board's files are the host's).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("belay-small-{name}-"))
        .tempdir()
        .unwrap()
}

/// `belay-run sync PORT FOLDER --dst DST` of a 100 KiB file that does not compress, then again
/// after one byte in its middle changed.
#[test]
fn cli_sync_of_a_file_larger_than_the_heap() {
    let dir = scratch("cli-sync");
    let (src, dst) = (dir.path().join("src"), dir.path().join("dst"));
    std::fs::create_dir(&src).unwrap();
    let mut data = noise(100 * 1024);
    std::fs::write(src.join("big.bin"), &data).unwrap();
    let board = small_board();
    let sync = || {
        let mut cmd = belay_run();
        cmd.args(["sync", &board.port, src.to_str().unwrap(), "--dst"])
            .arg(&dst);
        run_with_limit(cmd, Duration::from_secs(60)).assert_ok();
    };
    sync();
    assert!(std::fs::read(dst.join("big.bin")).unwrap() == data);
    data[50_000] ^= 1;
    std::fs::write(src.join("big.bin"), &data).unwrap();
    sync();
    assert!(std::fs::read(dst.join("big.bin")).unwrap() == data);
}

/// `device.sync` of a 100 KiB file with `startup=""`: sent, left alone when unchanged (hashed on
/// the board), sent again after a change (tests/scripts/small_heap.py).
#[test]
fn device_sync_of_a_file_larger_than_the_heap_without_startup() {
    let dir = scratch("device-sync");
    check_script_on(
        &small_board(),
        "small_heap.py",
        &[dir.path().to_str().unwrap(), "sync"],
        "small heap sync ok",
    );
}

/// The board scripts of the other modules, each on a fresh 64 KiB board with `--no-startup`
/// (`startup=""`): (script, arguments, what its output must hold). `{scratch}` is a fresh host folder.
/// Not here: bulk.py (its own data is a 64 KiB blob, as large as the heap), mount.py (reads a
/// 1 MiB file in 10 000-byte pieces of its own; mount_small_heap.py is its small-board form in
/// mount.rs), literal_roundtrip.py (batches of 100 random values whose repr() on the board can
/// exceed what a fragmented 64 KiB heap gives at once), and the scripts that need another board
/// (CircuitPython, network, stats, float32) or test the host alone. Also not here: events.py
/// timer, whose connections made while the board's 2 ms timer still streams events sometimes time
/// out waiting for the raw REPL (1 run in about 3 under load, on any heap: the open cause behind
/// issue 27's flaky `events::events_wasm_with_a_timer_in_plain_raw_mode`); it passes on a 64 KiB
/// board when that race is not hit, and runs in events.rs on the default heap.
const SCRIPTS: &[(&str, &[&str], &str)] = &[
    ("literals.py", &[], "literals ok 34"),
    ("exceptions.py", &[], "exceptions ok"),
    ("eval_exec.py", &[], "eval ok"),
    ("nested_method.py", &[], "nested ok"),
    ("reconnect.py", &[], "reconnect ok"),
    ("belay_integration.py", &[], "belay integration ok"),
    ("board_syntax_error.py", &[], "board syntax error ok"),
    ("decorators.py", &["threads"], "decorators ok"),
    ("proxies.py", &[], "proxies ok"),
    ("timing.py", &["native,viper"], "timing ok"),
    ("threads.py", &["20", "8"], "threads ok"),
    ("floats.py", &["double"], "floats ok double"),
    ("sync.py", &["{scratch}/nested"], "sync ok"),
    ("board_names.py", &["{scratch}"], "board names ok"),
    ("events.py", &["thread"], "events ok"),
    ("timeout.py", &[], "timeout ok"),
    ("soak.py", &["2000"], "soak: 2000 calls"),
];

#[test]
fn board_scripts_on_a_64k_board_without_startup() {
    let mut failed = Vec::new();
    for (script, args, last) in SCRIPTS {
        let dir = scratch("script");
        let folder = dir.path().to_str().unwrap();
        let mut all: Vec<String> = args
            .iter()
            .map(|a| a.replace("{scratch}", folder))
            .collect();
        all.push("--no-startup".into());
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let board = small_board();
        let mut with_port = vec![board.port.as_str()];
        with_port.extend(all);
        let run = run_script(script, &with_port);
        if !run.status.success() || !run.stdout.contains(last) {
            failed.push(format!("{script} {}: {run:?}", args.join(" ")));
        }
    }
    assert!(failed.is_empty(), "failed on a 64 KiB board: {failed:?}");
}
