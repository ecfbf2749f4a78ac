//! belay-run's own commands besides running a script.

mod bar;
pub mod device_terminal;
pub mod errors;
mod exec;
pub mod fs;
mod install;
mod mount;
mod packages;
pub mod pip;
mod ports;
mod sync;
mod terminal;

use std::process::ExitCode;

use crate::cli::{Cli, InfoArgs, LatencyArgs};
use crate::interp::run_builtin;

pub use errors::{command, set_command};
pub use exec::exec;
pub use fs::fs;
pub use install::install;
pub use mount::mount;
pub use packages::{add, cache, clean, new, update};
pub use ports::{list, select};
pub use sync::sync;
pub use terminal::terminal;

/// No board was named anywhere.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("no port given")]
#[diagnostic(
    code(belay_run::no_port),
    help(
        "name the board: `belay-run COMMAND PORT …`, `belay-run --port PORT COMMAND …` or BELAY_DEVICE=PORT"
    )
)]
pub struct NoPort;

/// The port named on the command (`given`), else `--port`/`BELAY_DEVICE`. Exit status 2 without.
pub fn port_or_default(given: Option<&str>, cli: &Cli) -> Result<String, ExitCode> {
    given
        .map(str::to_string)
        .or_else(|| cli.port.clone())
        .ok_or_else(|| {
            eprintln!("{:?}", miette::Report::new(NoPort));
            ExitCode::from(2)
        })
}

/// `[PORT] REST`: the port is the first of two values, or the default when only one is given.
pub fn split_port<'a>(args: &'a [String], cli: &Cli) -> Result<(String, &'a str), ExitCode> {
    match args {
        [port, rest] => Ok((port.clone(), rest)),
        [rest] => Ok((port_or_default(None, cli)?, rest)),
        _ => unreachable!("clap takes one or two values"),
    }
}

/// `belay-run info [PORT]`.
pub fn info(args: &InfoArgs, cli: &Cli) -> ExitCode {
    if args.host {
        let argv = vec![
            "belay-run info --host".to_string(),
            crate::cli::version_text().to_string(),
        ];
        return run_builtin("info --host", include_str!("host_info.py"), argv);
    }
    let args = &args.port;
    let port = match port_or_default(args.port.as_deref(), cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let argv = vec![
        "belay-run info".to_string(),
        port,
        args.password.clone().unwrap_or_default(),
    ];
    run_builtin("info", include_str!("info.py"), argv)
}

/// `belay-run completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    use clap::CommandFactory;
    use std::io::Write;
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "belay-run", &mut script);
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(&script);
    ExitCode::SUCCESS
}

/// `belay-run latency [PORT]`.
pub fn latency(args: &LatencyArgs, cli: &Cli) -> ExitCode {
    let port = match port_or_default(args.port.as_deref(), cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let argv = vec![
        "belay-run latency".to_string(),
        port,
        args.count.to_string(),
        flag(args.verbose),
        args.output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        flag(!args.without_timing),
    ];
    run_builtin("latency", include_str!("latency.py"), argv)
}
