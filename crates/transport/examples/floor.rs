//! The protocol floor for the benchmarks: the same command bytes belay-run sends (its board-side
//! helpers included), executed with the bare raw-REPL exchange (write, read to the end marker)
//! and no host Python at all.
//!
//!     floor PORT           -> one JSON line of medians in milliseconds
//!     floor PORT --first   -> connect, define, call once, print (process start to first result)

use std::time::{Duration, Instant};

use belay_transport::link::Link;
use belay_transport::port::Port;
use belay_transport::{ConnectOptions, PortSpec, RawRepl, ReplOptions};

fn connect(port: &str) -> RawRepl {
    let spec = PortSpec::parse(port).expect("port");
    let opts = ConnectOptions::default();
    let link = Link::new(Port::open(&spec, &opts).expect("open")).expect("link");
    RawRepl::enter(link, ReplOptions::default()).expect("enter raw REPL")
}

fn run(repl: &mut RawRepl, code: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let err = repl
        .exec(code.as_bytes(), &mut |b| out.extend_from_slice(b))
        .expect("exec");
    assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    out
}

fn median_ms(mut f: impl FnMut(), n: usize) -> f64 {
    f();
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed()
        })
        .collect();
    samples.sort();
    samples[n / 2].as_secs_f64() * 1000.0
}

/// belay-run's board-side helpers, with a fixed result marker.
const HELPERS: &str = include_str!("../../pymodule/src/snippets/helpers.py");
const DEFS: &str = "def add(a, b):\n    return a + b\ndef echo(x):\n    return x\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = args.first().expect("usage: floor PORT [--first]");
    if args.iter().any(|a| a == "--first") {
        let mut repl = connect(port);
        run(&mut repl, &HELPERS.replace("@MARKER@", "@R@"));
        run(&mut repl, DEFS);
        let out = run(&mut repl, "__belay_r(add(1,2)\n)");
        println!(
            "first result {}",
            String::from_utf8_lossy(&out).trim_start_matches("@R@")
        );
        return;
    }
    let connect_ms = median_ms(|| drop(connect(port)), 5);
    let mut repl = connect(port);
    let implementation = run(&mut repl, &HELPERS.replace("@MARKER@", "@R@"));
    // The helpers end by reporting whether the board has fast base64 (as belay-run decides).
    let base64 = implementation.ends_with(b"True)") || implementation.ends_with(b"True, False)");
    run(&mut repl, DEFS);
    let blob: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&blob);
    let echo_bytes = if base64 {
        format!("__belay_r(echo(__belay_a2b(b'{b64}'))\n)")
    } else {
        let literal: String = blob
            .iter()
            .map(|&b| match b {
                b'\\' => "\\\\".to_string(),
                b'\'' => "\\'".to_string(),
                0x20..=0x7e => (b as char).to_string(),
                _ => format!("\\x{b:02x}"),
            })
            .collect();
        format!("__belay_r(echo(b'{literal}')\n)")
    };
    // belay-run sends a long list of small ints as a packed array when the board can unpack it.
    let int_arrays = implementation.ends_with(b"True, True)");
    let echo_list = if int_arrays {
        let packed: Vec<u8> = (0..1000i16).flat_map(|i| i.to_le_bytes()).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&packed);
        format!("__belay_r(echo(__belay_il('h',b'{b64}'))\n)")
    } else {
        let numbers: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        format!("__belay_r(echo([{}])\n)", numbers.join(","))
    };
    let task = median_ms(|| drop(run(&mut repl, "__belay_r(add(1,2)\n)")), 300);
    let bytes = median_ms(|| drop(run(&mut repl, &echo_bytes)), 60);
    let list = median_ms(|| drop(run(&mut repl, &echo_list)), 60);
    println!(
        "{{\"connect\": {connect_ms:.4}, \"task_call\": {task:.4}, \"echo_4k_bytes\": {bytes:.4}, \"echo_1000_ints\": {list:.4}}}"
    );
}
