//! Python identifiers and the names derived from URIs and folder names.

use crate::errors::{Error, Result};

/// Python's `str.isidentifier()`: a letter or `_` (Unicode XID_Start), then letters, digits and
/// `_` (XID_Continue). Keywords are identifiers too, as in Python.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first == '_' || unicode_ident::is_xid_start(first) => {
            chars.all(unicode_ident::is_xid_continue)
        }
        _ => false,
    }
}

/// Python's keywords (an identifier that cannot be imported as a module name).
pub fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    KEYWORDS.contains(&name)
}

/// Belay's `sanitize_package_name`: drop one `.py` or `.mpy` suffix, turn `-` into `_`, and
/// require an identifier (`Cannot convert '<name>' to valid package name.` otherwise).
pub fn sanitize_package_name(name: &str) -> Result<String> {
    let stem = name
        .strip_suffix(".py")
        .or_else(|| name.strip_suffix(".mpy"))
        .unwrap_or(name);
    let sanitized = stem.replace('-', "_");
    if is_identifier(&sanitized) {
        Ok(sanitized)
    } else {
        Err(Error::InvalidPackageName { name: sanitized })
    }
}

/// The package name `new` gives a project in `folder`: lowercased, with `-`, `.` and spaces
/// turned into `_`; refused unless that is an identifier and not a keyword (Belay's
/// `canonicalize_name` made `my-project`, which cannot be imported: D9).
pub fn project_package_name(folder: &str) -> Result<String> {
    let name: String = folder
        .to_lowercase()
        .chars()
        .map(|c| if matches!(c, '-' | '.' | ' ') { '_' } else { c })
        .collect();
    if is_identifier(&name) && !is_keyword(&name) {
        Ok(name)
    } else {
        Err(Error::ProjectName {
            folder: folder.to_string(),
            name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for good in ["a", "_", "snake_case", "Ab1", "café", "_1", "class"] {
            assert!(is_identifier(good), "{good}");
        }
        for bad in ["", "1a", "a-b", "a.b", "a b", "a/b", "..", "-x"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn sanitize_as_belay() {
        assert_eq!(sanitize_package_name("my-sensor").unwrap(), "my_sensor");
        assert_eq!(sanitize_package_name("module.py").unwrap(), "module");
        assert_eq!(sanitize_package_name("sensor.mpy").unwrap(), "sensor");
        assert_eq!(
            sanitize_package_name("a.py.py").unwrap_err().to_string(),
            "Cannot convert 'a.py' to valid package name."
        );
        let error = sanitize_package_name("package.json").unwrap_err();
        assert_eq!(
            error.to_string(),
            "Cannot convert 'package.json' to valid package name."
        );
    }

    #[test]
    fn project_names() {
        assert_eq!(project_package_name("proj").unwrap(), "proj");
        assert_eq!(project_package_name("my_project").unwrap(), "my_project");
        assert_eq!(
            project_package_name("My_Cool.Project").unwrap(),
            "my_cool_project"
        );
        assert_eq!(project_package_name("my-project").unwrap(), "my_project");
        assert_eq!(project_package_name("My Project").unwrap(), "my_project");
        for bad in ["1st", "a+b", "class", "x@y"] {
            let error = project_package_name(bad).unwrap_err();
            assert!(
                matches!(&error, Error::ProjectName { folder, .. } if folder == bad),
                "{bad}: {error}"
            );
        }
    }
}
