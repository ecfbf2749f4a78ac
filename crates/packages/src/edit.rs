//! Rewrites of `pyproject.toml` with `toml_edit`, keeping the user's formatting and comments:
//! `add`'s new entry and `init`'s `[tool.belay]`.

use std::path::Path;

use miette::NamedSource;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::errors::{ConfigError, Error, Result, io_err};
use crate::fsutil::write_atomic;

/// The pytest `pythonpath` entry `init` adds.
pub const PYTEST_PYTHONPATH: &str = ".belay/dependencies/main";

/// A dependency entry as `add` writes it: the plain URI, or an inline table when a key differs
/// from the string form's defaults (`develop = true`, `rename_to_init = false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencyValue {
    Uri(String),
    Table {
        uri: String,
        develop: bool,
        rename_to_init: bool,
    },
}

impl DependencyValue {
    /// The string form unless `develop` or not `rename_to_init`.
    pub fn new(uri: &str, develop: bool, rename_to_init: bool) -> DependencyValue {
        if develop || !rename_to_init {
            DependencyValue::Table {
                uri: uri.to_string(),
                develop,
                rename_to_init,
            }
        } else {
            DependencyValue::Uri(uri.to_string())
        }
    }

    /// The TOML value: `"uri"` or `{uri = "...", develop = true, rename_to_init = false}` with
    /// only the non-default keys.
    pub fn to_toml(&self) -> Value {
        match self {
            DependencyValue::Uri(uri) => Value::from(uri.as_str()),
            DependencyValue::Table {
                uri,
                develop,
                rename_to_init,
            } => {
                let mut table = InlineTable::new();
                table.insert("uri", Value::from(uri.as_str()));
                if *develop {
                    table.insert("develop", Value::from(true));
                }
                if !*rename_to_init {
                    table.insert("rename_to_init", Value::from(false));
                }
                // tomlkit's spacing, as Belay writes it: `{uri = "x", develop = true}`.
                let keys: Vec<String> = table.iter().map(|(key, _)| key.to_string()).collect();
                for (i, key) in keys.iter().enumerate() {
                    if let Some(mut key_mut) = table.key_mut(key) {
                        let prefix = if i == 0 { "" } else { " " };
                        key_mut.leaf_decor_mut().set_prefix(prefix);
                        key_mut.leaf_decor_mut().set_suffix(" ");
                    }
                    if let Some(value) = table.get_mut(key) {
                        value.decor_mut().set_prefix(" ");
                        value.decor_mut().set_suffix("");
                    }
                }
                Value::InlineTable(table)
            }
        }
    }
}

fn parse_document(text: &str, path: &Path) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|error| {
        Error::from(ConfigError {
            message: format!("invalid TOML: {}", error.message().trim_end()),
            src: NamedSource::new(path.display().to_string(), text.to_string()),
            span: error.span().unwrap_or(0..0).into(),
            label: "here".to_string(),
            help: None,
        })
    })
}

fn not_a_table(text: &str, path: &Path, key: &str) -> Error {
    Error::from(ConfigError {
        message: format!("`{key}` is not a table; cannot add to it"),
        src: NamedSource::new(path.display().to_string(), text.to_string()),
        span: (0..0).into(),
        label: "in this file".to_string(),
        help: None,
    })
}

/// A new table: implicit (no header of its own unless it gets values) or explicit, with a blank
/// line before its header.
fn new_table(implicit: bool) -> Item {
    let mut table = Table::new();
    table.set_implicit(implicit);
    table.decor_mut().set_prefix("\n");
    Item::Table(table)
}

/// Walks `keys` from the root, creating missing tables (implicit except the last when
/// `explicit_last`), and returns the last one.
fn tables<'a>(
    document: &'a mut DocumentMut,
    keys: &[&str],
    explicit_last: bool,
    text: &str,
    path: &Path,
) -> Result<&'a mut dyn toml_edit::TableLike> {
    let mut current: &mut dyn toml_edit::TableLike = document.as_table_mut();
    for (i, key) in keys.iter().enumerate() {
        let last = i == keys.len() - 1;
        if current.get(key).is_none() {
            current.insert(key, new_table(!(last && explicit_last)));
        }
        current = current
            .get_mut(key)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| not_a_table(text, path, &keys[..=i].join(".")))?;
    }
    Ok(current)
}

