//! `belay-run`: run a host Python script in embedded RustPython, with the `belay` module built in.

mod argv;
mod board_error;
mod cli;
mod commands;
mod hostpkgs;
mod interp;
mod pyenv;
mod repl;
mod script;
mod suggest;
mod sys;
mod tls;

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use std::io::IsTerminal;

use cli::{Cli, Command};
use script::Program;

// The interpreter allocates and frees small objects at a high rate (start-up alone is ~12% malloc
// with glibc's allocator); mimalloc is what RustPython's own binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let command = Cli::command();
    // As `python`: the first of `-c CODE`, `-m MODULE` or the script ends the options; what
    // follows is the program's own sys.argv[1:].
    let (head, tail) = argv::split(&command, std::env::args_os().collect());
    let matches = command.get_matches_from(head);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    board_options(&mut cli, &matches);
    if let Some(name) = matches.subcommand_name().filter(|n| *n != "run") {
        // A built-in command: its errors are reported as such, not as a script's.
        commands::set_command(name);
    }
    let tail: Vec<String> = tail
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    belay_pymodule::set_default_port(cli.port.clone());
    belay_pymodule::set_terminal(commands::device_terminal::for_device);
    if let Some(seconds) = cli.connect_timeout {
        belay_pymodule::set_default_connect_timeout(std::time::Duration::from_secs_f64(seconds));
    }
    let code = match &cli.command {
        Some(Command::Latency(args)) => commands::latency(args, &cli),
        Some(Command::Exec(args)) => commands::exec(args, &cli),
        Some(Command::Sync(args)) => commands::sync(args, &cli),
        Some(Command::Fs(args)) => commands::fs(args, &cli),
        Some(Command::Info(args)) => commands::info(args, &cli),
        Some(Command::Terminal(args)) => commands::terminal(args, &cli),
        Some(Command::Mount(args)) => commands::mount(args, &cli),
        Some(Command::List) => commands::list(),
        Some(Command::Select) => commands::select(),
        Some(Command::New(args)) => commands::new(args),
        Some(Command::Add(args)) => commands::add(args),
        Some(Command::Update(args)) => commands::update(args),
        Some(Command::Clean) => commands::clean(),
        Some(Command::Install(args)) => commands::install(args, &cli),
        Some(Command::Cache { action }) => commands::cache(action),
        Some(Command::Completions { shell }) => commands::completions(*shell),
        Some(Command::Pip(args)) => commands::pip::pip(args),
        Some(Command::Venv(args)) => commands::pip::venv(args),
        Some(Command::Run(args)) => {
            if let Some(folder) = &args.mount {
                belay_pymodule::set_auto_mount(folder.clone(), args.mount_at.clone());
            }
            let program = Program::Script(args.script.script().to_path_buf());
            run_program(&program, args.script.args(), &cli, &matches)
        }
        None => {
            let (program, args) = program(&cli, tail);
            run_program(&program, &args, &cli, &matches)
        }
    };
    belay_pymodule::release_preconnect();
    code
}

/// A command's own `--port`/`--connect-timeout` (after its name) take the place of the top-level
/// ones. A command that uses no board refuses them (`belay-run --port P list`): they would do
/// nothing.
fn board_options(cli: &mut Cli, matches: &clap::ArgMatches) {
    match cli.command.as_ref().map(Command::board) {
        Some(Some(own)) => {
            if own.port.is_some() {
                cli.port.clone_from(&own.port);
            }
            if own.connect_timeout.is_some() {
                cli.connect_timeout = own.connect_timeout;
            }
        }
        Some(None) => {
            let given = |id| matches.value_source(id) == Some(ValueSource::CommandLine);
            if let Some(option) = [("port", "--port"), ("connect_timeout", "--connect-timeout")]
                .into_iter()
                .find_map(|(id, option)| given(id).then_some(option))
            {
                let name = matches.subcommand_name().unwrap_or_default();
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!("{option} is not used by `belay-run {name}`: it needs no board"),
                    )
                    .exit();
            }
        }
        None => {}
    }
}

/// Whether the user named the port on the command line (not BELAY_DEVICE): `--port` before the
/// script, or after `run`.
fn port_on_command_line(matches: &clap::ArgMatches) -> bool {
    let typed = |m: &clap::ArgMatches, id| m.value_source(id) == Some(ValueSource::CommandLine);
    typed(matches, "port")
        || matches
            .subcommand_matches("run")
            .is_some_and(|run| typed(run, "board_port"))
}

/// What the command line asks to run, and its arguments: `-c`, `-m`, a script (`-` for stdin),
/// or, with none of them, the REPL on a terminal and stdin's program elsewhere.
fn program(cli: &Cli, tail: Vec<String>) -> (Program, Vec<String>) {
    if let Some(code) = &cli.python.code {
        return (Program::Code(code.clone()), tail);
    }
    if let Some(module) = &cli.python.module {
        return (Program::Module(module.clone()), tail);
    }
    let mut words = cli.program.iter().cloned().chain(tail);
    match words.next() {
        Some(dash) if dash == "-" => (Program::Stdin, words.collect()),
        Some(script) => (Program::Script(script.into()), words.collect()),
        None if std::io::stdin().is_terminal() => (Program::Repl, Vec::new()),
        None => (Program::Stdin, Vec::new()),
    }
}

fn run_program(
    program: &Program,
    args: &[String],
    cli: &Cli,
    matches: &clap::ArgMatches,
) -> ExitCode {
    // A board named on the command line is connected to while the interpreter starts.
    if let Some(port) = &cli.port
        && port_on_command_line(matches)
        && matches!(program, Program::Script(s) if s.is_file())
    {
        belay_pymodule::preconnect(port);
    }
    match script::run(program, args, &cli.python, &cli.packages) {
        Ok(code) => code,
        Err(error) => {
            let status = error.status();
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(status)
        }
    }
}
