//! Command-line interface.

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{Args, Parser, Subcommand};

/// `belay-run --version`: ours, the embedded interpreter's with the Python it implements, and the
/// commit and date the binary was built from (build.rs).
pub fn version_text() -> &'static str {
    use rustpython_vm::version as v;
    static TEXT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{} (RustPython {}.{}.{}, Python {}.{}.{}; commit {}, built {})",
            env!("CARGO_PKG_VERSION"),
            v::MAJOR_IMPL,
            v::MINOR_IMPL,
            v::MICRO_IMPL,
            v::MAJOR,
            v::MINOR,
            v::MICRO,
            env!("BELAY_RUN_COMMIT"),
            env!("BELAY_RUN_BUILD_DATE"),
        )
    });
    &TEXT
}

/// Run a host Python script that drives MicroPython boards with Belay's API.
///
/// The script runs as `__main__` in an embedded Python interpreter (RustPython, with its standard
/// library compiled in); `import belay` gives the built-in `belay` module.
#[derive(Debug, Parser)]
#[command(
    name = "belay-run",
    version = version_text(),
    about
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Default port for `belay.Device()` called without one, and for the commands that take a
    /// board: a serial path such as /dev/ttyACM0, `auto`, exec:COMMAND, execpty:COMMAND, an IP
    /// address (telnet), ws://HOST (WebREPL), socket://HOST:PORT, rfc2217://HOST:PORT, or a USB
    /// specifier as JSON. Before the script: everything after it is the script's.
    #[arg(long, short = 'p', env = "BELAY_DEVICE", value_name = "PORT")]
    pub port: Option<String>,

    /// The longest connecting to a board may take, every step included (default 10): a board
    /// that stops answering is an error naming the step it was at.
    #[arg(long, value_name = "SECONDS", value_parser = positive_seconds)]
    pub connect_timeout: Option<f64>,

    #[command(flatten)]
    pub python: PythonArgs,

    #[command(flatten)]
    pub packages: crate::commands::pip::args::RunPackages,

    /// The host script to run (`-` reads it from stdin), then its arguments (sys.argv[1:]): the
    /// first argument that is not an option ends belay-run's options, as with `python`. Without
    /// a script, `-c` or `-m`: an interactive host REPL when stdin is a terminal, else the
    /// program read from stdin.
    #[arg(value_name = "SCRIPT [ARGS]", num_args = 0.., allow_hyphen_values = true)]
    pub program: Vec<String>,
}

/// The options `python` has that apply to belay-run's host interpreter.
#[derive(Debug, Default, Args)]
pub struct PythonArgs {
    /// Run CODE (a program passed in as a string); the arguments after it are its sys.argv[1:].
    #[arg(
        short = 'c',
        value_name = "CODE",
        allow_hyphen_values = true,
        conflicts_with = "module"
    )]
    pub code: Option<String>,
    /// Run a module (from sys.path) as `__main__`; the arguments after it are its sys.argv[1:].
    #[arg(short = 'm', value_name = "MODULE")]
    pub module: Option<String>,
    /// Unbuffered stdout and stderr (also PYTHONUNBUFFERED=x).
    #[arg(short = 'u')]
    pub unbuffered: bool,
    /// An interactive REPL after the script (also PYTHONINSPECT=x), even after an exception.
    #[arg(short = 'i')]
    pub inspect: bool,
    /// Isolate from the user's environment: implies -E and -P.
    #[arg(short = 'I')]
    pub isolate: bool,
    /// Ignore the PYTHON* environment variables (PYTHONPATH, PYTHONUNBUFFERED, ...).
    #[arg(short = 'E')]
    pub ignore_environment: bool,
    /// Don't put the script's folder (or the current one) first on sys.path (also PYTHONSAFEPATH=x).
    #[arg(short = 'P')]
    pub safe_path: bool,
    /// No version banner when the REPL starts.
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Accepted for `python`'s sake: belay-run never writes .pyc files.
    #[arg(short = 'B')]
    pub dont_write_bytecode: bool,
    /// Warning control, as `python -W` (also PYTHONWARNINGS=arg,...).
    #[arg(short = 'W', value_name = "ARG")]
    pub warnings: Vec<String>,
    /// Implementation options, as `python -X`: `-X utf8=0` turns UTF-8 mode off.
    #[arg(short = 'X', value_name = "OPT")]
    pub xoptions: Vec<String>,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => Ok(s),
        _ => Err(format!("{text:?} is not a positive number of seconds")),
    }
}