/// `text` with `name = value` added to the group's dependencies table
/// (`[tool.belay.dependencies]` for `main`, else `[tool.belay.group.<group>.dependencies]`),
/// creating missing tables.
pub fn add_dependency_text(
    text: &str,
    path: &Path,
    group: &str,
    name: &str,
    value: &DependencyValue,
) -> Result<String> {
    let mut document = parse_document(text, path)?;
    let keys: Vec<&str> = if group == "main" {
        vec!["tool", "belay", "dependencies"]
    } else {
        vec!["tool", "belay", "group", group, "dependencies"]
    };
    let (parents, last) = keys.split_at(keys.len() - 1);
    let parent = tables(&mut document, parents, false, text, path)?;
    if parent.get(last[0]).is_none() {
        parent.insert(last[0], new_table(false));
    }
    let mut value = value.to_toml();
    value.decor_mut().set_prefix(" ");
    match parent.get_mut(last[0]) {
        Some(Item::Value(Value::InlineTable(inline))) => {
            // `{ a = "x" }`: the space before `}` belongs to the last value; it moves to the
            // new last one.
            if let Some((_, previous)) = inline.iter_mut().last() {
                let suffix = previous.decor().suffix().cloned();
                previous.decor_mut().set_suffix("");
                if let Some(suffix) = suffix {
                    value.decor_mut().set_suffix(suffix);
                }
            }
            inline.insert(name, value);
        }
        Some(item) if item.is_table_like() => {
            let table = item.as_table_like_mut().expect("table-like");
            table.insert(name, Item::Value(value));
        }
        _ => return Err(not_a_table(text, path, &keys.join("."))),
    }
    Ok(document.to_string())
}

/// Adds the entry to the `pyproject.toml` at `path` (see [`add_dependency_text`]); the file is
/// replaced atomically.
pub fn add_dependency(path: &Path, group: &str, name: &str, value: &DependencyValue) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(io_err("read", path))?;
    let updated = add_dependency_text(&text, path, group, name, value)?;
    write_file(path, &updated)
}

/// `text` with Belay's `init` additions: `[tool.belay]` with `name`, an empty
/// `[tool.belay.dependencies]`, and `.belay/dependencies/main` in pytest's `pythonpath`.
/// Refused if `[tool.belay]` exists.
pub fn init_pyproject_text(text: &str, path: &Path, package_name: &str) -> Result<String> {
    let mut document = parse_document(text, path)?;
    let has_belay = document
        .get("tool")
        .and_then(Item::as_table_like)
        .is_some_and(|tool| tool.contains_key("belay"));
    if has_belay {
        return Err(Error::AlreadyConfigured {
            path: path.to_path_buf(),
        });
    }
    let belay = tables(&mut document, &["tool", "belay"], true, text, path)?;
    belay.insert("name", toml_edit::value(package_name));
    belay.insert("dependencies", new_table(false));
    let pytest = tables(
        &mut document,
        &["tool", "pytest", "ini_options"],
        true,
        text,
        path,
    );
    // A pytest configuration that is not a table is left alone.
    if let Ok(options) = pytest {
        match options.get_mut("pythonpath") {
            None => {
                options.insert("pythonpath", toml_edit::value(PYTEST_PYTHONPATH));
            }
            Some(item) => {
                if let Some(existing) = item.as_str() {
                    if !existing.split_whitespace().any(|p| p == PYTEST_PYTHONPATH) {
                        let mut array = toml_edit::Array::new();
                        array.push(existing);
                        array.push(PYTEST_PYTHONPATH);
                        let decor = item.as_value().map(|v| v.decor().clone());
                        let mut value = Value::Array(array);
                        if let Some(decor) = decor {
                            *value.decor_mut() = decor;
                        }
                        *item = Item::Value(value);
                    }
                } else if let Some(array) = item.as_array_mut()
                    && !array.iter().any(|v| v.as_str() == Some(PYTEST_PYTHONPATH))
                {
                    array.push(PYTEST_PYTHONPATH);
                }
            }
        }
    }
    Ok(document.to_string())
}

/// Adds `[tool.belay]` to the `pyproject.toml` at `path` (see [`init_pyproject_text`]).
pub fn init_pyproject(path: &Path, package_name: &str) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(io_err("read", path))?;
    let updated = init_pyproject_text(&text, path, package_name)?;
    write_file(path, &updated)
}

/// Replaces the file (through a symbolic link, its target) atomically.
fn write_file(path: &Path, text: &str) -> Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    write_atomic(&target, text.as_bytes())
}

#[cfg(test)]
mod tests;
