//! Every example in examples/ that needs no real display runs under belay-run against the test
//! boards (with their hardware stand-ins), and its output is checked. 07_lcd needs a real
//! display and is not run. Each also runs with `startup=""` (issue 27: board code imports what
//! it uses), on the webassembly board and on a unix board with a small board's 64 KiB heap.

use std::process::Command;
use std::time::Duration;

use crate::support::{Board, Kind, NetBoard, Run, belay_run, root, run_with_limit};

/// A test board and how an example's devices are made on it.
#[derive(Debug, Clone, Copy)]
struct Variant {
    kind: Kind,
    /// The unix port's heap (`board.py --heap`); None: its default.
    heap: Option<&'static str>,
    /// Devices made with `startup=""` (through tests/examples/without_startup.py): no convenience
    /// imports on the board.
    no_startup: bool,
}

impl Variant {
    const fn new(kind: Kind) -> Variant {
        Variant {
            kind,
            heap: None,
            no_startup: false,
        }
    }

    /// The examples as they are, on the unix and the webassembly board.
    const DEFAULT: [Variant; 2] = [Variant::new(Kind::Unix), Variant::new(Kind::Wasm)];

    /// `startup=""` on the webassembly board and on a 64 KiB unix board.
    const NO_STARTUP: [Variant; 2] = [
        Variant {
            heap: Some("64k"),
            no_startup: true,
            ..Variant::new(Kind::Unix)
        },
        Variant {
            no_startup: true,
            ..Variant::new(Kind::Wasm)
        },
    ];

    fn board(self) -> Board {
        eprintln!("example run on {self:?}");
        match self.heap {
            Some(heap) => Board::start_with(self.kind, &["--heap", heap]),
            None => Board::start(self.kind),
        }
    }

    /// belay-run, given `port` if any, running `examples/<path>`.
    fn command(self, port: Option<&str>, path: &str) -> Command {
        let mut cmd = belay_run();
        if let Some(port) = port {
            cmd.arg("--port").arg(port);
        }
        if self.no_startup {
            cmd.arg(root().join("tests/examples/without_startup.py"));
        }
        cmd.arg(root().join("examples").join(path));
        cmd
    }

    /// Run `examples/<path>` with `args` on `port`.
    fn example(self, path: &str, port: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(Some(port), path);
        cmd.args(args);
        run_with_limit(cmd, Duration::from_secs(90))
    }

    /// Start a board and run an example on it, which must succeed.
    fn on_board(self, path: &str, args: &[&str]) -> Run {
        let board = self.board();
        let run = self.example(path, &board.port, args);
        run.assert_ok();
        run
    }
}

/// `f` for every variant: the examples as they are, then with `startup=""`.
fn each(f: impl Fn(Variant)) {
    Variant::DEFAULT
        .into_iter()
        .chain(Variant::NO_STARTUP)
        .for_each(f);
}

/// An example's arguments for one round (blink, reading, ...) and for two, without pauses.
const ONCE: [&str; 4] = ["-n", "1", "--period", "0"];
const TWICE: [&str; 4] = ["-n", "2", "--period", "0"];

/// A temperature line's value, checked to be what the stand-in sensor can produce.
fn temperature(line: &str, prefix: &str) -> f64 {
    let value = line
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix('C'))
        .unwrap_or_else(|| panic!("{line:?} is not `{prefix}<value>C`"));
    let t: f64 = value.trim().parse().unwrap();
    assert!((20.0..35.0).contains(&t), "implausible temperature {t}");
    t
}

/// 01_blink_led as it is runs in walking_skeleton.rs; here with `startup=""`.
#[test]
fn blink_led_without_startup() {
    for v in Variant::NO_STARTUP {
        let run = v.on_board("01_blink_led/main.py", &TWICE);
        let one = "Printing from device; turning LED to True.\nhost: LED pin reads 1\n\
                   Printing from device; turning LED to False.\nhost: LED pin reads 0\n";
        assert_eq!(run.stdout, one.repeat(2));
    }
}

