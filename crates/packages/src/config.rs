//! The `[tool.belay]` table: its schema, parsed from `pyproject.toml` with the span of every key
//! and value so that errors show the offending text.
//!
//! Accepted as Belay 0.30 accepts it (unknown keys are ignored), with these differences: package
//! names get an accurate message (Belay says "group name"), group names must be usable as folder
//! names, the `rename_to_init` rule holds for the main group at load time, wrong types are
//! reported at their key instead of as a bare `TypeError`, and every URI is classified when the
//! file is read (a malformed `github:x` is reported at its value).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::NamedSource;
use toml_edit::{Item, Key, TableLike, Value};

use crate::errors::{ConfigError, Error, Result};
use crate::names::is_identifier;
use crate::settings::Settings;
use crate::uri::Source;

/// The default `dependencies_path`.
pub const DEFAULT_DEPENDENCIES_PATH: &str = ".belay/dependencies";
/// The default `mpy_version` (pure Python).
pub const DEFAULT_MPY_VERSION: &str = "py";
/// What `install` leaves out of the project package when `ignore` is unset (Device.sync's
/// defaults; Belay passed `[]` instead, D8).
pub const DEFAULT_IGNORE: &[&str] = &["*.pyc", "__pycache__", ".DS_Store", ".pytest_cache"];

/// One source of a dependency (`DependencySourceConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencySource {
    /// Where the files come from (after the version transform: `"1.0"` became `name@1.0`).
    pub uri: String,
    /// Always downloaded again when installing (local paths under development).
    pub develop: bool,
    /// A single downloaded `.py`/`.mpy` file becomes `__init__.py`/`__init__.mpy`.
    pub rename_to_init: bool,
}

impl DependencySource {
    /// The kind of source its URI names.
    pub fn source(&self) -> Result<Source> {
        Source::parse(&self.uri)
    }
}

/// A declared package: its name (the key) and its sources, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub sources: Vec<DependencySource>,
    /// Byte range of the key in `pyproject.toml`, when it came from there.
    pub span: Option<Range<usize>>,
}

/// `[tool.belay.group.<name>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupConfig {
    /// Installed only when named with `install --with`.
    pub optional: bool,
    /// The group's packages, in file order.
    pub dependencies: Vec<Dependency>,
}

/// `[tool.belay]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The project's package folder (`<project>/<name>`), synced to `/<name>` by `install`.
    pub name: Option<String>,
    /// Patterns left out of the project package by `install`; `None` when unset (see
    /// [`Config::ignore_patterns`]).
    pub ignore: Option<Vec<String>>,
    /// The main group's packages, in file order.
    pub dependencies: Vec<Dependency>,
    /// Where group folders live, relative to the project folder (or absolute).
    pub dependencies_path: PathBuf,
    /// The other groups, by name (`main` is refused here).
    pub groups: BTreeMap<String, GroupConfig>,
    /// `py`, or a number for `.mpy` packages.
    pub mpy_version: String,
    /// The mip indices to search; `None` when unset (see [`Config::indices`]).
    pub package_indices: Option<Vec<String>>,
    /// Whether the file has a `[tool.belay]` table at all.
    pub has_tool_belay: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: None,
            ignore: None,
            dependencies: Vec::new(),
            dependencies_path: PathBuf::from(DEFAULT_DEPENDENCIES_PATH),
            groups: BTreeMap::new(),
            mpy_version: DEFAULT_MPY_VERSION.to_string(),
            package_indices: None,
            has_tool_belay: false,
        }
    }
}

