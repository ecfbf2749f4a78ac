//! The `belay-run` command line around the script: argv, __file__, sys.path, exit status,
//! tracebacks, missing files and syntax errors. No board needed.

use std::time::Duration;

use crate::support::{belay_run, root, run_with_limit};

fn scripts() -> std::path::PathBuf {
    root().join("tests/scripts")
}

/// From an empty folder, with no Python reachable on PATH.
fn isolated() -> std::process::Command {
    let empty = std::env::temp_dir().join(format!("belay-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let mut cmd = belay_run();
    cmd.current_dir(&empty)
        .env_clear()
        .env("PATH", "/nonexistent");
    cmd
}

#[test]
fn runs_a_script_with_arguments_from_an_empty_folder() {
    let mut cmd = isolated();
    cmd.arg(scripts().join("host_basics.py"))
        .args(["one", "--two", "3"]);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    run.assert_ok();
    assert_eq!(run.stdout, "host ok\n");
}

#[test]
fn exit_status_comes_from_system_exit() {
    let mut cmd = isolated();
    cmd.env("EXIT_WITH", "3")
        .arg(scripts().join("host_basics.py"))
        .args(["one", "--two", "3"]);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(3), "{run:?}");
}

#[test]
fn uncaught_exception_prints_a_traceback_and_exits_1() {
    let mut cmd = isolated();
    cmd.arg(scripts().join("uncaught.py"));
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(
        run.stderr.starts_with("Traceback (most recent call last):"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("uncaught.py\", line 2, in inner"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("ValueError: boom on the host"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_script_is_a_clear_error() {
    let mut cmd = isolated();
    cmd.arg("no_such_script.py");
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(2));
    assert!(
        run.stderr.contains("can't open file 'no_such_script.py'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("No such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn syntax_error_points_at_the_line() {
    let dir = std::env::temp_dir().join(format!("belay-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("broken.py");
    std::fs::write(&script, "x = 1\ndef f(:\n    pass\n").unwrap();
    let mut cmd = isolated();
    cmd.arg(&script);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr.contains("broken.py:2:7"), "{}", run.stderr);
    assert!(run.stderr.contains("def f(:"), "{}", run.stderr);
}

#[test]
fn device_without_any_port_explains_what_to_do() {
    let dir = std::env::temp_dir().join(format!("belay-noport-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("noport.py");
    std::fs::write(&script, "import belay\ntry:\n    belay.Device()\nexcept belay.ConnectionFailedError as e:\n    print(e)\n").unwrap();
    let mut cmd = isolated();
    cmd.arg(&script);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    run.assert_ok();
    assert!(run.stdout.contains("--port"), "{}", run.stdout);
}

#[test]
fn bad_port_is_a_connection_error() {
    let dir = std::env::temp_dir().join(format!("belay-badport-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("badport.py");
    std::fs::write(
        &script,
        "import belay\ntry:\n    belay.Device('/dev/does-not-exist')\nexcept belay.ConnectionFailedError as e:\n    print('failed:', e)\n",
    )
    .unwrap();
    let mut cmd = isolated();
    cmd.arg(&script);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    run.assert_ok();
    assert!(
        run.stdout
            .contains("failed: could not connect to /dev/does-not-exist"),
        "{}",
        run.stdout
    );
}

#[test]
fn ctrl_c_raises_keyboard_interrupt_in_the_script() {
    let mut cmd = belay_run();
    cmd.arg(scripts().join("host_sleep.py"));
    let end = crate::support::interrupt_after(cmd, "sleeping");
    assert_eq!(end.stdout, "caught KeyboardInterrupt\n");
    assert!(end.status.success(), "{:?}", end.status);
    assert!(end.took < Duration::from_secs(5), "took {:?}", end.took);
}

/// Everything after SCRIPT belongs to the script, belay-run's own option names included.
#[test]
fn options_after_the_script_are_the_scripts() {
    let dir = std::env::temp_dir().join(format!("belay-argv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("argv.py");
    std::fs::write(&script, "import sys\nprint(sys.argv[1:])\n").unwrap();
    let mut cmd = isolated();
    cmd.arg(&script).args(["--port", "X", "-p", "Y", "--help"]);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    run.assert_ok();
    assert_eq!(run.stdout, "['--port', 'X', '-p', 'Y', '--help']\n");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn version_names_the_embedded_interpreter() {
    let mut cmd = isolated();
    cmd.arg("--version");
    let run = run_with_limit(cmd, Duration::from_secs(30));
    run.assert_ok();
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let rustpython = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"rustpython-vm\""))
        .and_then(|p| p.split("version = \"").nth(1))
        .and_then(|v| v.split('"').next())
        .expect("rustpython-vm in Cargo.lock");
    let expected = format!(
        "belay-run {} (RustPython {rustpython}, Python 3.",
        env!("CARGO_PKG_VERSION")
    );
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
}

/// A word taken for a script that names no file but is an mpremote command: the belay-run
/// command meant, with the arguments that followed.
#[test]
fn mpremote_commands_get_a_did_you_mean() {
    for (args, expected) in [
        (vec!["ls", "/lib"], "did you mean `belay-run fs ls /lib`?"),
        (
            vec!["cp", "main.py", ":"],
            "did you mean `belay-run fs cp main.py :`?",
        ),
        (vec!["repl"], "did you mean `belay-run terminal`?"),
        (vec!["eval", "1+1"], "did you mean `belay-run exec 1+1`?"),
        (vec!["devs"], "did you mean `belay-run list`?"),
        (
            vec!["connect", "/dev/ttyACM0", "ls"],
            "did you mean `belay-run fs /dev/ttyACM0 ls`?",
        ),
        (
            vec!["--mount", "project", "s.py"],
            "did you mean `belay-run run --mount project s.py`?",
        ),
    ] {
        let mut cmd = isolated();
        cmd.args(&args);
        let run = run_with_limit(cmd, Duration::from_secs(30));
        assert_eq!(run.code(), Some(2), "{args:?}: {run:?}");
        assert!(
            run.stderr
                .contains(&format!("can't open file '{}'", args[0])),
            "{args:?}: {}",
            run.stderr
        );
        // miette wraps the help line: compare its words.
        let words = crate::cli_errors::words(&run.stderr);
        assert!(words.contains(expected), "{args:?}: {}", run.stderr);
    }
    // A script that is simply missing gets no hint.
    let mut cmd = isolated();
    cmd.arg("no_such_script.py");
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
}

/// A board's port (or any device) given where a script goes is refused at once, never read
/// (reading a serial port waits for ever); pipes are still read as `python` reads them.
#[test]
fn a_device_is_never_read_as_a_script() {
    let board = crate::support::Board::start(crate::support::Kind::Unix);
    for args in [
        vec![board.port.as_str()],
        vec!["run", board.port.as_str(), "main.py"],
        vec!["/dev/null"],
    ] {
        let mut cmd = isolated();
        cmd.args(&args);
        let run = run_with_limit(cmd, Duration::from_secs(10));
        assert_eq!(run.code(), Some(2), "{args:?}: {run:?}");
        assert!(
            run.stderr
                .contains("it is a character device, not a script"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let mut cmd = isolated();
    cmd.args(["run", &board.port, "main.py"]);
    let run = run_with_limit(cmd, Duration::from_secs(10));
    let words = crate::cli_errors::words(&run.stderr);
    let expected = format!("`belay-run exec {} \"$(cat main.py)\"`", board.port);
    assert!(words.contains(&expected), "{}", run.stderr);

    // A named pipe is a program like any other.
    let dir = std::env::temp_dir().join(format!("belay-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("program");
    let _ = std::fs::remove_file(&fifo);
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "print('from a pipe')\n"))
    };
    let mut cmd = isolated();
    cmd.arg(&fifo);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    writer.join().unwrap().unwrap();
    run.assert_ok();
    assert_eq!(run.stdout, "from a pipe\n");
    let _ = std::fs::remove_dir_all(dir);
}

/// `belay-run script.py --port X`: the option is the script's (as with `python`), and when the
/// script then has no port, the error says where `--port` goes.
#[test]
fn port_after_the_script_says_where_it_goes() {
    let dir = std::env::temp_dir().join(format!("belay-port-after-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("uses_device.py");
    std::fs::write(&script, "import belay\nbelay.Device()\n").unwrap();
    let mut cmd = isolated();
    cmd.arg(&script).args(["--port", "/dev/ttyACM0"]);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("no port given"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--port goes before the script: `belay-run --port PORT script.py ARGS`"),
        "{}",
        run.stderr
    );
    // Without --port among its arguments, no such line.
    let mut cmd = isolated();
    cmd.arg(&script);
    let run = run_with_limit(cmd, Duration::from_secs(30));
    assert!(!run.stderr.contains("goes before"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(dir);
}
