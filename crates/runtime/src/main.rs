//! `belay-run`: run a host Python script in embedded RustPython, with the `belay` module built in.

mod cli;
mod commands;
mod interp;
mod script;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, ScriptArgs};

// The interpreter allocates and frees small objects at a high rate (start-up alone is ~12% malloc
// with glibc's allocator); mimalloc is what RustPython's own binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    belay_pymodule::set_default_port(cli.port.clone());
    match &cli.command {
        Some(Command::Latency(args)) => commands::latency(args),
        Some(Command::Run(args)) => run_script(args),
        None => run_script(&cli.script),
    }
}

fn run_script(args: &ScriptArgs) -> ExitCode {
    let script = args.script.as_deref().expect("clap requires SCRIPT");
    match script::run(script, &args.args) {
        Ok(code) => code,
        Err(error) => {
            let status = error.status();
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(status)
        }
    }
}