impl Config {
    /// Parses `pyproject.toml`'s text; `path` names the file in error snippets. A file without
    /// `[tool.belay]` gives the defaults.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let parser = Parser::new(text, path);
        let document = toml_edit::Document::parse(text).map_err(|error| {
            let span = error.span().unwrap_or(0..0);
            parser.error_at(
                span,
                format!("invalid TOML: {}", error.message().trim_end()),
                "here",
                None,
            )
        })?;
        let Some(belay) = find_belay(&parser, document.as_table())? else {
            return Ok(Config::default());
        };
        parser.config(belay)
    }

    /// The indices to search: the project's `package_indices`, else the settings' default
    /// (`BELAY_RUN_PACKAGE_INDEX`, else MicroPython's index).
    pub fn indices(&self, settings: &Settings) -> Vec<String> {
        match &self.package_indices {
            Some(indices) => indices.clone(),
            None => settings.default_indices(),
        }
    }

    /// The patterns `install` leaves out of the project package: `ignore`, or Device.sync's
    /// defaults when it is unset.
    pub fn ignore_patterns(&self) -> Vec<String> {
        match &self.ignore {
            Some(patterns) => patterns.clone(),
            None => DEFAULT_IGNORE.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// A group's packages (`main` is the top-level `dependencies`).
    pub fn group_dependencies(&self, group: &str) -> Option<&[Dependency]> {
        if group == "main" {
            Some(&self.dependencies)
        } else {
            self.groups
                .get(group)
                .map(|group| group.dependencies.as_slice())
        }
    }
}

/// Returns `[tool.belay]` as a table with its span, if present.
fn find_belay<'a>(
    parser: &Parser<'_>,
    root: &'a toml_edit::Table,
) -> Result<Option<(&'a dyn TableLike, Range<usize>)>> {
    let Some((tool_key, tool)) = root.get_key_value("tool") else {
        return Ok(None);
    };
    let tool_span = parser.span(Some(tool_key), tool, None);
    let Some(tool) = tool.as_table_like() else {
        return Err(parser.error_at(tool_span, "`tool` must be a table", "not a table", None));
    };
    let Some((belay_key, belay)) = tool.get_key_value("belay") else {
        return Ok(None);
    };
    let span = parser.span(Some(belay_key), belay, Some(&tool_span));
    match belay.as_table_like() {
        Some(table) => Ok(Some((table, span))),
        None => Err(parser.error_at(span, "`tool.belay` must be a table", "not a table", None)),
    }
}

/// Belay's `_transform_version_uri`: `"*"`/`"latest"` → the name, `"1.2"` → `name@1.2`,
/// version ranges refused; anything else unchanged. Applied to the string and table forms.
pub fn transform_version_uri(name: &str, uri: &str) -> std::result::Result<String, String> {
    if uri.is_empty() {
        return Ok(String::new());
    }
    if uri.starts_with(['^', '~', '>', '<', '=', '!']) {
        return Err(format!(
            "Version ranges are not supported: {name} = \"{uri}\". Use \"*\" for latest or an exact version like \"1.0.0\"."
        ));
    }
    if uri == "*" || uri == "latest" {
        return Ok(name.to_string());
    }
    let is_version = uri
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if is_version {
        return Ok(format!("{name}@{uri}"));
    }
    Ok(uri.to_string())
}

/// Whether a group name can be a folder name under the dependencies folder.
pub(crate) fn is_safe_group_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.starts_with(".belay-run")
}