/// `--port` and `--connect-timeout` after the name of a command that uses a board (before it,
/// the top-level options do the same). Commands without a board have neither.
#[derive(Debug, Default, Args)]
pub struct BoardOptions {
    /// The board's port (any form `belay.Device` accepts), as the top-level `--port`.
    #[arg(long = "port", short = 'p', value_name = "PORT", id = "board_port")]
    pub port: Option<String>,
    /// The longest connecting to the board may take, every step included (default 10).
    #[arg(
        long = "connect-timeout",
        value_name = "SECONDS",
        value_parser = positive_seconds,
        id = "board_connect_timeout"
    )]
    pub connect_timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    /// The host script to run, then the arguments it gets in sys.argv[1:] (everything after
    /// SCRIPT is the script's, `--port` included).
    #[arg(
        value_name = "SCRIPT [ARGS]",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
}

impl ScriptArgs {
    pub fn script(&self) -> &std::path::Path {
        std::path::Path::new(&self.command[0])
    }

    pub fn args(&self) -> &[String] {
        &self.command[1..]
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a host script (the same as `belay-run SCRIPT`), optionally with a host folder
    /// mounted on every board it opens.
    Run(RunArgs),
    /// Run Python code on a board and print the value of an expression.
    Exec(ExecArgs),
    /// Copy a folder (or one file) to a board: only changed files are sent, board files missing
    /// locally are deleted unless kept.
    Sync(SyncArgs),
    /// A board's files, mpremote-style: ls, cat, cp, rm, mkdir, rmdir, touch, tree, df,
    /// sha256sum (`belay-run fs PORT COMMAND --help` for each).
    Fs(FsArgs),
    /// Show the firmware a board runs (`micropython v1.29.0-preview - linux`), or with --host
    /// what belay-run itself embeds.
    Info(InfoArgs),
    /// An interactive REPL on a board (Ctrl-] exits).
    Terminal(PortArgs),
    /// An interactive REPL on a board with a host folder mounted on it: board code imports from
    /// the folder and works in it without copying (Ctrl-] exits).
    Mount(MountArgs),
    /// List the serial ports, with their USB details.
    List,
    /// Pick a board's port interactively and print the `export BELAY_DEVICE='…'` line for it.
    Select,
    /// Measure the round-trip latency of `device("0")` on a board.
    Latency(LatencyArgs),
    /// Create a new MicroPython project (Belay's template), or add [tool.belay] to the
    /// pyproject.toml of an existing one.
    #[command(visible_alias = "init")]
    New(NewArgs),
    /// Add a dependency to pyproject.toml (downloaded first: nothing is written if that fails).
    Add(AddArgs),
    /// Download new versions of dependencies into the dependencies folder.
    Update(UpdateArgs),
    /// Remove downloaded dependencies that pyproject.toml no longer declares.
    Clean,
    /// Sync the dependencies and the project itself to a board, then soft-reset it.
    Install(InstallArgs),
    /// Host packages for belay-run's own interpreter, without CPython: install, uninstall,
    /// list, freeze, show (pip's commands and flags).
    Pip(crate::commands::pip::args::PipArgs),
    /// Make a virtual environment that belay-run uses when it is active (its `python` is
    /// belay-run).
    Venv(crate::commands::pip::args::VenvArgs),
    /// belay-run's download cache (package files, package.json files, git clones).
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// The `--port`/`--connect-timeout` given after the command's name; `None` for a command
    /// that uses no board (it has neither option).
    pub fn board(&self) -> Option<&BoardOptions> {
        match self {
            Command::Run(a) => Some(&a.board),
            Command::Exec(a) => Some(&a.board),
            Command::Sync(a) => Some(&a.board),
            Command::Fs(a) => Some(&a.board),
            Command::Info(a) => Some(&a.port.board),
            Command::Terminal(a) => Some(&a.board),
            Command::Mount(a) => Some(&a.board),
            Command::Latency(a) => Some(&a.board),
            Command::Install(a) => Some(&a.board),
            Command::List
            | Command::Select
            | Command::New(_)
            | Command::Add(_)
            | Command::Update(_)
            | Command::Clean
            | Command::Cache { .. }
            | Command::Pip(_)
            | Command::Venv(_)
            | Command::Completions { .. } => None,
        }
    }
}

/// A board's port as the first positional argument; without it, `--port` or `BELAY_DEVICE`.
#[derive(Debug, Args)]
pub struct PortArgs {
    /// The board's port (any form `belay.Device` accepts; default: --port or BELAY_DEVICE).
    #[arg(value_name = "PORT")]
    pub port: Option<String>,
    /// Password for WebREPL/telnet boards.
    #[arg(long)]
    pub password: Option<String>,
    #[command(flatten)]
    pub board: BoardOptions,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub port: PortArgs,
    /// No board: the embedded Python, its compiled-in modules and features (sqlite3, ssl), and
    /// where this binary came from.
    #[arg(long, conflicts_with = "port")]
    pub host: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Mount this host folder on every board the script opens (`device.mount(FOLDER)`), once
    /// it is connected and before its setups run: board code imports from it and works in it.
    #[arg(long, value_name = "FOLDER")]
    pub mount: Option<String>,
    /// Where the board sees the mounted folder.
    #[arg(
        long,
        value_name = "BOARD_DIR",
        default_value = "/remote",
        requires = "mount"
    )]
    pub mount_at: String,
    #[command(flatten)]
    pub board: BoardOptions,
    #[command(flatten)]
    pub script: ScriptArgs,
}