#[test]
fn blink_neopixel() {
    each(|v| {
        let run = v.on_board("02_blink_neopixel/main.py", &TWICE);
        let cycle =
            "red: pixel is (255, 0, 0)\ngreen: pixel is (0, 255, 0)\nblue: pixel is (0, 0, 255)\n";
        assert_eq!(run.stdout, cycle.repeat(2));
    });
}

#[test]
fn read_adc() {
    each(|v| {
        let run = v.on_board("03_read_adc/main.py", &["-n", "4", "--period", "0"]);
        let temps: Vec<f64> = run
            .stdout
            .lines()
            .map(|l| temperature(l, "Temperature: "))
            .collect();
        assert_eq!(temps.len(), 4, "{}", run.stdout);
        assert!(
            temps.windows(2).any(|w| w[0] != w[1]),
            "every reading the same: {temps:?}"
        );
    });
}

#[test]
fn thread_blinks_while_the_host_reads() {
    each(|v| match v.kind {
        Kind::Unix => {
            let run = v.on_board("04_thread/main.py", &["-n", "3", "--period", "0.05"]);
            let lines: Vec<&str> = run.stdout.lines().collect();
            assert_eq!(lines.len(), 4, "{}", run.stdout);
            for line in &lines[..3] {
                temperature(line, "Temperature: ");
            }
            assert_eq!(
                lines[3],
                "The LED thread is still running: it has toggled more than once."
            );
        }
        // The webassembly port has no _thread: the board's ImportError reaches the user.
        Kind::Wasm => {
            let board = v.board();
            let run = v.example("04_thread/main.py", &board.port, &ONCE);
            assert_eq!(run.code(), Some(1), "{run:?}");
            let missing = "ImportError: no module named '_thread'";
            assert!(run.stderr.contains(missing), "{}", run.stderr);
        }
    });
}

#[test]
fn exception_is_remapped_to_the_host_file() {
    let path = root().join("examples/05_exception/main.py");
    let source = std::fs::read_to_string(&path).unwrap();
    let line = 1 + source
        .lines()
        .position(|l| l.contains("raise Exception(\"This is raised on-device.\")"))
        .unwrap();
    each(|v| {
        let board = v.board();
        let mut run = v.example("05_exception/main.py", &board.port, &[]);
        run.assert_ok();
        // Traceback lines keep the board's line endings.
        run.stdout = run.stdout.replace("\r\n", "\n");
        let frame = format!("  File \"{}\", line {line}, in f\n", path.display());
        assert!(
            run.stdout
                .starts_with("Caught the board's exception:\nTraceback"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&frame),
            "{frame:?} missing:\n{}",
            run.stdout
        );
        assert!(
            run.stdout
                .ends_with("    raise Exception(\"This is raised on-device.\")\nException: This is raised on-device.\n\n"),
            "{}",
            run.stdout
        );
        let run = v.example("05_exception/main.py", &board.port, &["--uncaught"]);
        assert_eq!(run.code(), Some(1), "{run:?}");
        assert!(
            run.stderr
                .contains("× Exception: This is raised on-device."),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("main.py:{line}:")),
            "{}",
            run.stderr
        );
    });
}