struct Parser<'a> {
    text: &'a str,
    path: &'a Path,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, path: &'a Path) -> Self {
        Parser { text, path }
    }

    fn error_at(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Error {
        ConfigError {
            message: message.into(),
            src: NamedSource::new(self.path.display().to_string(), self.text.to_string()),
            span: span.into(),
            label: label.into(),
            help,
        }
        .into()
    }

    /// The best span for an entry: its value's (for values) or its key's, else the fallback.
    fn span(
        &self,
        key: Option<&Key>,
        item: &Item,
        fallback: Option<&Range<usize>>,
    ) -> Range<usize> {
        let key_span = key.and_then(Key::span);
        match item {
            Item::Value(value) => value.span().or(key_span),
            _ => key_span.or_else(|| item.span()),
        }
        .or_else(|| fallback.cloned())
        .unwrap_or(0..0)
    }

    fn key_span(&self, key: &Key, fallback: &Range<usize>) -> Range<usize> {
        key.span().unwrap_or_else(|| fallback.clone())
    }

    fn config(&self, (belay, belay_span): (&dyn TableLike, Range<usize>)) -> Result<Config> {
        let mut config = Config {
            has_tool_belay: true,
            ..Config::default()
        };
        for (name, _) in belay.iter() {
            let Some((key, item)) = belay.get_key_value(name) else {
                continue;
            };
            let span = self.span(Some(key), item, Some(&belay_span));
            match name {
                "name" => config.name = Some(self.string(item, span, "name")?),
                "ignore" => config.ignore = Some(self.strings(item, span, "ignore")?),
                "dependencies" => {
                    config.dependencies = self.dependencies(item, span, "dependencies")?
                }
                "dependencies_path" => {
                    config.dependencies_path =
                        PathBuf::from(self.string(item, span, "dependencies_path")?)
                }
                "group" => config.groups = self.groups(item, span)?,
                "mpy_version" => config.mpy_version = self.mpy_version(item, span)?,
                "package_indices" => config.package_indices = Some(self.indices(item, span)?),
                _ => {}
            }
        }
        Ok(config)
    }

    fn string(&self, item: &Item, span: Range<usize>, what: &str) -> Result<String> {
        match item.as_str() {
            Some(text) => Ok(text.to_string()),
            None => Err(self.error_at(
                span,
                format!("`{what}` must be a string"),
                format!("{} here", type_name(item)),
                None,
            )),
        }
    }

    fn bool(&self, item: &Item, span: Range<usize>, what: &str) -> Result<bool> {
        match item.as_bool() {
            Some(value) => Ok(value),
            None => Err(self.error_at(
                span,
                format!("`{what}` must be true or false"),
                format!("{} here", type_name(item)),
                None,
            )),
        }
    }

    fn strings(&self, item: &Item, span: Range<usize>, what: &str) -> Result<Vec<String>> {
        let Some(array) = item.as_array() else {
            return Err(self.error_at(
                span,
                format!("`{what}` must be a list of strings"),
                format!("{} here", type_name(item)),
                None,
            ));
        };
        array
            .iter()
            .map(|value| match value.as_str() {
                Some(text) => Ok(text.to_string()),
                None => Err(self.error_at(
                    value.span().unwrap_or(span.clone()),
                    format!("`{what}` must be a list of strings"),
                    "not a string",
                    None,
                )),
            })
            .collect()
    }

    fn mpy_version(&self, item: &Item, span: Range<usize>) -> Result<String> {
        if item.as_integer().is_some() {
            return Err(self.error_at(
                span,
                "mpy_version must be a string",
                "an integer here",
                Some(format!(
                    "write it quoted: mpy_version = \"{}\"",
                    item_text(item)
                )),
            ));
        }
        let version = self.string(item, span.clone(), "mpy_version")?;
        if version.is_empty() {
            return Err(self.error_at(span, "mpy_version cannot be empty", "empty", None));
        }
        if version != "py" && !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error_at(
                span,
                format!(
                    "Invalid mpy_version: \"{version}\". Use \"py\" for pure Python or a number like \"6\" for compiled .mpy format."
                ),
                "not \"py\" or a number",
                None,
            ));
        }
        Ok(version)
    }

    fn indices(&self, item: &Item, span: Range<usize>) -> Result<Vec<String>> {
        let Some(array) = item.as_array() else {
            return Err(self.error_at(
                span,
                "`package_indices` must be a list of URLs",
                format!("{} here", type_name(item)),
                None,
            ));
        };
        let mut indices = Vec::new();
        for value in array.iter() {
            let value_span = value.span().unwrap_or(span.clone());
            let Some(url) = value.as_str() else {
                return Err(self.error_at(
                    value_span,
                    "`package_indices` must be a list of URLs",
                    "not a string",
                    None,
                ));
            };
            let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
            if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
                return Err(self.error_at(
                    value_span,
                    format!("Invalid package index URL (must be http:// or https://): {url}"),
                    "not an http(s) URL",
                    None,
                ));
            }
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            if host.is_empty() {
                return Err(self.error_at(
                    value_span,
                    format!("Invalid package index URL (missing host): {url}"),
                    "no host",
                    None,
                ));
            }
            indices.push(url.to_string());
        }
        Ok(indices)
    }

    fn groups(&self, item: &Item, span: Range<usize>) -> Result<BTreeMap<String, GroupConfig>> {
        let Some(table) = item.as_table_like() else {
            return Err(self.error_at(span, "`group` must be a table", "not a table", None));
        };
        let mut groups = BTreeMap::new();
        for (name, _) in table.iter() {
            let Some((key, item)) = table.get_key_value(name) else {
                continue;
            };
            let key_span = self.key_span(key, &span);
            if name == "main" {
                return Err(self.error_at(
                    key_span,
                    "Specify \"main\" group dependencies under \"tool.belay.dependencies\", not \"tool.belay.group.main.dependencies\"",
                    "reserved group name",
                    None,
                ));
            }
            if !is_safe_group_name(name) {
                return Err(self.error_at(
                    key_span,
                    format!("Invalid group name \"{name}\": it must be usable as a folder name"),
                    "not a folder name",
                    Some("use letters, digits, '_' and '-'".to_string()),
                ));
            }
            let group_span = self.span(Some(key), item, Some(&span));
            let Some(group_table) = item.as_table_like() else {
                return Err(self.error_at(
                    group_span,
                    format!("`group.{name}` must be a table"),
                    "not a table",
                    None,
                ));
            };
            let mut group = GroupConfig::default();
            for (field, _) in group_table.iter() {
                let Some((field_key, field_item)) = group_table.get_key_value(field) else {
                    continue;
                };
                let field_span = self.span(Some(field_key), field_item, Some(&group_span));
                match field {
                    "optional" => group.optional = self.bool(field_item, field_span, "optional")?,
                    "dependencies" => {
                        group.dependencies = self.dependencies(
                            field_item,
                            field_span,
                            &format!("group.{name}.dependencies"),
                        )?
                    }
                    _ => {}
                }
            }
            groups.insert(name.to_string(), group);
        }
        Ok(groups)
    }

    fn dependencies(&self, item: &Item, span: Range<usize>, what: &str) -> Result<Vec<Dependency>> {
        let Some(table) = item.as_table_like() else {
            return Err(self.error_at(
                span,
                format!("`{what}` must be a table of package = source"),
                "not a table",
                None,
            ));
        };
        let mut dependencies = Vec::new();
        for (name, _) in table.iter() {
            let Some((key, item)) = table.get_key_value(name) else {
                continue;
            };
            dependencies.push(self.dependency(name, key, item, &span)?);
        }
        Ok(dependencies)
    }

    /// One `name = <string | list | table>` entry.
    pub(crate) fn dependency(
        &self,
        name: &str,
        key: &Key,
        item: &Item,
        parent: &Range<usize>,
    ) -> Result<Dependency> {
        let key_span = self.key_span(key, parent);
        if !is_identifier(name) {
            let suggestion = name.replace(['-', '.', ' '], "_");
            return Err(self.error_at(
                key_span,
                format!("Dependency name \"{name}\" must be a valid Python identifier."),
                "not an identifier",
                is_identifier(&suggestion).then(|| format!("name it `{suggestion}`")),
            ));
        }
        let span = self.span(Some(key), item, Some(parent));
        let sources = match item {
            Item::Value(Value::String(uri)) => {
                let uri = self.transformed(name, uri.value(), span.clone())?;
                vec![DependencySource {
                    uri,
                    develop: false,
                    rename_to_init: true,
                }]
            }
            Item::Value(Value::Array(array)) => {
                let mut sources = Vec::new();
                for value in array.iter() {
                    let value_span = value.span().unwrap_or(span.clone());
                    match value {
                        Value::String(uri) => sources.push(DependencySource {
                            uri: uri.value().to_string(),
                            develop: false,
                            rename_to_init: false,
                        }),
                        Value::InlineTable(table) => {
                            sources.push(self.source_table(name, table, value_span, false)?)
                        }
                        Value::Array(_) => {
                            return Err(self.error_at(
                                value_span,
                                "Cannot have double nested lists in dependency specification.",
                                "nested list",
                                None,
                            ));
                        }
                        other => {
                            return Err(self.error_at(
                                value_span,
                                format!(
                                    "Each source of \"{name}\" must be a URI string or a table with `uri`"
                                ),
                                format!("{} here", value_type_name(other)),
                                None,
                            ));
                        }
                    }
                }
                sources
            }
            Item::ArrayOfTables(tables) => tables
                .iter()
                .map(|table| {
                    let table_span = table.span().unwrap_or(span.clone());
                    self.source_table(name, table, table_span, false)
                })
                .collect::<Result<_>>()?,
            item if item.is_table_like() => {
                let table = item.as_table_like().expect("table-like");
                vec![self.source_table(name, table, span.clone(), true)?]
            }
            other => {
                return Err(self.error_at(
                    span,
                    format!(
                        "Dependency \"{name}\" must be a URI string, a list of sources or a table with `uri`"
                    ),
                    format!("{} here", type_name(other)),
                    None,
                ));
            }
        };
        for source in &sources {
            if let Err(error) = Source::parse(&source.uri) {
                return Err(self.error_at(span.clone(), error.to_string(), "this source", None));
            }
        }
        if sources
            .iter()
            .filter(|source| source.rename_to_init)
            .count()
            > 1
        {
            return Err(self.error_at(
                key_span,
                format!("{name} has more than 1 dependency marked with \"rename_to_init\"."),
                "more than one rename_to_init source",
                None,
            ));
        }
        Ok(Dependency {
            name: name.to_string(),
            sources,
            span: Some(key_span),
        })
    }

    fn transformed(&self, name: &str, uri: &str, span: Range<usize>) -> Result<String> {
        if uri.trim().is_empty() {
            return Err(self.error_at(
                span,
                format!("The source of \"{name}\" is empty"),
                "empty",
                None,
            ));
        }
        transform_version_uri(name, uri)
            .map_err(|message| self.error_at(span, message, "version range", None))
    }

    /// `{uri = ..., develop = ..., rename_to_init = ...}`; the table form (not in a list)
    /// transforms versions and renames by default.
    fn source_table(
        &self,
        name: &str,
        table: &dyn TableLike,
        span: Range<usize>,
        table_form: bool,
    ) -> Result<DependencySource> {
        let mut source = DependencySource {
            uri: String::new(),
            develop: false,
            rename_to_init: table_form,
        };
        let mut has_uri = false;
        for (field, _) in table.iter() {
            let Some((key, item)) = table.get_key_value(field) else {
                continue;
            };
            let field_span = self.span(Some(key), item, Some(&span));
            match field {
                "uri" => {
                    let uri = self.string(item, field_span.clone(), "uri")?;
                    source.uri = if table_form {
                        self.transformed(name, &uri, field_span)?
                    } else if uri.trim().is_empty() {
                        return Err(self.error_at(
                            field_span,
                            format!("The source of \"{name}\" is empty"),
                            "empty",
                            None,
                        ));
                    } else {
                        uri
                    };
                    has_uri = true;
                }
                "develop" => source.develop = self.bool(item, field_span, "develop")?,
                "rename_to_init" => {
                    source.rename_to_init = self.bool(item, field_span, "rename_to_init")?
                }
                _ => {}
            }
        }
        if !has_uri {
            return Err(self.error_at(
                span,
                format!("Dependency \"{name}\": `uri` is required"),
                "no `uri` here",
                Some("e.g. { uri = \"github:user/repo\" }".to_string()),
            ));
        }
        Ok(source)
    }
}

