//! The protocol floor for the benchmarks: the same command bytes belay-run sends (its board-side
//! helpers included), executed with the bare raw-REPL exchange (write, read to the end marker)
//! and no host Python at all.
//!
//!     floor PORT           -> one JSON line of medians in milliseconds
//!     floor PORT --first   -> connect, define, call once, print (process start to first result)

use std::time::{Duration, Instant};

use belay_transport::wire::{Encoder, Literal, parse_literal, snippets};
use belay_transport::{ConnectOptions, PortSpec, RawRepl};

fn connect(port: &str) -> RawRepl {
    let spec = PortSpec::parse(port).expect("port");
    RawRepl::open(&spec, &ConnectOptions::default()).expect("enter raw REPL")
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

const DEFS: &str = "def add(a, b):\n    return a + b\ndef echo(x):\n    return x\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = args.first().expect("usage: floor PORT [--first]");
    if args.iter().any(|a| a == "--first") {
        let mut repl = connect(port);
        run(&mut repl, &snippets::helpers("@R@"));
        run(&mut repl, DEFS);
        let out = run(&mut repl, &snippets::result("add(1,2)", false));
        println!(
            "first result {}",
            String::from_utf8_lossy(&out).trim_start_matches("@R@")
        );
        return;
    }
    let connect_ms = median_ms(|| drop(connect(port)), 5);
    let mut repl = connect(port);
    // The helpers end by reporting the implementation and which decoders the board has; the
    // values are written for it as belay-run writes them.
    let implementation = run(&mut repl, &snippets::helpers("@R@"));
    let text = implementation
        .strip_prefix(b"@R@")
        .expect("the helpers' result");
    let Ok(Literal::Tuple(items)) = parse_literal(text) else {
        panic!(
            "not an implementation tuple: {}",
            String::from_utf8_lossy(text)
        );
    };
    let flag = |i: usize| items.get(i) == Some(&Literal::Bool(true));
    let encoder = Encoder {
        base64: flag(4),
        int_arrays: flag(5),
    };
    run(&mut repl, DEFS);
    let echo = |arg: &str| snippets::result(&snippets::call("echo", [arg], []), false);
    let blob: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let mut arg = String::new();
    encoder.write_bytes(&blob, &mut arg);
    let echo_bytes = echo(&arg);
    let numbers: Vec<i32> = (0..1000).collect();
    let mut arg = String::new();
    if !encoder.write_int_list(&numbers, &mut arg) {
        let items: Vec<String> = numbers.iter().map(i32::to_string).collect();
        arg = format!("[{}]", items.join(","));
    }
    let echo_list = echo(&arg);
    let add = snippets::result("add(1,2)", false);
    let task = median_ms(|| drop(run(&mut repl, &add)), 300);
    let bytes = median_ms(|| drop(run(&mut repl, &echo_bytes)), 60);
    let list = median_ms(|| drop(run(&mut repl, &echo_list)), 60);
    println!(
        "{{\"connect\": {connect_ms:.4}, \"task_call\": {task:.4}, \"echo_4k_bytes\": {bytes:.4}, \"echo_1000_ints\": {list:.4}}}"
    );
}
