//! `belay-run exec [PORT] STATEMENT...`: code run on a board as its REPL runs it (`exec.py`):
//! every expression statement's value that is not None is printed. This side finds the port
//! among the arguments and checks the statements' syntax before any board is opened.

use std::process::ExitCode;

use belay_transport::PortSpec;

use super::port_or_default;
use crate::cli::{Cli, ExecArgs};
use crate::interp::run_builtin;

pub fn exec(args: &ExecArgs, cli: &Cli) -> ExitCode {
    let (port, statements) = match split(&args.args, cli) {
        Ok(v) => v,
        Err(code) => return code,
    };
    for (i, statement) in statements.iter().enumerate() {
        let shown = match statements.len() {
            1 => "STATEMENT".to_string(),
            _ => format!("STATEMENT {}", i + 1),
        };
        if let Err(error) = crate::script::check_syntax(&shown, statement.clone()) {
            let status = error.status();
            eprintln!("{:?}", miette::Report::new(error));
            return ExitCode::from(status);
        }
    }
    let mut argv = vec![
        "belay-run exec".to_string(),
        port,
        args.password.clone().unwrap_or_default(),
    ];
    argv.extend(statements.iter().cloned());
    run_builtin("exec", include_str!("exec.py"), argv)
}

/// `[PORT] STATEMENT...`: without a default port (`--port`, BELAY_DEVICE) the first of several
/// arguments is the port; with one, the first is the port only when it names one
/// ([`names_a_port`]), so that `exec "x=1" "x+1"` runs both statements on the default board.
fn split<'a>(args: &'a [String], cli: &Cli) -> Result<(String, &'a [String]), ExitCode> {
    match args {
        [first, rest @ ..] if !rest.is_empty() && (cli.port.is_none() || names_a_port(first)) => {
            Ok((first.clone(), rest))
        }
        [only] if cli.port.is_none() && names_a_port(only) => {
            eprintln!("{:?}", miette::Report::new(NoStatement(only.clone())));
            Err(ExitCode::from(2))
        }
        _ => Ok((port_or_default(None, cli)?, args)),
    }
}

/// `exec PORT` and nothing to run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("exec: no statement to run on {0}")]
#[diagnostic(
    code(belay_run::exec),
    help("give the code after the port: `belay-run exec {0} \"print('hello')\"`")
)]
struct NoStatement(String);

/// Whether an argument is a port rather than a statement: a port form no statement has (`auto`,
/// `exec:…`, `socket://…`, an IP address, a USB specifier) or a serial device's path.
fn names_a_port(word: &str) -> bool {
    match PortSpec::parse(word) {
        Ok(PortSpec::Serial(path)) => {
            path.starts_with("/dev/")
                || path.starts_with(r"\\.\")
                || path
                    .strip_prefix("COM")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::names_a_port;

    #[test]
    fn ports_are_told_from_statements() {
        for port in [
            "/dev/ttyACM0",
            "COM5",
            "auto",
            "exec:micropython",
            "socket://localhost:2217",
            "192.168.1.5",
            "ws://192.168.1.5",
        ] {
            assert!(names_a_port(port), "{port}");
        }
        for statement in [
            "x=1",
            "x+1",
            "print('/dev/x')",
            "1.5",
            "import os",
            "COMMAND",
        ] {
            assert!(!names_a_port(statement), "{statement}");
        }
    }
}
