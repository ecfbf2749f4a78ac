//! What to install: PEP 508 requirements from the command line and from requirements files, as
//! pip reads them (`-r FILE` nested, `-c FILE` constraints, `--hash=sha256:...` per line and
//! `--require-hashes`, `-i/--index-url`, `--extra-index-url`, `-f/--find-links`, `--no-index`,
//! `--pre`, comments and line continuations, `${VAR}` expansion), URLs and local wheel paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep508_rs::Requirement;

use crate::wheelname::WheelName;

/// A requirement and where it came from (for messages: `requirements.txt:3`, `command line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub requirement: Requirement,
    /// `sha256` hex digests any of which the chosen file must match (`--hash`).
    pub hashes: Vec<String>,
    pub origin: String,
}

/// Everything a set of requirements and files asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequirementSet {
    pub requirements: Vec<Entry>,
    pub constraints: Vec<Entry>,
    /// Local wheel files named directly (a path or a `file:` URL).
    pub local_wheels: Vec<PathBuf>,
    /// Index options found in files (`-i`, `--extra-index-url`, `-f`, `--no-index`, `--pre`).
    pub options: crate::index::IndexOptions,
    /// `--require-hashes` (or any `--hash` line, as pip turns it on).
    pub require_hashes: bool,
}

impl RequirementSet {
    /// Add command line requirements (`rich[jupyter]>=13`, `./dist/x-1.0-py3-none-any.whl`).
    pub fn add_arguments(&mut self, args: &[String]) -> crate::Result<()> {
        for arg in args {
            self.add_requirement(arg.trim(), "command line", Vec::new(), false)?;
        }
        Ok(())
    }

    /// Add requirements parsed elsewhere (a PEP 723 block's `dependencies`), named `origin`.
    pub fn add_parsed(&mut self, requirements: &[Requirement], origin: &str) {
        self.requirements
            .extend(requirements.iter().map(|requirement| Entry {
                requirement: requirement.clone(),
                hashes: Vec::new(),
                origin: origin.to_string(),
            }));
    }

    /// Add a requirements file (`-r`), following nested `-r`/`-c` relative to it.
    pub fn add_file(&mut self, path: &Path) -> crate::Result<()> {
        let env = |name: &str| std::env::var(name).ok();
        Reader::new(self, &env).read(path, false)
    }

    /// Add a constraints file (`-c`).
    pub fn add_constraints(&mut self, path: &Path) -> crate::Result<()> {
        let env = |name: &str| std::env::var(name).ok();
        Reader::new(self, &env).read(path, true)
    }

    /// One requirement: PEP 508, a wheel URL without a name, or a local wheel path.
    fn add_requirement(
        &mut self,
        text: &str,
        origin: &str,
        hashes: Vec<String>,
        constraint: bool,
    ) -> crate::Result<()> {
        let error = |message: String| crate::Error::Requirement {
            origin: origin.to_string(),
            message,
        };
        if text.starts_with("-e") || text.starts_with("--editable") {
            return Err(error(format!(
                "editable requirements are not supported: {text}"
            )));
        }
        // A wheel's file name is also a valid PEP 508 name: a location ending in `.whl` is
        // looked at first (as pip does).
        let (requirement, local) = match wheel_reference(text) {
            Some(WheelReference::Url(url, name)) => {
                let line = format!("{} @ {url}", name.name);
                let requirement =
                    Requirement::from_str(&line).map_err(|e| error(format!("{text}: {e}")))?;
                (requirement, None)
            }
            Some(WheelReference::Path(path, name)) => {
                let requirement = Requirement::from_str(name.name.as_ref())
                    .map_err(|e| error(format!("{text}: {e}")))?;
                (requirement, Some(path))
            }
            None => (
                Requirement::from_str(text).map_err(|e| error(e.to_string()))?,
                None,
            ),
        };
        if !hashes.is_empty() {
            self.require_hashes = true;
        }
        let entry = Entry {
            requirement,
            hashes,
            origin: origin.to_string(),
        };
        if constraint {
            self.constraints.push(entry);
        } else {
            if let Some(path) = local {
                self.local_wheels.push(path);
            }
            self.requirements.push(entry);
        }
        Ok(())
    }
}

