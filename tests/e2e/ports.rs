//! Transport behaviour on real boards: every port form, call timeouts, vanished boards.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Board, Kind, NetBoard, belay_run, boards_dir, root, run_script, watchdog};

#[test]
fn call_timeout_interrupts_the_board_and_the_next_call_works() {
    let board = Board::start(Kind::Unix);
    let run = run_script("timeout.py", &[&board.port]);
    run.assert_ok();
    assert!(run.stdout.contains("timeout ok"), "{}", run.stdout);
}

#[test]
fn vanished_board_raises_connection_lost_within_a_second() {
    let mut board = Board::start(Kind::Unix);
    let mut child = belay_run()
        .arg(root().join("tests/scripts/lost.py"))
        .arg(&board.port)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _guard = watchdog(child.id(), Duration::from_secs(30));
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "started\n");
    let t0 = Instant::now();
    board.kill();
    line.clear();
    out.read_line(&mut line).unwrap();
    let took = t0.elapsed();
    assert!(line.starts_with("lost: connection lost"), "{line:?}");
    assert!(
        took < Duration::from_secs(1),
        "ConnectionLost after {took:?}"
    );
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "still lost\n");
    assert!(child.wait().unwrap().success());
}

fn network_board_works(protocol: &str, port: impl Fn(&str) -> String) {
    let board = NetBoard::start(protocol, "s3cret");
    let run = run_script("network.py", &[&port(&board.address), "s3cret"]);
    run.assert_ok();
    assert!(run.stdout.ends_with("network ok\n"), "{}", run.stdout);
    assert!(run.stdout.contains("echo on the board"), "{}", run.stdout);
}

#[test]
fn raw_tcp_socket_port() {
    network_board_works("tcp", |a| format!("socket://{a}"));
}

/// A serial board served over the network by Debian's ser2net with RFC 2217 (installed by
/// .ci/run), reached as `rfc2217://HOST:PORT`.
#[test]
fn rfc2217_port_through_ser2net() {
    let ser2net = std::path::Path::new("/usr/sbin/ser2net");
    assert!(
        ser2net.exists(),
        "ser2net is not installed (apt-get install ser2net; .ci/run does it)"
    );
    let board = Board::start(Kind::Unix);
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = tcp.local_addr().unwrap();
    drop(tcp);
    let dir = std::env::temp_dir().join(format!("belay-ser2net-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `#` starts a new line in ser2net's -Y strings.
    let config = format!(
        "connection: &board#  accepter: telnet(rfc2217),tcp,{},{}#  connector: serialdev,{},115200n81,local",
        address.ip(),
        address.port(),
        board.port
    );
    let mut server = std::process::Command::new(ser2net)
        .args(["-n", "-u", "-P"])
        .arg(dir.join("ser2net.pid"))
        .args(["-Y", &config])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting ser2net");
    let _guard = watchdog(server.id(), Duration::from_secs(90));
    let t0 = Instant::now();
    while std::net::TcpStream::connect(address).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "ser2net did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let run = run_script("eval_exec.py", &[&format!("rfc2217://{address}")]);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    run.assert_ok();
    assert!(run.stdout.ends_with("eval ok\n"), "{}", run.stdout);
}

#[test]
fn telnet_port_with_login() {
    network_board_works("telnet", |a| a.to_string());
}

#[test]
fn webrepl_port_with_password() {
    network_board_works("webrepl", |a| format!("ws://{a}"));
}

#[test]
fn wrong_passwords_are_refused_without_showing_them() {
    for (protocol, prefix) in [("telnet", ""), ("webrepl", "ws://")] {
        let board = NetBoard::start(protocol, "s3cret");
        let run = run_script("auth.py", &[&format!("{prefix}{}", board.address)]);
        run.assert_ok();
        assert!(
            run.stdout.starts_with("refused: could not connect"),
            "{protocol}: {}",
            run.stdout
        );
    }
}

#[test]
fn execpty_port_opens_the_pty_the_process_names() {
    let python = boards_dir().join(".venv/bin/python");
    let port = format!(
        "execpty:{} {} unix --qemu-style",
        python.display(),
        boards_dir().join("board.py").display()
    );
    let run = run_script("eval_exec.py", &[&port]);
    run.assert_ok();
    assert!(run.stdout.contains("eval ok"), "{}", run.stdout);
}

#[test]
fn usb_specifiers_and_listing() {
    let board = Board::start(Kind::Unix);
    let run = run_script("usb.py", &[&board.port]);
    run.assert_ok();
    assert!(
        run.stdout
            .starts_with("not found: could not connect to {\"vid\":11914"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("usb ok\n"), "{}", run.stdout);
}

#[test]
fn port_auto_explains_what_it_found() {
    let mut cmd = belay_run();
    cmd.args(["--port", "auto"])
        .arg(root().join("tests/scripts/auto.py"));
    let run = crate::support::run_with_limit(cmd, Duration::from_secs(30));
    run.assert_ok();
    // This machine has no MicroPython board on USB: the error says what was looked for.
    assert!(
        run.stdout
            .starts_with("DeviceNotFoundError: could not connect to auto"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("MicroPython board or USB-UART bridge"),
        "{}",
        run.stdout
    );
}

#[test]
fn early_connection_from_port_option_is_adopted_or_dropped() {
    let board = Board::start(Kind::Unix);
    for (mode, expect) in [
        ("adopt", "adopted"),
        ("other-settings", "reconnected"),
        ("twice", "twice"),
        ("unused", "no device"),
    ] {
        let mut cmd = belay_run();
        cmd.args(["--port", &board.port])
            .arg(root().join("tests/scripts/early.py"))
            .args([&board.port, mode]);
        let run = crate::support::run_with_limit(cmd, Duration::from_secs(30));
        run.assert_ok();
        assert_eq!(run.stdout, format!("{expect}\n"), "{mode}");
    }
}

#[test]
fn connect_attempts_wait_for_a_port_that_appears_later() {
    let board = Board::start(Kind::Unix);
    let dir = std::env::temp_dir().join(format!("belay-attempts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("board");
    let _ = std::fs::remove_file(&link);
    let mut cmd = belay_run();
    cmd.arg(root().join("tests/scripts/attempts.py")).arg(&link);
    let child =
        std::thread::spawn(move || crate::support::run_with_limit(cmd, Duration::from_secs(60)));
    // The board "appears" (like a USB device enumerating) after the first try failed.
    std::thread::sleep(Duration::from_millis(1300));
    std::os::unix::fs::symlink(&board.port, &link).unwrap();
    let run = child.join().unwrap();
    run.assert_ok();
    // Tries at 0, 1 and 2 s: the third finds the port (later under heavy load, never sooner).
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        matches!(lines[0], "connected after 2 s" | "connected after 3 s"),
        "{}",
        run.stdout
    );
    // Two tries, one second apart.
    assert_eq!(lines[1], "gave up after 1 s", "{}", run.stdout);
    let _ = std::fs::remove_dir_all(dir);
}
