//! The protocol floor for the benchmarks: the same work as bench/workload.py done with the bare
//! raw-REPL exchange and nothing else — no helpers, no result framing, no host interpreter, each
//! value sent and printed as its plain `repr` (`print(repr(add(1,2)))`, answered by
//! `OK3\r\n\x04\x04>`). What is left of a call once the host costs nothing and the wire format
//! adds nothing.
//!
//!     floor PORT           -> one JSON line of medians in milliseconds
//!     floor PORT --first   -> connect, define, call once, print (process start to first result)
//!
//! With BELAY_BENCH_STATS=FILE (the test board's byte counters, `board.py --stats FILE`), each
//! measurement also reports [bytes to the board, bytes from the board] per call under
//! `<key>_bytes`, as the workload does.

use std::time::{Duration, Instant};

use belay_transport::wire::encode::{write_bytes, write_int};
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

/// The board's byte counters, when the bench provides them.
struct Counters(Option<String>);

impl Counters {
    fn read(&self) -> Option<[u64; 2]> {
        let data = std::fs::read(self.0.as_ref()?).ok()?;
        let word = |i: usize| u64::from_le_bytes(data[i..i + 8].try_into().expect("8 bytes"));
        Some([word(0), word(8)])
    }

    /// The counters once the link has carried nothing for 50 ms (at most 3 s): bytes still under
    /// way on a paced link are counted where they belong.
    fn settled(&self) -> Option<[u64; 2]> {
        let mut last = self.read()?;
        let start = Instant::now();
        let mut since = Instant::now();
        while since.elapsed() < Duration::from_millis(50)
            && start.elapsed() < Duration::from_secs(3)
        {
            std::thread::sleep(Duration::from_millis(5));
            let now = self.read()?;
            if now != last {
                last = now;
                since = Instant::now();
            }
        }
        Some(last)
    }
}

/// `[to the board, from the board]` per call, as JSON.
fn per_call(before: [u64; 2], after: [u64; 2], n: usize) -> String {
    let one = |i: usize| {
        let v = (after[i] - before[i]) as f64 / n as f64;
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    format!("[{}, {}]", one(0), one(1))
}

/// The median of `n` runs of `f` (after a warm-up) in ms, and the bytes per run.
fn measure(
    counters: &Counters,
    results: &mut Vec<String>,
    key: &str,
    n: usize,
    mut f: impl FnMut(),
) {
    f();
    let before = counters.read();
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed()
        })
        .collect();
    if let (Some(before), Some(after)) = (before, counters.read()) {
        results.push(format!("\"{key}_bytes\": {}", per_call(before, after, n)));
    }
    samples.sort();
    let ms = samples[n / 2].as_secs_f64() * 1000.0;
    results.push(format!("\"{key}\": {ms:.4}"));
}

/// `n` pseudo-random 31-bit numbers (the same sequence as `lcg` in bench/workload.py).
fn lcg(n: usize) -> Vec<i64> {
    let mut seed: i64 = 1;
    (0..n)
        .map(|_| {
            seed = (seed * 1_103_515_245 + 12_345) & 0x7FFF_FFFF;
            seed
        })
        .collect()
}

const DEFS: &str = "def add(a, b):\n    return a + b\ndef echo(x):\n    return x\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = args.first().expect("usage: floor PORT [--first]");
    if args.iter().any(|a| a == "--first") {
        let mut repl = connect(port);
        run(&mut repl, DEFS);
        let out = run(&mut repl, "print(repr(add(1,2)))");
        println!("first result {}", String::from_utf8_lossy(&out).trim());
        return;
    }
    let counters = Counters(std::env::var("BELAY_BENCH_STATS").ok());
    let mut results = Vec::new();
    measure(&counters, &mut results, "connect", 5, || {
        drop(connect(port))
    });
    let connects: Vec<String> = (0..5)
        .filter_map(|_| {
            let before = counters.settled()?;
            let repl = connect(port);
            let after = counters.settled()?;
            drop(repl);
            Some(per_call(before, after, 1))
        })
        .collect();
    if let Some(median) = connects.get(connects.len() / 2) {
        results.push(format!("\"connect_bytes\": {median}"));
    }

    let mut repl = connect(port);
    run(&mut repl, DEFS);
    let blob: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let mut literal = String::new();
    write_bytes(&blob, &mut literal);
    let echo_bytes = format!("print(repr(echo({literal})))");
    let mut list = String::from("[");
    for i in 0..1000 {
        if i > 0 {
            list.push(',');
        }
        write_int(i, &mut list);
    }
    list.push(']');
    let echo_list = format!("print(repr(echo({list})))");
    let noise: Vec<u8> = lcg(4096).iter().map(|x| (x >> 16 & 255) as u8).collect();
    let mut literal = String::new();
    write_bytes(&noise, &mut literal);
    let echo_noise = format!("print(repr(echo({literal})))");
    let sensor: Vec<String> = lcg(1000)
        .iter()
        .enumerate()
        .map(|(i, x)| (2048 + (i as i64 * 6 % 1200 - 600).abs() - 300 + x % 17 - 8).to_string())
        .collect();
    let echo_sensor = format!("print(repr(echo([{}])))", sensor.join(","));
    let mut call = |code: &str| drop(run(&mut repl, code));
    measure(&counters, &mut results, "task_call", 300, || {
        call("print(repr(add(1,2)))")
    });
    measure(&counters, &mut results, "echo_4k_bytes", 60, || {
        call(&echo_bytes)
    });
    measure(&counters, &mut results, "echo_1000_ints", 60, || {
        call(&echo_list)
    });
    measure(&counters, &mut results, "echo_4k_random", 20, || {
        call(&echo_noise)
    });
    measure(&counters, &mut results, "echo_1000_sensor", 20, || {
        call(&echo_sensor)
    });
    println!("{{{}}}", results.join(", "));
}