/// A wheel named by its location rather than by a PEP 508 requirement.
enum WheelReference {
    /// An `http(s)` URL (without a name, as pip takes it).
    Url(String, WheelName),
    /// A local file (a path or a `file:` URL), made absolute.
    Path(PathBuf, WheelName),
}

fn wheel_reference(text: &str) -> Option<WheelReference> {
    if text.contains(char::is_whitespace) {
        return None;
    }
    let location = text.split('#').next().unwrap_or(text);
    let file_name = location.rsplit(['/', '\\']).next()?;
    let name = WheelName::parse(file_name)?;
    if location.starts_with("http://") || location.starts_with("https://") {
        return Some(WheelReference::Url(text.to_string(), name));
    }
    let path = match location.strip_prefix("file://") {
        Some(rest) => url::Url::parse(&format!("file://{rest}"))
            .ok()?
            .to_file_path()
            .ok()?,
        None => PathBuf::from(location),
    };
    // Relative to the current folder, as pip takes paths (in files too).
    let path = std::path::absolute(&path).unwrap_or(path);
    Some(WheelReference::Path(path, name))
}

/// Reads requirements files as pip does (`pip/_internal/req/req_file.py`): continuation lines,
/// comments, `${VAR}`, options, `--hash` per requirement.
struct Reader<'a> {
    set: &'a mut RequirementSet,
    var: &'a dyn Fn(&str) -> Option<String>,
    /// The files being read (a file that includes itself is an error, not a loop).
    stack: Vec<PathBuf>,
}

