//! PEP 723 inline script metadata: the `# /// script` block of a script, its `dependencies`
//! (PEP 508) and `requires-python`, with spans so that a malformed block is shown with miette
//! pointing at its line.

use std::ops::Range;
use std::str::FromStr;
use std::sync::OnceLock;

use miette::{NamedSource, SourceSpan};
use pep440_rs::VersionSpecifiers;
use pep508_rs::Requirement;
use regex::Regex;
use toml_edit::Document;

/// What a script's block asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptMetadata {
    pub dependencies: Vec<Requirement>,
    pub requires_python: Option<VersionSpecifiers>,
    /// The block's TOML text (after the comment markers), for the environment's cache key.
    pub toml: String,
}

impl ScriptMetadata {
    /// [`crate::Error::RequiresPython`] when `requires-python` excludes `target` (`name`: the
    /// script's path).
    pub fn check_python(&self, name: &str, target: &crate::Target) -> crate::Result<()> {
        match &self.requires_python {
            Some(specifiers) if !target.satisfies(specifiers) => {
                Err(crate::Error::RequiresPython {
                    what: name.to_string(),
                    specifier: specifiers.to_string(),
                    python: target.python_full_version(),
                })
            }
            _ => Ok(()),
        }
    }
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

/// The regular expression of PEP 723 ("Reference Implementation"), as it is there.
const BLOCK: &str = r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$";

/// The script's `script` block (`None`: it has none). `name` is the script's path, for messages.
pub fn parse(name: &str, source: &str) -> crate::Result<Option<ScriptMetadata>> {
    let error = |message: String, span: Range<usize>| {
        crate::Error::Script(Box::new(ScriptError {
            message,
            src: NamedSource::new(name, source.to_string()),
            span: span.into(),
        }))
    };
    static REGEX: OnceLock<Regex> = OnceLock::new();
    let regex = REGEX.get_or_init(|| Regex::new(BLOCK).expect("PEP 723's expression compiles"));
    let mut blocks = regex
        .captures_iter(source)
        .filter(|captures| &captures["type"] == "script");
    let Some(block) = blocks.next() else {
        if let Some(opening) = unclosed_opening(source) {
            return Err(error(
                "this `# /// script` block has no closing `# ///` line".to_string(),
                opening,
            ));
        }
        return Ok(None);
    };
    if let Some(second) = blocks.next() {
        let start = second.get(0).map_or(0, |m| m.start());
        return Err(error(
            "a script may have only one `# /// script` block (PEP 723)".to_string(),
            start..start + "# /// script".len(),
        ));
    }
    let content = block
        .name("content")
        .expect("the expression has this group");
    let toml = Toml::new(content.as_str(), content.start());
    let document = Document::parse(toml.text.clone()).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        error(
            format!("invalid TOML in the `script` block: {}", e.message()),
            toml.span(span),
        )
    })?;
    let table = document.as_table();
    let mut dependencies = Vec::new();
    if let Some(item) = table.get("dependencies") {
        let span = toml.span(item.span().unwrap_or(0..0));
        let array = item.as_array().ok_or_else(|| {
            error(
                "`dependencies` must be an array of PEP 508 requirements".to_string(),
                span.clone(),
            )
        })?;
        for value in array {
            let span = toml.span(value.span().unwrap_or(0..0));
            let text = value
                .as_str()
                .ok_or_else(|| error("a dependency must be a string".to_string(), span.clone()))?;
            let requirement = Requirement::from_str(text).map_err(|e| {
                error(
                    format!("invalid requirement `{text}`: {}", e.message),
                    span.clone(),
                )
            })?;
            dependencies.push(requirement);
        }
    }
    let requires_python = match table.get("requires-python") {
        None => None,
        Some(item) => {
            let span = toml.span(item.span().unwrap_or(0..0));
            let text = item.as_str().ok_or_else(|| {
                error(
                    "`requires-python` must be a string".to_string(),
                    span.clone(),
                )
            })?;
            Some(
                VersionSpecifiers::from_str(text)
                    .map_err(|e| error(format!("invalid `requires-python` `{text}`: {e}"), span))?,
            )
        }
    };
    Ok(Some(ScriptMetadata {
        dependencies,
        requires_python,
        toml: toml.text,
    }))
}

/// The first line that is exactly `# /// script` (when no complete block matched).
fn unclosed_opening(source: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        if line.trim_end_matches('\n') == "# /// script" {
            return Some(offset..offset + "# /// script".len());
        }
        offset += line.len();
    }
    None
}

/// The TOML of a block (each line without its `# ` or `#`), and where each of its lines starts
/// in the script, to show TOML spans on the script.
struct Toml {
    text: String,
    /// `(offset in text, offset in the script)` of each line.
    lines: Vec<(usize, usize)>,
}

impl Toml {
    fn new(content: &str, start: usize) -> Toml {
        let mut text = String::with_capacity(content.len());
        let mut lines = Vec::new();
        let mut offset = start;
        for line in content.split_inclusive('\n') {
            let prefix = if line.starts_with("# ") { 2 } else { 1 };
            lines.push((text.len(), offset + prefix));
            text.push_str(&line[prefix..]);
            offset += line.len();
        }
        Toml { text, lines }
    }

    fn offset(&self, at: usize) -> usize {
        let line = self.lines.partition_point(|(start, _)| *start <= at);
        let (toml, script) = self.lines[line.saturating_sub(1)];
        script + (at - toml)
    }

    /// `span` of the TOML text, in the script.
    fn span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.offset(span.start);
        start..start + span.len()
    }
}

#[cfg(test)]
mod tests;
