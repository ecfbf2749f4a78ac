//! belay-pip: host packages for belay-run's embedded interpreter, without CPython
//! (`docs/host-packages.md`): what `belay-run pip`, `belay-run venv` and PEP 723 scripts need.
//!
//! - requirements: PEP 508 requirements and requirements files (`-r`, `-c`, `--hash`, options)
//!   ([`requirements`]); PEP 723 inline script metadata with spans for miette ([`script`]);
//! - the interpreter it installs for: marker values and the wheel tags a pure-Python interpreter
//!   takes ([`target`], [`wheelname`]);
//! - indexes: PEP 503 HTML and PEP 691 JSON simple APIs, `--find-links` folders and pages,
//!   PEP 658 metadata, downloads checked against their hashes, through belay-packages' HTTP client
//!   and cache ([`index`]); core metadata ([`metadata`]);
//! - resolution with PubGrub: versions, extras, markers, `requires-python`, yanked files,
//!   pre-releases, constraints; a conflict explained as a derivation ([`resolve`]);
//! - installation of wheels into a virtual environment or a `--target` folder, by the wheel spec
//!   (RECORD, `.data`, console scripts, INSTALLER), staged so that a failure leaves the previous
//!   state ([`install`]); what is installed: list, freeze, show, uninstall ([`installed`]);
//!   virtual environments ([`venv`]); PEP 723 environments in belay-run's cache ([`envcache`]);
//! - sdists built into wheels by their PEP 517 backend, run by an interpreter the caller gives
//!   ([`build`]).
//!
//! It knows nothing of boards, of the interpreter (the marker values come in as a [`Target`], the
//! build hooks are run by a [`build::Hooks`] the caller gives) or
//! of the command line (progress goes out as [`Event`]s).

pub mod build;
pub mod envcache;
pub mod error;
pub mod events;
pub mod index;
pub mod install;
pub mod installed;
pub mod metadata;
pub mod parallel;
pub mod requirements;
pub mod resolve;
pub mod script;
pub mod target;
pub mod venv;
pub mod wheelname;

pub use error::{Error, Result};
pub use events::{Event, Report, Silent};
pub use target::Target;