impl<'a> Reader<'a> {
    fn new(set: &'a mut RequirementSet, var: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Reader {
            set,
            var,
            stack: Vec::new(),
        }
    }

    fn read(&mut self, path: &Path, constraint: bool) -> crate::Result<()> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::Error::io("cannot read requirements file", path, e))?;
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.stack.contains(&canonical) {
            return Err(crate::Error::Requirement {
                origin: path.display().to_string(),
                message: "the file includes itself (through -r or -c)".to_string(),
            });
        }
        self.stack.push(canonical);
        let result = logical_lines(&text).try_for_each(|(number, line)| {
            let origin = format!("{}:{number}", path.display());
            let line = expand_vars(&strip_comment(&line), self.var);
            self.line(path, line.trim(), &origin, constraint)
        });
        self.stack.pop();
        result
    }

    fn line(
        &mut self,
        file: &Path,
        line: &str,
        origin: &str,
        constraint: bool,
    ) -> crate::Result<()> {
        if line.is_empty() {
            return Ok(());
        }
        let error = |message: String| crate::Error::Requirement {
            origin: origin.to_string(),
            message,
        };
        let (requirement, options) = split_options(line);
        let mut options = Options::new(options, origin);
        if !requirement.is_empty() {
            let mut hashes = Vec::new();
            while let Some((name, value)) = options.next()? {
                match name {
                    "--hash" => hashes.push(parse_hash(&value).map_err(&error)?),
                    _ => return Err(error(format!("{name} is not an option of a requirement"))),
                }
            }
            return self
                .set
                .add_requirement(requirement, origin, hashes, constraint);
        }
        let relative = |value: &str| -> PathBuf {
            let value = Path::new(value);
            file.parent()
                .map_or(value.to_path_buf(), |dir| dir.join(value))
        };
        while let Some((name, value)) = options.next()? {
            let settings = &mut self.set.options;
            match name {
                "-r" | "--requirement" => self.read(&relative(&value), constraint)?,
                "-c" | "--constraint" => self.read(&relative(&value), true)?,
                "-i" | "--index-url" => settings.index_url = Some(value),
                "--extra-index-url" => settings.extra_index_urls.push(value),
                "-f" | "--find-links" => {
                    // A folder is relative to the file when it is there (as pip does).
                    let local = relative(&value);
                    let link = if !value.contains("://") && local.exists() {
                        local.display().to_string()
                    } else {
                        value
                    };
                    settings.find_links.push(link);
                }
                "--no-index" => settings.no_index = true,
                "--pre" => settings.pre = true,
                "--require-hashes" => self.set.require_hashes = true,
                "-e" | "--editable" => {
                    return Err(error(format!(
                        "editable requirements are not supported: {value}"
                    )));
                }
                _ => {
                    return Err(error(format!(
                        "{name} is not supported in a requirements file"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The options with a value.
const VALUED: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-e",
    "--editable",
    "--hash",
];

/// A line's options, one `(name, value)` at a time (`--opt=value`, `--opt value`, `-rFILE`).
struct Options<'a> {
    tokens: std::vec::IntoIter<&'a str>,
    origin: &'a str,
}

impl<'a> Options<'a> {
    fn new(text: &'a str, origin: &'a str) -> Self {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        Options {
            tokens: tokens.into_iter(),
            origin,
        }
    }

    fn next(&mut self) -> crate::Result<Option<(&'static str, String)>> {
        let Some(token) = self.tokens.next() else {
            return Ok(None);
        };
        let error = |message: String| crate::Error::Requirement {
            origin: self.origin.to_string(),
            message,
        };
        let (name, inline) = match token.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ if !token.starts_with("--") && token.len() > 2 && token.starts_with('-') => {
                (&token[..2], Some(token[2..].to_string()))
            }
            _ => (token, None),
        };
        let known = VALUED
            .iter()
            .chain(&["--no-index", "--pre", "--require-hashes"])
            .find(|known| **known == name)
            .ok_or_else(|| error(format!("{token}: unknown option")))?;
        if !VALUED.contains(known) {
            return match inline {
                Some(_) => Err(error(format!("{name} takes no value"))),
                None => Ok(Some((known, String::new()))),
            };
        }
        let value = match inline {
            Some(value) => value,
            None => self
                .tokens
                .next()
                .ok_or_else(|| error(format!("{name} needs a value")))?
                .to_string(),
        };
        Ok(Some((known, value)))
    }
}

/// The requirement part of a line and its options (from the first whitespace-separated token
/// that starts with `-`).
fn split_options(line: &str) -> (&str, &str) {
    if line.starts_with('-') {
        return ("", line);
    }
    let mut offset = 0;
    for token in line.split_inclusive(char::is_whitespace) {
        if token.starts_with('-') && offset > 0 {
            return (line[..offset].trim(), &line[offset..]);
        }
        offset += token.len();
    }
    (line.trim(), "")
}

/// `sha256:<64 hex digits>` → the lowercase digest.
fn parse_hash(value: &str) -> Result<String, String> {
    let Some((algorithm, digest)) = value.split_once(':') else {
        return Err(format!("--hash={value}: expected sha256:<hex digest>"));
    };
    if algorithm != "sha256" {
        return Err(format!("--hash={value}: only sha256 hashes are supported"));
    }
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("--hash={value}: not a sha256 hex digest"));
    }
    Ok(digest.to_ascii_lowercase())
}

/// The file's lines with `\` continuations joined, each with the number of its first line.
fn logical_lines(text: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    let mut lines = text.lines().enumerate().peekable();
    std::iter::from_fn(move || {
        let (index, first) = lines.next()?;
        let mut line = String::new();
        let mut current = first;
        loop {
            match current.strip_suffix('\\') {
                Some(head) => {
                    line.push_str(head);
                    match lines.next() {
                        Some((_, next)) => current = next,
                        None => break,
                    }
                }
                None => {
                    line.push_str(current);
                    break;
                }
            }
        }
        Some((index + 1, line))
    })
}

/// A line without its comment (`#` at its start or after whitespace).
fn strip_comment(line: &str) -> String {
    let bytes = line.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if *byte == b'#' && (index == 0 || bytes[index - 1].is_ascii_whitespace()) {
            return line[..index].to_string();
        }
    }
    line.to_string()
}

/// `${NAME}` replaced by the variable's value (names of `A-Z`, `0-9`, `_`, as pip); unset ones
/// are left as they are.
fn expand_vars(line: &str, var: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match (after[name_len..].starts_with('}') && !name.is_empty())
            .then(|| var(name))
            .flatten()
        {
            Some(value) => {
                out.push_str(&value);
                rest = &after[name_len + 1..];
            }
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
