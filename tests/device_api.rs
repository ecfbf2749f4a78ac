//! The full Device API on real boards: class-based devices, decorators of every kind, generators,
//! proxies, time, reconnection.

mod support;

use support::{Board, Kind, run_script};

fn passes(kind: Kind, script: &str, args: &[&str], expect: &str) {
    let board = Board::start(kind);
    let mut all = vec![board.port.as_str()];
    all.extend_from_slice(args);
    let run = run_script(script, &all);
    run.assert_ok();
    assert!(
        run.stdout.ends_with(&format!("{expect}\n")),
        "stdout:\n{}",
        run.stdout
    );
}

#[test]
fn class_based_devices_unix() {
    passes(Kind::Unix, "classes.py", &[], "classes ok");
}

#[test]
fn class_based_devices_wasm() {
    passes(Kind::Wasm, "classes.py", &[], "classes ok");
}

#[test]
fn decorators_generators_threads_teardowns_unix() {
    passes(Kind::Unix, "decorators.py", &["threads"], "decorators ok");
}

#[test]
fn decorators_generators_teardowns_wasm() {
    // The webassembly port has no _thread module.
    passes(Kind::Wasm, "decorators.py", &["nothreads"], "decorators ok");
}

#[test]
fn proxy_objects_unix() {
    passes(Kind::Unix, "proxies.py", &[], "proxies ok");
}

#[test]
fn proxy_objects_wasm() {
    passes(Kind::Wasm, "proxies.py", &[], "proxies ok");
}

#[test]
fn time_sync_return_time_and_emitters_unix() {
    passes(Kind::Unix, "timing.py", &["native,viper"], "timing ok");
}

#[test]
fn time_sync_return_time_and_emitters_wasm() {
    // The webassembly port compiles no native code.
    passes(Kind::Wasm, "timing.py", &[""], "timing ok");
}