#[derive(Debug, Args)]
pub struct MountArgs {
    /// `[PORT] FOLDER`: the port may come from --port or BELAY_DEVICE instead.
    #[arg(value_name = "PORT FOLDER", num_args = 1..=2, required = true)]
    pub args: Vec<String>,
    /// Where the board sees the folder.
    #[arg(long, value_name = "BOARD_DIR", default_value = "/remote")]
    pub at: String,
    /// The board may read the folder but not change it.
    #[arg(long)]
    pub readonly: bool,
    /// Password for WebREPL/telnet boards.
    #[arg(long)]
    pub password: Option<String>,
    #[command(flatten)]
    pub board: BoardOptions,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// `[PORT] STATEMENT...`: the port may come from --port or BELAY_DEVICE instead. Several
    /// statements run one after the other; the value of every expression among them that is
    /// not None is printed, as the board's REPL prints it.
    #[arg(value_name = "[PORT] STATEMENT", num_args = 1.., required = true)]
    pub args: Vec<String>,
    /// Password for WebREPL/telnet boards.
    #[arg(long)]
    pub password: Option<String>,
    #[command(flatten)]
    pub board: BoardOptions,
}

#[derive(Debug, Args)]
pub struct FsArgs {
    /// Password for WebREPL/telnet boards (before the command).
    #[arg(long)]
    pub password: Option<String>,
    #[command(flatten)]
    pub board: BoardOptions,
    /// `[PORT] COMMAND [ARGS]`: the port may come from --port or BELAY_DEVICE instead. Board
    /// paths may start with `:`; `cp` needs it to tell the board's side from the host's.
    #[arg(
        value_name = "[PORT] COMMAND [ARGS]",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// `[PORT] FOLDER`: the port may come from --port or BELAY_DEVICE instead.
    #[arg(value_name = "PORT FOLDER", num_args = 1..=2, required = true)]
    pub args: Vec<String>,
    /// Destination directory on the board.
    #[arg(long, default_value = "/")]
    pub dst: String,
    /// Board files to keep although they are not in FOLDER (default: boot.py, webrepl_cfg.py and
    /// lib when syncing to /).
    #[arg(long, num_args = 1.., conflicts_with = "empty_keep")]
    pub keep: Option<Vec<String>>,
    /// Keep nothing: delete every board file under --dst that is not in FOLDER.
    #[arg(long)]
    pub empty_keep: bool,
    /// Gitignore-style patterns not to sync (default: *.pyc __pycache__ .DS_Store .pytest_cache).
    #[arg(long, num_args = 1.., conflicts_with = "empty_ignore")]
    pub ignore: Option<Vec<String>>,
    /// Ignore nothing.
    #[arg(long)]
    pub empty_ignore: bool,
    /// Compile .py files with this mpy-cross before sending them.
    #[arg(long, value_name = "PATH")]
    pub mpy_cross_binary: Option<PathBuf>,
    /// Change nothing on the board: list the files that would be sent (+) and the board files
    /// and folders that would be deleted (-).
    #[arg(long)]
    pub dry_run: bool,
    /// Password for WebREPL/telnet boards.
    #[arg(long)]
    pub password: Option<String>,
    #[command(flatten)]
    pub board: BoardOptions,
}

