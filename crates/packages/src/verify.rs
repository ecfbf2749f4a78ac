//! Every downloaded `.py` file must parse before it is accepted (Belay runs `ast.parse`).

use std::path::Path;

use miette::NamedSource;

use crate::errors::{Error, PythonSyntaxError, Result, io_err};

/// Parses `bytes` as Python source; `file` names it in the error.
pub(crate) fn check_python(file: &str, bytes: &[u8]) -> Result<()> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
        file: file.to_string(),
    })?;
    let source = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Err(error) = ruff_python_parser::parse_module(source) {
        let offset = text.len() - source.len();
        let start = usize::from(error.location.start()) + offset;
        let end = usize::from(error.location.end()) + offset;
        return Err(PythonSyntaxError {
            file: file.to_string(),
            message: error.error.to_string(),
            src: NamedSource::new(file, text.to_string()),
            span: (start..end.max(start)).into(),
        }
        .into());
    }
    Ok(())
}

/// Checks every `.py` file under `root` given as `/`-separated paths relative to it.
pub(crate) fn check_python_files<'a>(
    root: &Path,
    files: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    for file in files {
        if file.ends_with(".py") {
            let path = root.join(file);
            let bytes = std::fs::read(&path).map_err(io_err("read", &path))?;
            check_python(file, &bytes)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_sources_pass() {
        check_python("a.py", b"import os\n\ndef f(x):\n    return x + 1\n").unwrap();
        check_python("b.py", "\u{feff}x = 'é'\n".as_bytes()).unwrap();
        check_python("empty.py", b"").unwrap();
        // Compile-time errors that ast.parse accepts are accepted too.
        check_python("c.py", b"return 1\n").unwrap();
    }

    #[test]
    fn syntax_errors_point_at_the_line() {
        let error = check_python("pkg/bad.py", b"x = 1\ndef f(:\n    pass\n").unwrap_err();
        let Error::PythonSyntax(error) = error else {
            panic!("{error:?}")
        };
        assert_eq!(error.file, "pkg/bad.py");
        assert!(
            error
                .to_string()
                .starts_with("pkg/bad.py is not valid Python: ")
        );
        assert!(error.span.offset() >= 6, "{:?}", error.span);
        assert!(error.span.offset() < 14, "{:?}", error.span);
    }

    #[test]
    fn python2_is_refused() {
        assert!(check_python("old.py", b"print 'hello'\n").is_err());
    }

    #[test]
    fn non_utf8_is_refused() {
        let error = check_python("bin.py", &[0xff, 0xfe, 0x00]).unwrap_err();
        assert_eq!(error.to_string(), "bin.py is not UTF-8 text");
    }
}
