//! How belay-run's own commands fail (issue 34): one report naming the command and saying what is
//! wrong with the port (missing, busy, not a serial port, a process that would not start),
//! without internal Python frames; Ctrl-C while connecting and a closed stdout end as a shell
//! expects. And where `--port` may go.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{
    Board, Kind, Run, belay_run, check_terminal_session, run_with_limit, start_until, watchdog,
};

const LIMIT: Duration = Duration::from_secs(60);

fn command(args: &[&str]) -> Run {
    let mut cmd = belay_run();
    cmd.args(args);
    run_with_limit(cmd, LIMIT)
}

/// A failed command: exit status 1 and one report, no Python frames.
fn one_report(run: &Run, what: &str) {
    assert_eq!(run.code(), Some(1), "{what}: {run:?}");
    for frame in ["Traceback", "<belay-run", "File \""] {
        assert!(
            !run.stderr.contains(frame),
            "{what}: internal frames shown:\n{}",
            run.stderr
        );
    }
}

/// A report's text without miette's frame and line wrapping: its words, one space apart.
pub fn words(report: &str) -> String {
    report
        .lines()
        .map(|l| l.trim_start_matches([' ', '│', '×']))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_command_reports_a_missing_port_in_one_report() {
    let port = "/dev/belay-run-missing-port";
    let folder = std::env::temp_dir().join(format!("belay-cli-errors-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let folder = folder.to_string_lossy().into_owned();
    let cases: [(&str, Vec<&str>); 6] = [
        ("fs", vec!["fs", port, "ls"]),
        ("info", vec!["info", port]),
        ("exec", vec!["exec", port, "1"]),
        ("latency", vec!["latency", port]),
        ("mount", vec!["mount", port, &folder]),
        ("sync", vec!["sync", port, &folder]),
    ];
    for (name, args) in cases {
        let run = command(&args);
        one_report(&run, name);
        let expected = format!("{name}: could not connect to {port}");
        assert!(
            words(&run.stderr).contains(&expected),
            "{name}:\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("belay::ConnectionFailedError"),
            "{name}:\n{}",
            run.stderr
        );
    }
    let run = command(&["terminal", port]);
    one_report(&run, "terminal");
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "the cause is said once:\n{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn a_busy_port_may_be_in_use_by_another_program() {
    let board = Board::start(Kind::Unix);
    // Another program holds the board (serialport opens it exclusively).
    let mut holder = belay_run();
    holder.args([
        "-c",
        &format!(
            "import belay, time\nd = belay.Device({:?})\nprint('holding', flush=True)\ntime.sleep(60)",
            board.port
        ),
    ]);
    let holding = start_until(holder, "holding");
    for args in [vec!["info", &board.port], vec!["exec", &board.port, "1"]] {
        let run = command(&args);
        one_report(&run, args[0]);
        assert!(
            words(&run.stderr).contains("may be in use by another program"),
            "{}",
            run.stderr
        );
    }
    let run = command(&["terminal", &board.port]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(
        words(&run.stderr).contains("may be in use by another program"),
        "{}",
        run.stderr
    );
    holding.interrupt();
}

#[test]
fn a_path_that_is_no_tty_is_not_a_serial_port() {
    let file = std::env::temp_dir().join(format!("belay-not-a-port-{}", std::process::id()));
    std::fs::write(&file, "not a port\n").unwrap();
    for port in ["/dev/null", file.to_str().unwrap()] {
        let run = command(&["info", port]);
        one_report(&run, port);
        assert!(
            words(&run.stderr).contains("not a serial port"),
            "{}",
            run.stderr
        );
    }
    // The regular file was neither changed nor emptied.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a port\n");
    let _ = std::fs::remove_file(file);
}

#[test]
fn an_exec_port_that_cannot_start_shows_the_shells_error() {
    let run = command(&["info", "exec:/nonexistent/board"]);
    one_report(&run, "exec:");
    let all = words(&run.stderr);
    let report = all
        .split_once("could not connect to exec:/nonexistent/board")
        .map(|(_, report)| report.to_string())
        .unwrap_or_else(|| panic!("no report:\n{}", run.stderr));
    assert!(
        report.contains("/nonexistent/board: not found"),
        "the shell's own message is not in the report:\n{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("not found").count(),
        1,
        "shown once, in the report:\n{}",
        run.stderr
    );
}

/// Ctrl-C while a command waits for a board that does not answer: the process dies of SIGINT, as
/// a shell expects, without a traceback.
#[test]
fn ctrl_c_while_connecting_ends_without_a_traceback() {
    let mut board = Board::start(Kind::Unix);
    board.mute();
    for args in [
        vec!["info", board.port.as_str()],
        vec!["exec", board.port.as_str(), "1"],
    ] {
        let mut cmd = belay_run();
        cmd.args(&args)
            .args(["--connect-timeout", "30"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd.spawn().unwrap();
        let guard = watchdog(child.id(), LIMIT);
        std::thread::sleep(Duration::from_millis(1500));
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        drop(guard);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGINT),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
        assert!(
            !stderr.contains("Traceback") && !stderr.contains("KeyboardInterrupt"),
            "{args:?}:\n{stderr}"
        );
    }
}

/// `belay-run ... | head`: the reader went away. The command ends quietly (status 1, nothing on
/// stderr), as Python's documentation advises for a broken pipe.
#[test]
fn a_closed_pipe_ends_quietly() {
    let board = Board::start(Kind::Unix);
    let folder = std::env::temp_dir().join(format!("belay-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..50 {
        std::fs::write(folder.join(format!("file_{i}")), "").unwrap();
    }
    let folder = folder.to_string_lossy().into_owned();
    for args in [
        vec!["fs", board.port.as_str(), "ls", folder.as_str()],
        vec!["info", board.port.as_str()],
        vec!["exec", board.port.as_str(), "'x' * 100"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = belay_run();
        cmd.args(&args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped());
        let child = cmd.spawn().unwrap();
        let guard = watchdog(child.id(), LIMIT);
        let out = child.wait_with_output().unwrap();
        drop(guard);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
    let _ = std::fs::remove_dir_all(folder);
}

/// `--port` and `--connect-timeout` go before or after the name of a command that uses a board;
/// commands without one have neither.
#[test]
fn port_options_belong_to_commands_that_use_a_board() {
    let board = Board::start(Kind::Unix);
    let port = board.port.as_str();
    let firmware = "micropython v1.29.0-preview - linux\n";
    for args in [
        vec!["info", "--port", port],
        vec!["--port", port, "info"],
        vec!["info", "-p", port, "--connect-timeout", "20"],
    ] {
        let run = command(&args);
        run.assert_ok();
        assert_eq!(run.stdout, firmware, "{args:?}");
    }
    for args in [
        vec!["latency", "--port", port, "-c", "2"],
        vec!["--port", port, "latency", "-c", "2"],
    ] {
        let run = command(&args);
        run.assert_ok();
        assert!(
            run.stdout.starts_with("Statistics (2 samples):"),
            "{args:?}: {}",
            run.stdout
        );
    }
    let run = command(&["exec", "--port", port, "6 * 7"]);
    run.assert_ok();
    assert_eq!(run.stdout, "42\n");
    let mut cmd = belay_run();
    cmd.args(["terminal", "--port", port]);
    check_terminal_session(cmd, LIMIT);

    for name in ["list", "completions", "new", "add", "cache", "select"] {
        let run = command(&[name, "--help"]);
        run.assert_ok();
        for option in ["--port", "--connect-timeout"] {
            assert!(
                !run.stdout.contains(option),
                "`{name} --help` shows {option}:\n{}",
                run.stdout
            );
        }
    }
    for name in [
        "info", "exec", "fs", "sync", "terminal", "mount", "latency", "install",
    ] {
        let run = command(&[name, "--help"]);
        run.assert_ok();
        assert!(run.stdout.contains("--port"), "{name}:\n{}", run.stdout);
    }
    let run = command(&["list", "--port", port]);
    assert_eq!(run.code(), Some(2), "{run:?}");
    let run = command(&["--port", port, "list"]);
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("--port is not used by `belay-run list`"),
        "{}",
        run.stderr
    );
}

/// An HTTP server on 127.0.0.1 that answers every request with 404 until dropped: an index
/// without the package.
struct NotFoundServer {
    address: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl NotFoundServer {
    fn start() -> NotFoundServer {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        });
        NotFoundServer { address, stop }
    }
}

impl Drop for NotFoundServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = std::net::TcpStream::connect(&self.address);
    }
}

/// `add` when the index cannot be reached (a name that does not resolve, a port nobody listens
/// on): the error says so, naming the host and the cause, not that the package does not exist;
/// an index that answers it has no such package still gives "not found". The `Updating...` line
/// always ends.
#[test]
fn an_unreachable_index_is_not_a_missing_package() {
    let dir = std::env::temp_dir().join(format!("belay-unreachable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let add = |args: &[&str], index: &str| {
        let mut cmd = belay_run();
        cmd.current_dir(&project)
            .args(args)
            .env("BELAY_RUN_CACHE_DIR", dir.join("cache"))
            .env("BELAY_RUN_PACKAGE_INDEX", index)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("BELAY_RUN_OFFLINE");
        run_with_limit(cmd, LIMIT)
    };
    add(&["new"], "").assert_ok();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for (index, host, cause) in [
        (
            "https://nonexistent.invalid/".to_string(),
            "nonexistent.invalid".to_string(),
            "lookup",
        ),
        (
            format!("http://127.0.0.1:{closed}/"),
            format!("127.0.0.1:{closed}"),
            "Connection refused",
        ),
    ] {
        let run = add(&["add", "tinypkg"], &index);
        assert_eq!(run.code(), Some(1), "{index}: {run:?}");
        let said = words(&run.stderr);
        assert!(said.contains(&format!("cannot reach {host}:")), "{said}");
        assert!(said.contains(cause), "{said}");
        assert!(!said.contains("not found"), "{said}");
        assert!(
            run.stdout.starts_with("  • tinypkg: Updating...") && run.stdout.ends_with('\n'),
            "{index}: {:?}",
            run.stdout
        );
    }
    let server = NotFoundServer::start();
    let run = add(&["add", "tinypkg"], &format!("http://{}/", server.address));
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(
        words(&run.stderr).contains("Package not found in any index: tinypkg"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.ends_with('\n'), "{:?}", run.stdout);
    let _ = std::fs::remove_dir_all(dir);
}