#[derive(Debug, Args)]
pub struct LatencyArgs {
    /// The board's port (any form `belay.Device` accepts; default: --port or BELAY_DEVICE).
    #[arg(value_name = "PORT")]
    pub port: Option<String>,
    #[command(flatten)]
    pub board: BoardOptions,
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

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Where to create the project (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The package name (when URI follows), or the source URI (the name is then inferred).
    #[arg(value_name = "NAME-OR-URI")]
    pub name_or_uri: String,
    /// Source: an index package (`name`, `name@1.0`, `mip:name`), `github:user/repo[/path][@ref]`,
    /// `gitlab:…`, an http(s) URL (a file or a package.json) or a local path.
    #[arg(value_name = "URI")]
    pub uri: Option<String>,
    /// The dependency group.
    #[arg(long, default_value = "main")]
    pub group: String,
    /// Always take the local source as it is now (installs copy it fresh). Local paths only.
    #[arg(long)]
    pub develop: bool,
    /// Keep a single .py file's name instead of renaming it to __init__.py.
    #[arg(long)]
    pub no_rename_to_init: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Only these packages (default: all).
    #[arg(value_name = "PACKAGES")]
    pub packages: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The board's port (any form `belay.Device` accepts; default: --port or BELAY_DEVICE).
    #[arg(value_name = "PORT")]
    pub port: Option<String>,
    /// Also install this optional dependency group (repeatable).
    #[arg(long = "with", value_name = "GROUP")]
    pub with: Vec<String>,
    /// Sync this script to the board's /main.py after installing.
    #[arg(long, value_name = "FILE")]
    pub main: Option<PathBuf>,
    /// Run this script on the board after installing (instead of the soft reset).
    #[arg(long, value_name = "FILE")]
    pub run: Option<PathBuf>,
    /// Show the board's output after the soft reset (a terminal; Ctrl-] exits).
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Compile .py files with this mpy-cross before sending them (main.py stays source, so that
    /// it still runs at boot).
    #[arg(long, value_name = "PATH")]
    pub mpy_cross_binary: Option<PathBuf>,
    /// Password for WebREPL/telnet boards.
    #[arg(long)]
    pub password: Option<String>,
    /// Install under this board folder instead of / (ROOT/lib, ROOT/NAME, ROOT/main.py), e.g.
    /// /sd.
    #[arg(long, value_name = "BOARD_DIR", default_value = "/")]
    pub root: String,
    #[command(flatten)]
    pub board: BoardOptions,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// The cache's entries, one per line.
    List,
    /// Where the cache is, how many entries it has and their size.
    Info,
    /// Delete the entries starting with PREFIX, or all of them.
    Clear {
        /// Entries whose name starts with this.
        #[arg(value_name = "PREFIX", required_unless_present = "all")]
        prefix: Option<String>,
        /// Every entry.
        #[arg(long, short = 'a', conflicts_with = "prefix")]
        all: bool,
        /// Don't ask.
        #[arg(long, short = 'y')]
        yes: bool,
    },
}
