//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Run a host Python script that drives MicroPython boards with Belay's API.
///
/// The script runs as `__main__` in an embedded Python interpreter (RustPython, with its standard
/// library compiled in); `import belay` gives the built-in `belay` module.
#[derive(Debug, Parser)]
#[command(
    name = "belay-run",
    version,
    about,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Default port for `belay.Device()` called without one: a serial path such as
    /// /dev/ttyACM0, `auto`, exec:COMMAND, execpty:COMMAND, an IP address (telnet), ws://HOST
    /// (WebREPL), socket://HOST:PORT, or a USB specifier as JSON.
    #[arg(long, short = 'p', env = "BELAY_DEVICE", value_name = "PORT")]
    pub port: Option<String>,

    #[command(flatten)]
    pub script: ScriptArgs,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    /// The host script to run.
    #[arg(value_name = "SCRIPT", required = true)]
    pub script: Option<PathBuf>,

    /// Arguments passed to the script (sys.argv[1:]).
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a host script (the same as `belay-run SCRIPT`).
    Run(ScriptArgs),
    /// Measure the round-trip latency of `device("0")` on a board.
    Latency(LatencyArgs),
}

#[derive(Debug, Args)]
pub struct LatencyArgs {
    /// The board's port (any form `belay.Device` accepts).
    #[arg(env = "BELAY_DEVICE")]
    pub port: String,
    /// Number of round trips to measure.
    #[arg(long, short = 'c', default_value_t = 10)]
    pub count: usize,
    /// Show every measurement, not only the statistics.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Also write the measurements to this CSV file.
    #[arg(long, short = 'o', value_name = "CSV")]
    pub output: Option<PathBuf>,
    /// With the per-call time synchronisation (the default).
    #[arg(long = "with-timing", short = 't', overrides_with = "without_timing")]
    pub with_timing: bool,
    /// Without the per-call time synchronisation.
    #[arg(
        long = "without-timing",
        visible_alias = "no-with-timing",
        overrides_with = "with_timing"
    )]
    pub without_timing: bool,
}