/// Parses one dependency value (as `add` writes it) with the config's rules.
pub(crate) fn parse_dependency_value(name: &str, value: Value) -> Result<Dependency> {
    let text = format!("{name} = {value}\n");
    let path = Path::new("<dependency>");
    let parser = Parser::new(&text, path);
    let document = toml_edit::Document::parse(text.as_str()).map_err(|error| {
        parser.error_at(
            error.span().unwrap_or(0..0),
            error.message().to_string(),
            "here",
            None,
        )
    })?;
    let (key, item) = document
        .as_table()
        .get_key_value(name)
        .expect("the entry just written");
    let mut dependency = parser.dependency(name, key, item, &(0..text.len()))?;
    dependency.span = None;
    Ok(dependency)
}

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(value) => value_type_name(value),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

fn value_type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::InlineTable(_) => "a table",
    }
}

fn item_text(item: &Item) -> String {
    match item {
        Item::Value(value) => value.clone().decorated("", "").to_string(),
        _ => String::new(),
    }
}

/// `[tool.belay]` as JSON-like data (Belay's `load_toml`): `{}` when absent. Dates become
/// strings.
pub(crate) fn belay_table_as_json(
    text: &str,
    path: &Path,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let parser = Parser::new(text, path);
    let document = toml_edit::Document::parse(text).map_err(|error| {
        parser.error_at(
            error.span().unwrap_or(0..0),
            format!("invalid TOML: {}", error.message().trim_end()),
            "here",
            None,
        )
    })?;
    let Some((belay, _)) = find_belay(&parser, document.as_table())? else {
        return Ok(serde_json::Map::new());
    };
    Ok(table_to_json(belay))
}

