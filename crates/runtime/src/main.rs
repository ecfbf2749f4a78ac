//! `belay-run`: run a host Python script in embedded RustPython, with the `belay` module built in.

mod board_error;
mod cli;
mod commands;
mod interp;
mod script;

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command, ScriptArgs};

// The interpreter allocates and frees small objects at a high rate (start-up alone is ~12% malloc
// with glibc's allocator); mimalloc is what RustPython's own binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    belay_pymodule::set_default_port(cli.port.clone());
    if let Some(seconds) = cli.connect_timeout {
        belay_pymodule::set_default_connect_timeout(std::time::Duration::from_secs_f64(seconds));
    }
    let code = match &cli.command {
        Some(Command::Latency(args)) => commands::latency(args),
        Some(Command::Exec(args)) => commands::exec(args, &cli),
        Some(Command::Sync(args)) => commands::sync(args, &cli),
        Some(Command::Info(args)) => commands::info(args, &cli),
        Some(Command::Terminal(args)) => commands::terminal(args, &cli),
        Some(Command::List) => commands::list(),
        Some(Command::Select) => commands::select(),
        Some(Command::Completions { shell }) => commands::completions(*shell),
        Some(Command::Run(args)) => run_script(args, &cli, &matches),
        None => run_script(&cli.script, &cli, &matches),
    };
    belay_pymodule::release_preconnect();
    code
}

fn run_script(args: &ScriptArgs, cli: &Cli, matches: &clap::ArgMatches) -> ExitCode {
    let script = args.script();
    // A board named on the command line is connected to while the interpreter starts.
    if let Some(port) = &cli.port
        && matches.value_source("port") == Some(ValueSource::CommandLine)
        && script.exists()
    {
        belay_pymodule::preconnect(port);
    }
    match script::run(script, args.args()) {
        Ok(code) => code,
        Err(error) => {
            let status = error.status();
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(status)
        }
    }
}
