//! The errors of host package work, as miette diagnostics.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. Each names what it was about (a package, a file, a URL).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// A download or an index failed (belay-packages' errors: unreachable, not found, offline...).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Http(#[from] belay_packages::Error),

    /// A requirement (or a requirements file line) that is not PEP 508.
    #[error("{origin}: {message}")]
    #[diagnostic(code(belay_pip::requirement))]
    Requirement { origin: String, message: String },

    /// The PEP 723 block of a script is malformed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Script(#[from] Box<crate::script::ScriptError>),

    /// No set of versions satisfies the requirements: `explanation` is the derivation.
    #[error("no versions satisfy the requirements:\n{explanation}")]
    #[diagnostic(code(belay_pip::conflict))]
    Conflict { explanation: String },

    /// A package has no file this interpreter can install (only CPython-ABI or platform wheels,
    /// or an sdist that cannot be built).
    #[error(
        "{package} {version}: no file installable by a pure-Python interpreter ({why}); files seen: {files}"
    )]
    #[diagnostic(code(belay_pip::no_installable_file))]
    NoInstallableFile {
        package: String,
        version: String,
        why: String,
        files: String,
    },

    /// An sdist could not be built into a wheel that can be installed here.
    #[error("{sdist}: cannot build a wheel: {message}{output}")]
    #[diagnostic(code(belay_pip::build))]
    Build {
        sdist: String,
        message: String,
        /// The end of the backend's output (empty, or starting with a newline).
        output: String,
    },

    /// A file's hash is not the expected one.
    #[error("{file}: hash mismatch (expected {expected}, got {actual})")]
    #[diagnostic(code(belay_pip::hash))]
    Hash {
        file: String,
        expected: String,
        actual: String,
    },

    /// A wheel that is not valid, or that names a path outside the destination.
    #[error("{wheel}: {message}")]
    #[diagnostic(code(belay_pip::wheel))]
    Wheel { wheel: String, message: String },

    /// Core metadata that cannot be read.
    #[error("{origin}: {message}")]
    #[diagnostic(code(belay_pip::metadata))]
    Metadata { origin: String, message: String },

    /// The script or command asks for a Python this interpreter is not.
    #[error("{what} requires Python {specifier}, and belay-run's interpreter is Python {python}")]
    #[diagnostic(code(belay_pip::requires_python))]
    RequiresPython {
        what: String,
        specifier: String,
        python: String,
    },

    /// A package named on the command line is not installed.
    #[error("{0} is not installed")]
    #[diagnostic(code(belay_pip::not_installed))]
    NotInstalled(String),

    /// A file system operation failed.
    #[error("{action} {path}: {source}")]
    #[diagnostic(code(belay_pip::io))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    /// Ctrl-C or an ended process stopped the work (nothing was changed).
    #[error("interrupted; nothing was changed")]
    #[diagnostic(code(belay_pip::interrupted))]
    Interrupted,
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
