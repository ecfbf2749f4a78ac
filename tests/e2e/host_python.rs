//! belay-run as a `python`: -c, -m, -u, -i, -I/-E, `--`, the interactive REPL through a pty,
//! PYTHONPATH and virtual environments with a real package from PyPI (tests/host/install.sh),
//! and SIGTERM ending a script cleanly.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Board, Kind, belay_run, root, run_with_limit};

const LIMIT: Duration = Duration::from_secs(60);

fn host_dir() -> std::path::PathBuf {
    root().join("tests/host")
}

/// Run `cmd` (bounded by [`LIMIT`]), require success, and give its stdout.
fn ok_stdout(cmd: Command) -> String {
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    run.stdout
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("belay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn dash_c_gets_everything_after_its_code() {
    let mut cmd = belay_run();
    cmd.args([
        "-c",
        "import sys; print(sys.argv)",
        "a",
        "-u",
        "--port",
        "x",
    ]);
    assert_eq!(ok_stdout(cmd), "['-c', 'a', '-u', '--port', 'x']\n");
}

#[test]
fn dash_m_runs_a_module_as_main_with_its_path_in_argv() {
    let dir = scratch("dash-m");
    std::fs::write(
        dir.join("greet.py"),
        "import sys\nprint(__name__, sys.argv[0].endswith('greet.py'), sys.argv[1:])\n",
    )
    .unwrap();
    let mut cmd = belay_run();
    cmd.current_dir(&dir).args(["-m", "greet", "x", "-i"]);
    assert_eq!(ok_stdout(cmd), "__main__ True ['x', '-i']\n");
}

#[test]
fn double_dash_ends_the_options_and_a_script_may_look_like_a_subcommand() {
    let dir = scratch("dash-dash");
    std::fs::write(
        dir.join("sync.py"),
        "import sys\nprint('script', sys.argv[1:])\n",
    )
    .unwrap();
    for args in [&["--", "sync.py", "-c"][..], &["./sync.py", "-c"]] {
        let mut cmd = belay_run();
        cmd.current_dir(&dir).args(args);
        assert_eq!(ok_stdout(cmd), "script ['-c']\n");
    }
}

#[test]
fn a_program_on_stdin_runs_when_there_is_no_terminal() {
    let mut child = belay_run()
        .args(["-", "arg"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"import sys\nprint('from stdin', sys.argv)\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "from stdin ['-', 'arg']\n"
    );
}

#[test]
fn environment_variables_as_cpython_reads_them() {
    let dir = scratch("pythonpath");
    std::fs::create_dir_all(dir.join("pkgx")).unwrap();
    std::fs::write(dir.join("pkgx/__init__.py"), "X = 'from PYTHONPATH'\n").unwrap();
    let code = "import sys, pkgx; print(pkgx.X, sys.flags.safe_path, sys.stdout.encoding)";
    let mut cmd = belay_run();
    cmd.env("PYTHONPATH", &dir)
        .env("PYTHONSAFEPATH", "1")
        .env("PYTHONIOENCODING", "latin-1")
        .args(["-c", code]);
    assert_eq!(ok_stdout(cmd), "from PYTHONPATH True latin-1\n");

    // -E and -I ignore them all.
    for flag in ["-E", "-I"] {
        let mut cmd = belay_run();
        cmd.env("PYTHONPATH", &dir)
            .args([flag, "-c", "import pkgx"]);
        let run = run_with_limit(cmd, LIMIT);
        assert_eq!(run.code(), Some(1), "{flag}: {run:?}");
        assert!(run.stderr.contains("ModuleNotFoundError"), "{}", run.stderr);
    }

    let mut cmd = belay_run();
    cmd.env("PYTHONWARNINGS", "error")
        .args(["-c", "import warnings; warnings.warn('boom')"]);
    let run = run_with_limit(cmd, LIMIT);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("UserWarning: boom"), "{}", run.stderr);
}

#[test]
fn a_package_from_a_venv_and_from_a_target_folder_drives_a_board() {
    let board = Board::start(Kind::Unix);
    let script = root().join("tests/scripts/venv_host.py");

    let mut cmd = belay_run();
    cmd.env("VIRTUAL_ENV", host_dir().join(".venv"))
        .env_remove("PYTHONPATH")
        .arg(&script)
        .arg(&board.port);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("add(1, 2)") && l.ends_with(" 3")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("found through the .pth file: pth_dir"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("venv ok\n"), "{}", run.stdout);

    let mut cmd = belay_run();
    cmd.env("PYTHONPATH", host_dir().join("target"))
        .env_remove("VIRTUAL_ENV")
        .arg(&script)
        .arg(&board.port)
        .arg("--no-pth");
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    assert!(run.stdout.ends_with("venv ok\n"), "{}", run.stdout);

    // Without either, the package is not there.
    let mut cmd = belay_run();
    cmd.env_remove("PYTHONPATH")
        .env_remove("VIRTUAL_ENV")
        .args(["-c", "import tabulate"]);
    let run = run_with_limit(cmd, LIMIT);
    assert_eq!(run.code(), Some(1), "{run:?}");
}

#[test]
fn sigterm_ends_a_piped_script_cleanly() {
    let board = Board::start(Kind::Unix);
    let ready = scratch("sigterm").join("ready");
    let _ = std::fs::remove_file(&ready);
    let mut child = belay_run()
        .arg(root().join("tests/scripts/terminated.py"))
        .arg(&board.port)
        .arg(&ready)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while !ready.exists() {
        assert!(
            t0.elapsed() < LIMIT,
            "the script never got to its board call"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The board call has been sent; give it a moment to be running there.
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        sent.elapsed() < Duration::from_secs(5),
        "took {:?}",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(143), "{status:?}\n{stdout}\n{stderr}");
    for i in 0..200 {
        assert!(
            stdout.contains(&format!("line {i}\n")),
            "line {i} lost:\n{stdout}"
        );
    }
    assert!(stdout.contains("finally ran"), "{stdout}");
    assert!(
        stdout.contains("teardown ran on the board"),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn the_interactive_repl_through_a_pty() {
    let board = Board::start(Kind::Unix);
    let home = scratch("repl-home");
    let mut cmd = Command::new(crate::support::python());
    cmd.arg(host_dir().join("pty_repl.py"))
        .arg(env!("CARGO_BIN_EXE_belay-run"))
        .arg(&board.port)
        .env("TMPDIR", &home);
    let run = run_with_limit(cmd, LIMIT);
    assert!(run.status.success(), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with("repl ok\n"), "{}", run.stdout);
    // The history was kept.
    let history = std::fs::read_to_string(home.join(".belay-run_history")).unwrap_or_default();
    assert!(history.contains("print(123)"), "{history}");
}

#[test]
fn unbuffered_output_reaches_a_pipe_while_the_program_runs() {
    let program = "import time; print('early'); time.sleep(30)";
    for (flag, env) in [(Some("-u"), None), (None, Some(("PYTHONUNBUFFERED", "1")))] {
        let mut cmd = belay_run();
        cmd.args(flag).args(["-c", program]).stdout(Stdio::piped());
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = [0u8; 6];
            let got = stdout.read_exact(&mut line).map(|_| line.to_vec());
            let _ = tx.send(got);
        });
        let got = rx.recv_timeout(Duration::from_secs(20));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            got.ok().and_then(Result::ok).as_deref(),
            Some(&b"early\n"[..]),
            "{flag:?} {env:?}: the line did not arrive while the program ran"
        );
    }
}

#[test]
fn dash_i_opens_the_repl_after_the_program_even_after_an_error() {
    let mut child = belay_run()
        .args(["-i", "-c", "x = 41\nraise ValueError('shown first')"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"print(x + 1)\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ValueError: shown first"));
}

#[test]
fn sqlite3_is_compiled_in() {
    let dir = scratch("sqlite");
    let db = dir.join("log.db");
    let code = "import sqlite3, sys\n\
                c = sqlite3.connect(sys.argv[1])\n\
                c.execute('create table if not exists t (n integer, v real)')\n\
                c.executemany('insert into t values (?, ?)', [(i, i / 4) for i in range(100)])\n\
                c.commit()\n\
                print(c.execute('select count(*), sum(v) from t').fetchone(), sqlite3.sqlite_version_info >= (3, 0))";
    let mut cmd = belay_run();
    cmd.args(["-c", code]).arg(&db);
    assert_eq!(ok_stdout(cmd), "(100, 1237.5) True\n");
    assert!(db.metadata().unwrap().len() > 0);
}

/// Wait for `file` to exist (a program's sign that it got somewhere).
fn wait_for(file: &std::path::Path) {
    let t0 = Instant::now();
    while !file.exists() {
        assert!(t0.elapsed() < LIMIT, "{} never appeared", file.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &std::process::Child, name: &str) {
    Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
}

#[test]
fn sighup_ends_with_129_and_a_second_signal_ends_at_once() {
    use std::os::unix::process::ExitStatusExt;
    let dir = scratch("signals");
    let (started, cleaning) = (dir.join("started"), dir.join("cleaning"));
    let program = "import sys, time\n\
                   open(sys.argv[1], 'w').close()\n\
                   try:\n    time.sleep(60)\n\
                   finally:\n    open(sys.argv[2], 'w').close()\n    time.sleep(int(sys.argv[3]))";

    let _ = std::fs::remove_file(&started);
    let mut child = belay_run()
        .args(["-c", program])
        .args([&started, &cleaning])
        .arg("0")
        .spawn()
        .unwrap();
    wait_for(&started);
    signal(&child, "HUP");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(129), "{status:?}");

    // The finally block takes long; a second SIGTERM ends the process at once, by the signal.
    for f in [&started, &cleaning] {
        let _ = std::fs::remove_file(f);
    }
    let mut child = belay_run()
        .args(["-c", program])
        .args([&started, &cleaning])
        .arg("60")
        .spawn()
        .unwrap();
    wait_for(&started);
    signal(&child, "TERM");
    wait_for(&cleaning);
    let second = Instant::now();
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    assert!(
        second.elapsed() < Duration::from_secs(5),
        "{:?}",
        second.elapsed()
    );
    assert_eq!(status.signal(), Some(15), "{status:?}");
}

#[test]
fn https_with_urllib_against_a_local_tls_server() {
    let dir = scratch("tls");
    let mut server = Command::new(crate::support::python())
        .arg(host_dir().join("https_server.py"))
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    {
        use std::io::BufRead;
        let mut out = std::io::BufReader::new(server.stdout.as_mut().unwrap());
        out.read_line(&mut port).unwrap();
    }
    let port = port.trim().to_string();
    assert!(port.parse::<u16>().is_ok(), "the server said {port:?}");
    let cert = dir.join("cert.pem");
    let code = "import ssl, sys, urllib.request, urllib.error\n\
                url = f'https://localhost:{sys.argv[2]}/'\n\
                ctx = ssl.create_default_context(cafile=sys.argv[1])\n\
                print(urllib.request.urlopen(url, context=ctx).read().decode())\n\
                try:\n    urllib.request.urlopen(url)\n\
                except urllib.error.URLError as e:\n    print('refused:', 'CERTIFICATE_VERIFY_FAILED' in str(e))\n\
                print(ssl.OPENSSL_VERSION)";
    let mut cmd = belay_run();
    cmd.args(["-c", code]).arg(&cert).arg(&port);
    let run = run_with_limit(cmd, LIMIT);
    drop(server.stdin.take());
    let _ = server.wait();
    run.assert_ok();
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("hello over TLS"), "{}", run.stdout);
    assert_eq!(lines.next(), Some("refused: True"), "{}", run.stdout);
}

/// A venv found the way CPython finds its own: a `pyvenv.cfg` one folder above the binary (no
/// VIRTUAL_ENV), its site-packages on sys.path.
#[test]
fn a_venv_around_the_binary_is_found_by_its_pyvenv_cfg() {
    let venv = scratch("venv-around");
    let site = venv.join("lib/python3.11/site-packages");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::create_dir_all(venv.join("bin")).unwrap();
    std::fs::write(venv.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    std::fs::write(site.join("in_venv.py"), "WHERE = 'beside the binary'\n").unwrap();
    let binary = venv.join("bin/belay-run");
    std::fs::copy(env!("CARGO_BIN_EXE_belay-run"), &binary).unwrap();
    let mut cmd = Command::new(&binary);
    cmd.env_remove("VIRTUAL_ENV")
        .env_remove("PYTHONPATH")
        .args(["-c", "import in_venv; print(in_venv.WHERE)"]);
    let run = run_with_limit(cmd, LIMIT);
    let _ = std::fs::remove_file(&binary);
    run.assert_ok();
    assert_eq!(run.stdout, "beside the binary\n");
}
