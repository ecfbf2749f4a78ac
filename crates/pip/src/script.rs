//! PEP 723 inline script metadata: the `# /// script` block of a script, its `dependencies`
//! (PEP 508) and `requires-python`, with spans so that a malformed block is shown with miette
//! pointing at its line.

use miette::{NamedSource, SourceSpan};
use pep440_rs::VersionSpecifiers;
use pep508_rs::Requirement;

/// What a script's block asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptMetadata {
    pub dependencies: Vec<Requirement>,
    pub requires_python: Option<VersionSpecifiers>,
    /// The block's TOML text (after the comment markers), for the environment's cache key.
    pub toml: String,
}

/// A malformed block, shown on the script's source.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(belay_pip::script_metadata))]
pub struct ScriptError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("here")]
    pub span: SourceSpan,
}

/// The script's `script` block (`None`: it has none). `name` is the script's path, for messages.
pub fn parse(name: &str, source: &str) -> crate::Result<Option<ScriptMetadata>> {
    let _ = (name, source);
    todo!("helper R")
}