#[test]
fn external_modules_and_file_sync() {
    each(|v| {
        let board = v.board();
        // On the unix port the board's filesystem is the host's: sync into a fresh folder.
        let host_dst = std::env::temp_dir().join(format!("belay-example06-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&host_dst);
        let dst = match v.kind {
            Kind::Unix => host_dst.to_string_lossy().into_owned(),
            Kind::Wasm => "/app".to_string(),
        };
        let run = v.example(
            "06_external_modules_and_file_sync/main.py",
            &board.port,
            &["-n", "1", "--period", "0", "--dst", &dst],
        );
        run.assert_ok();
        assert_eq!(
            run.stdout,
            "Using the synced \"led.py\" through device(...) commands.\n\
             Using the synced \"led.py\" from a task.\n\
             Using the synced \"somemodule/led.py\" from a task.\n\
             Reading a synced file from a task. Contents:\n\
             Hello from a file synced to the board!\n"
        );
        if v.kind == Kind::Unix {
            for file in ["led.py", "somemodule/led.py", "hello_world.txt"] {
                assert!(host_dst.join(file).is_file(), "{file} not synced");
            }
            let _ = std::fs::remove_dir_all(&host_dst);
        }
    });
}

#[test]
fn device_subclassing() {
    each(|v| {
        let run = v.on_board("08_device_subclassing/main.py", &TWICE);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 4, "{}", run.stdout);
        for (i, line) in lines.iter().enumerate() {
            let prefix = if i % 2 == 0 {
                "LED on , temperature "
            } else {
                "LED off, temperature "
            };
            temperature(line, prefix);
        }
        let run = v.on_board("08B_device_subclassing/main.py", &TWICE);
        let temps: Vec<f64> = run
            .stdout
            .lines()
            .map(|l| temperature(l, "Temperature: "))
            .collect();
        assert_eq!(temps.len(), 2, "{}", run.stdout);
    });
}

/// One Device subclass on a unix board and a webassembly board at once.
#[test]
fn device_subclassing_on_two_boards_at_once() {
    for [on_unix, on_wasm] in [Variant::DEFAULT, Variant::NO_STARTUP] {
        let unix = on_unix.board();
        let wasm = on_wasm.board();
        for script in [
            "08_device_subclassing/main_multiple_devices.py",
            "08B_device_subclassing/main_multiple_devices.py",
        ] {
            let mut cmd = on_unix.command(None, script);
            cmd.args(["--device1", &unix.port, "--device2", &wasm.port])
                .args(TWICE);
            let run = run_with_limit(cmd, Duration::from_secs(90));
            run.assert_ok();
            let lines: Vec<&str> = run.stdout.lines().collect();
            assert_eq!(lines.len(), 4, "{}", run.stdout);
            for (i, line) in lines.iter().enumerate() {
                temperature(line, &format!("Temperature {}: ", i % 2 + 1));
            }
        }
    }
}

/// The WebREPL example against a real board behind MicroPython's WebREPL protocol.
#[test]
fn webrepl() {
    for no_startup in [false, true] {
        let v = Variant {
            no_startup,
            ..Variant::new(Kind::Unix)
        };
        eprintln!("example run on {v:?} behind WebREPL");
        let board = NetBoard::start("webrepl", "s3cret");
        let port = format!("ws://{}", board.address);
        let mut cmd = v.command(None, "09_webrepl/main.py");
        cmd.args(["--port", &port, "--password", "s3cret"])
            .args(TWICE);
        let run = run_with_limit(cmd, Duration::from_secs(90));
        run.assert_ok();
        assert_eq!(
            run.stdout,
            "Connecting to the board\nLED on  counter 0\nLED off counter 0\nLED on  counter 1\nLED off counter 1\n"
        );
    }
}

#[test]
fn generators() {
    each(|v| {
        let run = v.on_board("10_generators/main.py", &["--limit", "4", "--period", "0"]);
        assert_eq!(
            run.stdout,
            "0\n1\n2\n3\n4\nDevice: foo\nDevice: bar\nDevice: baz\n"
        );
    });
}

#[test]
fn proxy_objects() {
    each(|v| {
        let run = v.on_board("11_proxy_objects/main.py", &[]);
        assert_eq!(
            run.stdout,
            "We got the attribute \"Bob Smith\".\n\
             We executed the method \"greetings\" and got the result: \"Hello Bob Smith!\"\n\
             After setting the name on the board: \"Hello Alice!\"\n"
        );
    });
}

/// Timestamps of all three methods are host times of now, in order.
#[test]
fn time_sync() {
    each(|v| {
        let run = v.on_board("12_time_sync/main.py", &["-n", "3", "--period", "0.05"]);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert!(
            lines[0].starts_with("Device time offset: "),
            "{}",
            run.stdout
        );
        let headings = [
            "Method 1: return_time=True",
            "Method 2: buffered readings, converted with time_offset",
            "Method 3: a generator with return_time=True",
        ];
        let today = local_date();
        let mut stamps = Vec::new();
        for (section, heading) in headings.iter().enumerate() {
            let at = lines.iter().position(|l| l == heading).expect(heading);
            for (i, line) in lines[at + 1..at + 4].iter().enumerate() {
                let fields: Vec<&str> = line.split_whitespace().collect();
                assert_eq!(fields[0], (i + 1).to_string(), "{line}");
                let (date, time) = if section == 1 {
                    (fields[2], fields[3])
                } else {
                    (fields[1], fields[2])
                };
                assert_eq!(date, today, "{line}");
                stamps.push(time.to_string());
                let value: f64 = fields.last().unwrap().parse().unwrap();
                assert!((0.0..100.0).contains(&value), "{line}");
            }
        }
        let mut sorted = stamps.clone();
        sorted.sort();
        assert_eq!(stamps, sorted, "timestamps out of order");
    });
}

/// Today's local date as the example prints it (from the host's own clock and zone).
fn local_date() -> String {
    let out = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A board timer's readings reach host callbacks while the host only waits.
#[test]
fn events() {
    each(|v| {
        let run = v.on_board("13_events/main.py", &["-n", "4", "--period", "40"]);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 5, "{}", run.stdout);
        for (i, line) in lines[..4].iter().enumerate() {
            let value = line
                .strip_prefix(&format!("reading {}: ", i + 1))
                .unwrap_or_else(|| panic!("{line:?}"));
            assert!(value.parse::<u16>().is_ok(), "{line:?}");
        }
        assert_eq!(lines[4], "4 readings, 0 dropped");
    });
}

#[test]
fn host_functions() {
    each(|v| {
        let run = v.on_board("14_host_functions/main.py", &[]);
        assert_eq!(
            run.stdout,
            "board: step 0, total 0\nboard: step 1, total 1\nboard: step 2, total 3\n\
             board: step 3, total 6\nwork() -> 6\ngreet() -> HELLO FROM THE HOST\n\
             the board caught: host function lookup() raised KeyError: 'no such key'\n\
             countdown -> [4, 3, 2, 1]\n"
        );
    });
}

/// The `circuitpython.py` variants (whole output checked in circuitpython/examples.rs) with
/// `startup=""` on the CircuitPython board: none needs `board`, `digitalio`, ... from the start-up.
#[test]
fn circuitpython_variants_without_startup() {
    let board = Board::start_with(Kind::Unix, &["--circuitpython"]);
    let v = Variant {
        no_startup: true,
        ..Variant::new(Kind::Unix)
    };
    let dst = std::env::temp_dir().join(format!("belay-example06-cp-{}", std::process::id()));
    let dst = dst.to_string_lossy().into_owned();
    let runs: [(&str, &[&str], &str); 7] = [
        ("01_blink_led", &ONCE, "host: LED reads False"),
        ("02_blink_neopixel", &ONCE, "blue: sent GRB (0, 0, 255)"),
        ("03_read_adc", &ONCE, "Temperature: 25.4C"),
        ("04_thread", &ONCE, "Temperature: 25.4C"),
        ("05_exception", &[], "Exception: This is raised on-device."),
        (
            "06_external_modules_and_file_sync",
            &["--count", "1", "--period", "0", "--dst", &dst],
            "Hello from a file synced to the board!",
        ),
        ("10_generators", &["--limit", "1", "--period", "0"], "1"),
    ];
    for (name, args, last) in runs {
        let run = v.example(&format!("{name}/circuitpython.py"), &board.port, args);
        run.assert_ok();
        assert_eq!(
            run.stdout.trim_end().lines().last(),
            Some(last),
            "{name}: {}",
            run.stdout
        );
    }
    let _ = std::fs::remove_dir_all(&dst);
}
