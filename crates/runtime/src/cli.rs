//! Command-line interface.

use std::path::PathBuf;

use clap::Parser;

/// Run a host Python script that drives MicroPython boards with Belay's API.
///
/// The script runs as `__main__` in an embedded Python interpreter (RustPython, with its standard
/// library compiled in); `import belay` gives the built-in `belay` module.
#[derive(Debug, Parser)]
#[command(name = "belay-run", version, about)]
pub struct Cli {
    /// Default port for `belay.Device()` called without one: a serial path such as
    /// /dev/ttyACM0, or exec:COMMAND to run a board process on its stdin/stdout.
    #[arg(long, short = 'p', env = "BELAY_DEVICE", value_name = "PORT")]
    pub port: Option<String>,

    /// The host script to run.
    #[arg(value_name = "SCRIPT")]
    pub script: PathBuf,

    /// Arguments passed to the script (sys.argv[1:]).
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}
