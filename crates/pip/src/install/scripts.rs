//! Scripts: console and GUI entry points (`entry_points.txt`, PyPA "Entry points specification")
//! as launchers like pip's (distlib's script template under a shebang for the layout's python),
//! and the `#!python` line of a wheel's `.data/scripts` files rewritten.

use std::path::Path;

/// One `console_scripts` or `gui_scripts` entry: `name = module:attr.path [extras]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryPoint {
    pub name: String,
    pub module: String,
    /// `attr` or `Class.method`.
    pub attr: String,
}

/// The console and GUI scripts of an `entry_points.txt` (an INI file).
pub(crate) fn entry_points(text: &str) -> Result<Vec<EntryPoint>, String> {
    let mut section = "";
    let mut found = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim();
            continue;
        }
        if section != "console_scripts" && section != "gui_scripts" {
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| format!("entry_points.txt: `{line}` is not `name = module:attr`"))?;
        // Extras (`[extra]`) only say what the script needs installed; the launcher ignores them.
        let value = value.split('[').next().unwrap_or_default().trim();
        let (module, attr) = value
            .split_once(':')
            .map(|(m, a)| (m.trim(), a.trim()))
            .filter(|(m, a)| !m.is_empty() && !a.is_empty())
            .ok_or_else(|| format!("entry_points.txt: `{line}` has no `module:attr`"))?;
        let name = name.trim();
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(format!("entry_points.txt: bad script name `{name}`"));
        }
        found.push(EntryPoint {
            name: name.to_string(),
            module: module.to_string(),
            attr: attr.to_string(),
        });
    }
    Ok(found)
}

/// The shebang distlib (pip) writes for `python`: `#!PATH`, or a `/bin/sh` trampoline when the
/// path has a space or the line would pass the kernel's 127-byte limit.
pub(crate) fn shebang(python: &Path) -> String {
    let python = python.to_string_lossy();
    if !python.contains(' ') && python.len() + 3 <= 127 {
        format!("#!{python}\n")
    } else {
        let quoted = if python.contains(' ') {
            format!("\"{python}\"")
        } else {
            python.into_owned()
        };
        format!("#!/bin/sh\n'''exec' {quoted} \"$0\" \"$@\"\n' '''\n")
    }
}

/// The launcher pip writes for `entry` (distlib's `SCRIPT_TEMPLATE`).
pub(crate) fn launcher(entry: &EntryPoint, python: &Path) -> String {
    let import = entry.attr.split('.').next().unwrap_or_default();
    format!(
        "{}# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {} import {import}\n\
         if __name__ == '__main__':\n    \
         sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    \
         sys.exit({}())\n",
        shebang(python),
        entry.module,
        entry.attr
    )
}

/// A `.data/scripts` file with its `#!python` (or `#!pythonw`) line pointing at `python`, as
/// pip rewrites it; other files unchanged (`None`).
pub(crate) fn fix_shebang(content: &[u8], python: &Path) -> Option<Vec<u8>> {
    if !content.starts_with(b"#!python") {
        return None;
    }
    let rest = match content.iter().position(|&b| b == b'\n') {
        Some(end) => &content[end + 1..],
        None => &[][..],
    };
    let mut fixed = shebang(python).into_bytes();
    fixed.extend_from_slice(rest);
    Some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_of_both_kinds_and_nothing_else() {
        let text = "[console_scripts]\nrich = rich.cli:main\n# c\nhttp = h.x:App.run [cli]\n\n\
                    [gui_scripts]\ng=g:run\n[pytest11]\nplug = p:q\n";
        let found = entry_points(text).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|e| (&*e.name, &*e.module, &*e.attr))
            .collect();
        assert_eq!(
            names,
            [
                ("rich", "rich.cli", "main"),
                ("http", "h.x", "App.run"),
                ("g", "g", "run")
            ]
        );
        assert!(entry_points("[console_scripts]\nbad = nocolon\n").is_err());
    }

    #[test]
    fn launcher_is_pips() {
        let entry = EntryPoint {
            name: "x".into(),
            module: "pkg.cli".into(),
            attr: "App.main".into(),
        };
        let text = launcher(&entry, Path::new("/v/bin/python"));
        assert_eq!(
            text,
            "#!/v/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n\
             from pkg.cli import App\nif __name__ == '__main__':\n    \
             sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    \
             sys.exit(App.main())\n"
        );
    }

    #[test]
    fn shebangs_with_spaces_or_too_long_use_sh() {
        assert_eq!(
            shebang(Path::new("/a b/python")),
            "#!/bin/sh\n'''exec' \"/a b/python\" \"$0\" \"$@\"\n' '''\n"
        );
        let long = format!("/{}/python", "x".repeat(130));
        assert!(shebang(Path::new(&long)).starts_with("#!/bin/sh\n"));
        let fixed = fix_shebang(b"#!python -u\nprint(1)\n", Path::new("/v/bin/python")).unwrap();
        assert_eq!(fixed, b"#!/v/bin/python\nprint(1)\n");
        assert_eq!(fix_shebang(b"#!/bin/sh\n", Path::new("/p")), None);
    }
}