fn table_to_json(table: &dyn TableLike) -> serde_json::Map<String, serde_json::Value> {
    table
        .iter()
        .filter_map(|(key, item)| item_to_json(item).map(|value| (key.to_string(), value)))
        .collect()
}

fn item_to_json(item: &Item) -> Option<serde_json::Value> {
    match item {
        Item::None => None,
        Item::Value(value) => Some(value_to_json(value)),
        Item::Table(table) => Some(serde_json::Value::Object(table_to_json(table))),
        Item::ArrayOfTables(tables) => Some(serde_json::Value::Array(
            tables
                .iter()
                .map(|table| serde_json::Value::Object(table_to_json(table)))
                .collect(),
        )),
    }
}

fn value_to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::String(text) => J::String(text.value().clone()),
        Value::Integer(number) => J::from(*number.value()),
        Value::Float(number) => serde_json::Number::from_f64(*number.value())
            .map(J::Number)
            .unwrap_or(J::Null),
        Value::Boolean(flag) => J::Bool(*flag.value()),
        Value::Datetime(date) => J::String(date.value().to_string()),
        Value::Array(array) => J::Array(array.iter().map(value_to_json).collect()),
        Value::InlineTable(table) => J::Object(table_to_json(table)),
    }
}

#[cfg(test)]
mod tests;
