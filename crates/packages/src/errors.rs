//! The package manager's errors. Each is a `miette` diagnostic; configuration errors and Python
//! syntax errors carry the file's text and the span of the offending part.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// `Result` with [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An invalid `[tool.belay]` (or a TOML syntax error): the message, the file's text and the
/// span of the key or value at fault.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(belay::config))]
pub struct ConfigError {
    /// What is wrong (Belay's wording where Belay has one).
    pub message: String,
    /// The file, named by its path.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where in the file.
    #[label("{label}")]
    pub span: SourceSpan,
    /// The label's text under the snippet.
    pub label: String,
    /// How to fix it, when there is something to say.
    #[help]
    pub help: Option<String>,
}

impl ConfigError {
    /// The text the span points at (for tests and messages).
    pub fn snippet(&self) -> &str {
        let start = self.span.offset();
        let text = self.src.inner();
        text.get(start..start + self.span.len()).unwrap_or("")
    }
}

/// A downloaded `.py` file that does not parse.
#[derive(Debug, Error, Diagnostic)]
#[error("{file} is not valid Python: {message}")]
#[diagnostic(code(belay::syntax))]
pub struct PythonSyntaxError {
    /// The file's path inside the package (as it would be on the board under `/lib`).
    pub file: String,
    /// The parser's message.
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("here")]
    pub span: SourceSpan,
}

/// Everything that can go wrong in the package manager.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),

    #[error(transparent)]
    #[diagnostic(transparent)]
    PythonSyntax(Box<PythonSyntaxError>),

    #[error(
        "Cannot find a pyproject.toml in the current directory \"{}\" or any parent directory.",
        cwd.display()
    )]
    PyprojectNotFound { cwd: PathBuf },

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{url} was not found (HTTP 404)")]
    NotFound { url: String },

    #[error("downloading {url} failed: HTTP {status}")]
    HttpStatus { url: String, status: u16 },

    #[error("downloading {url} failed after {attempts} attempt(s): {message}")]
    Network {
        url: String,
        attempts: u32,
        message: String,
    },

    /// The server could not be reached at all (its name does not resolve, the connection is
    /// refused or times out, TLS fails): no answer about the package, found or not.
    #[error("cannot reach {host}: {cause} (downloading {url}, {attempts} attempt(s))")]
    #[diagnostic(help(
        "check the network connection and the index or source address (BELAY_RUN_OFFLINE=1 \
         works from the cache)"
    ))]
    Unreachable {
        host: String,
        url: String,
        attempts: u32,
        cause: String,
    },

    #[error(
        "BELAY_RUN_OFFLINE is set and {url} is not in the cache ({})",
        cache.display()
    )]
    #[diagnostic(help("run the command once online, or unset BELAY_RUN_OFFLINE"))]
    Offline { url: String, cache: PathBuf },

    #[error("Hash mismatch for {file} ({url}): expected {expected}, got {actual}")]
    HashMismatch {
        file: String,
        url: String,
        expected: String,
        actual: String,
    },

    #[error("Circular dependency detected: {chain}")]
    Cycle { chain: String },

    #[error("Package not found in any index: {name} (tried {tried})")]
    PackageNotFound { name: String, tried: String },

    #[error("invalid package.json {url}: {message}")]
    InvalidPackageJson { url: String, message: String },

    #[error("{package}: refusing to write \"{path}\": {reason}")]
    UnsafePath {
        package: String,
        path: String,
        reason: &'static str,
    },

    #[error("invalid source \"{uri}\": {reason}")]
    InvalidUri { uri: String, reason: String },

    #[error("Cannot infer package name from URI: {uri}")]
    #[diagnostic(help("give the name first: `add NAME URI`"))]
    CannotInferName { uri: String },

    #[error("Cannot convert '{name}' to valid package name.")]
    InvalidPackageName { name: String },

    #[error("Package name '{name}' must be a valid Python identifier.")]
    NotIdentifier { name: String },

    #[error("Invalid group name \"{name}\": it must be usable as a folder name")]
    InvalidGroup { name: String },

    #[error("--develop can only be used with local paths (e.g., ./path, ../path, /absolute/path)")]
    DevelopNotLocal,

    #[error(
        "Dependency '{package}' already exists in group '{group}'. Remove it first or manually edit pyproject.toml."
    )]
    DuplicateDependency { package: String, group: String },

    #[error(
        "Belay is already configured in {}. Remove [tool.belay] section to reinitialize.",
        path.display()
    )]
    AlreadyConfigured { path: PathBuf },

    #[error("refusing to overwrite existing file {}", path.display())]
    FileExists { path: PathBuf },

    #[error(
        "cannot derive a package name from the folder name \"{folder}\": \"{name}\" is not a valid Python identifier"
    )]
    #[diagnostic(help(
        "name the folder with letters, digits, '_', '-' or '.', not starting with a digit"
    ))]
    ProjectName { folder: String, name: String },

    #[error("unknown group(s) in --with: {unknown}; the groups are: {known}")]
    UnknownGroups { unknown: String, known: String },

    #[error("\"{}\" does not exist.", path.display())]
    MissingProjectPackage { path: PathBuf },

    #[error("local source \"{uri}\" not found: {} does not exist", path.display())]
    LocalSourceMissing { uri: String, path: PathBuf },

    #[error("git {action} of {url} failed: {message}")]
    Git {
        action: &'static str,
        url: String,
        message: String,
    },

    #[error("\"{path}\" does not exist in {url} at {git_ref}")]
    GitPathMissing {
        url: String,
        path: String,
        git_ref: String,
    },

    #[error("{file} is not UTF-8 text")]
    NotUtf8 { file: String },

    #[error("Either provide a prefix OR set the \"--all\" flag.")]
    CachePrefixOrAll,

    #[error("No caches found starting with \"{prefix}*\"")]
    NoCaches { prefix: String },

    #[error(
        "refusing to clean {}: the dependencies folder is the project folder or one of its parents",
        path.display()
    )]
    #[diagnostic(help("set `dependencies_path` in [tool.belay] to a folder of its own"))]
    UnsafeDependenciesPath { path: PathBuf },
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(Box::new(error))
    }
}

impl From<PythonSyntaxError> for Error {
    fn from(error: PythonSyntaxError) -> Self {
        Error::PythonSyntax(Box::new(error))
    }
}

impl Error {
    /// An I/O error on `path`; `action` reads "cannot {action} {path}".
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// The configuration error, if this is one.
    pub fn as_config(&self) -> Option<&ConfigError> {
        match self {
            Error::Config(error) => Some(error),
            _ => None,
        }
    }
}

/// `map_err` helper: `.map_err(io_err("read", path))`.
pub(crate) fn io_err(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}
