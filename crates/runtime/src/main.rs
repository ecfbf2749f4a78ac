//! `belay-run`: run a host Python script in embedded RustPython, with the `belay` module built in.

mod cli;
mod script;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    belay_pymodule::set_default_port(cli.port.clone());
    match script::run(&cli.script, &cli.args) {
        Ok(code) => code,
        Err(error) => {
            let status = error.status();
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(status)
        }
    }
}
