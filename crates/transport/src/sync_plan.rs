//! `device.sync` on the host: which local files go where on the board, what the board keeps, and
//! the FNV-1a hashes both sides compare (`docs/protocol.md` §2). No board and no Python here.

use std::path::{Component, Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::wire::{Literal, parse_literal};

/// Belay's default `ignore` list.
pub const DEFAULT_IGNORE: [&str; 4] = ["*.pyc", "__pycache__", ".DS_Store", ".pytest_cache"];
/// Belay's default `keep` list when syncing to the board's root.
pub const DEFAULT_KEEP_AT_ROOT: [&str; 3] = ["boot.py", "webrepl_cfg.py", "lib"];

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("\"{0}\" does not exist")]
    Missing(PathBuf),
    #[error("dst {dst:?} {why}")]
    BadDst { dst: String, why: &'static str },
    #[error("keep entry {entry:?} {why}")]
    BadKeep { entry: String, why: &'static str },
    #[error("{path}: {why}")]
    BadName { path: PathBuf, why: &'static str },
    #[error("ignore pattern {pattern:?}: {source}")]
    Ignore {
        pattern: String,
        source: ignore::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Prepare(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SyncError + '_ {
    move |source| SyncError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// FNV-1a, 32 bits (what the board computes with `_BH`).
pub fn fnv1a32(data: &[u8]) -> u32 {
    data.iter().fold(0x811C_9DC5, |h: u32, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Check and normalise `dst`: absolute, no `.`/`..`/empty components, no trailing `/` (except the
/// root itself).
pub fn normalise_dst(dst: &str) -> Result<String, SyncError> {
    let bad = |why| SyncError::BadDst {
        dst: dst.to_string(),
        why,
    };
    if !dst.starts_with('/') {
        return Err(bad("must start with \"/\""));
    }
    let parts: Vec<&str> = dst.trim_end_matches('/').split('/').skip(1).collect();
    for part in &parts {
        check_component(part).map_err(bad)?;
    }
    Ok(if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", parts.join("/"))
    })
}

/// A path component that is safe to send: not empty, `.` or `..`, and free of separators, NUL
/// and line breaks.
fn check_component(part: &str) -> Result<(), &'static str> {
    match part {
        "" => Err("has an empty path component"),
        "." | ".." => Err("may not contain \".\" or \"..\" components"),
        _ if part.contains(['\\', '\0', '\n', '\r']) => {
            Err("contains a backslash, NUL or line break")
        }
        _ => Ok(()),
    }
}

/// `dst` joined with a relative `/`-separated path.
pub fn join(dst: &str, rel: &str) -> String {
    if dst == "/" {
        format!("/{rel}")
    } else {
        format!("{dst}/{rel}")
    }
}

/// What `keep` asks for (Belay's `preprocess_keep`).
#[derive(Debug, Clone, PartialEq)]
pub enum Keep {
    /// `None`: Belay's defaults (`boot.py`, `webrepl_cfg.py`, `lib` at the root; nothing elsewhere).
    Default,
    /// `True`: delete nothing.
    All,
    /// A list (a single `str` and `False` → `[x]` and `[]`).
    These(Vec<String>),
}

/// The board paths `keep` protects under `dst`; `None` when nothing is deleted at all.
/// Entries are relative to `dst`; an absolute entry must lie inside `dst`.
pub fn keep_paths(keep: &Keep, dst: &str) -> Result<Option<Vec<String>>, SyncError> {
    let entries: Vec<String> = match keep {
        Keep::All => return Ok(None),
        Keep::Default if dst == "/" => DEFAULT_KEEP_AT_ROOT.map(String::from).to_vec(),
        Keep::Default => Vec::new(),
        Keep::These(list) => list.clone(),
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let bad = |why| SyncError::BadKeep {
            entry: entry.clone(),
            why,
        };
        let rel = match entry.strip_prefix('/') {
            Some(under_root) => {
                let inside = if dst == "/" {
                    Some(under_root)
                } else {
                    entry
                        .strip_prefix(dst)
                        .and_then(|rest| rest.strip_prefix('/'))
                };
                inside.ok_or_else(|| bad("is outside dst"))?
            }
            None => entry.as_str(),
        };
        let rel = rel.trim_end_matches('/');
        for part in rel.split('/') {
            check_component(part).map_err(bad)?;
        }
        out.push(join(dst, rel));
    }
    Ok(Some(out))
}

/// One local file and its place on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalFile {
    pub src: PathBuf,
    /// `/`-separated path relative to the synced folder (the file name for a single file).
    pub rel: String,
}

/// The local side of a sync: files and directories (relative, sorted), ignores applied.
#[derive(Debug, Default, PartialEq)]
pub struct Tree {
    pub files: Vec<LocalFile>,
    pub dirs: Vec<String>,
    /// `folder` was a single file: nothing on the board is deleted.
    pub single_file: bool,
}

/// Walk `folder` (or take a single file), skipping what matches the gitignore-style `ignore`
/// patterns (matched relative to `folder`, a directory's pattern hiding everything below it).
pub fn discover(folder: &Path, ignore: &[String]) -> Result<Tree, SyncError> {
    let meta = std::fs::metadata(folder).map_err(|_| SyncError::Missing(folder.to_path_buf()))?;
    if !meta.is_dir() {
        let name =
            folder
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| SyncError::BadName {
                    path: folder.to_path_buf(),
                    why: "has no UTF-8 file name",
                })?;
        return Ok(Tree {
            files: vec![LocalFile {
                src: folder.to_path_buf(),
                rel: name.to_string(),
            }],
            dirs: Vec::new(),
            single_file: true,
        });
    }
    let matcher = ignore_matcher(folder, ignore)?;
    let mut tree = Tree::default();
    walk(folder, "", &matcher, &mut tree)?;
    tree.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    tree.dirs.sort();
    Ok(tree)
}

fn ignore_matcher(root: &Path, patterns: &[String]) -> Result<Gitignore, SyncError> {
    let mut builder = GitignoreBuilder::new(root);
    for pattern in patterns {
        builder
            .add_line(None, pattern)
            .map_err(|source| SyncError::Ignore {
                pattern: pattern.clone(),
                source,
            })?;
    }
    builder.build().map_err(|source| SyncError::Ignore {
        pattern: patterns.join(", "),
        source,
    })
}

fn walk(dir: &Path, rel: &str, matcher: &Gitignore, tree: &mut Tree) -> Result<(), SyncError> {
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_str().ok_or_else(|| SyncError::BadName {
            path: path.clone(),
            why: "is not valid UTF-8",
        })?;
        check_component(name).map_err(|why| SyncError::BadName {
            path: path.clone(),
            why,
        })?;
        // Follow symbolic links: their content is what gets synced.
        let is_dir = std::fs::metadata(&path).map_err(io_error(&path))?.is_dir();
        if matcher.matched(&path, is_dir).is_ignore() {
            continue;
        }
        let child = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        if is_dir {
            walk(&path, &child, matcher, tree)?;
            tree.dirs.push(child);
        } else {
            tree.files.push(LocalFile {
                src: path,
                rel: child,
            });
        }
    }
    Ok(())
}

/// Directories to create on the board, parents first: every prefix of `dst` and every local
/// directory below it (Belay's `generate_dst_dirs`).
pub fn dst_dirs(dst: &str, local_dirs: &[String]) -> Vec<String> {
    let mut dirs: Vec<String> = local_dirs.iter().map(|d| join(dst, d)).collect();
    let mut prefix = String::new();
    for part in dst.split('/').skip(1).filter(|p| !p.is_empty()) {
        prefix = format!("{prefix}/{part}");
        dirs.push(prefix.clone());
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The name a file gets on the board: `.py` becomes `.mpy` when compiled with mpy-cross.
pub fn remote_rel(rel: &str, compiled: bool) -> String {
    match rel.strip_suffix(".py") {
        Some(stem) if compiled => format!("{stem}.mpy"),
        _ => rel.to_string(),
    }
}

/// A host path as given (relative to the current directory), made absolute without resolving
/// symbolic links away from what the user named.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    let base = std::env::current_dir().unwrap_or_default();
    let mut out = base;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The board paths a sync's first command deleted (or, in a dry run, would delete), sorted,
/// from what it printed: one `repr` of a path a line (`snippets/sync.py`). Lines that are not a
/// str literal are someone else's output (a board thread's), returned as they came.
pub fn deleted_paths(output: &str) -> (Vec<String>, String) {
    let mut deleted = Vec::new();
    let mut other = String::new();
    for line in output.split_inclusive('\n') {
        match parse_literal(line.trim_end_matches(['\r', '\n']).as_bytes()) {
            Ok(Literal::Str(path)) => deleted.push(path),
            _ => other.push_str(line),
        }
    }
    deleted.sort();
    (deleted, other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_paths_are_the_str_lines_sorted() {
        let printed = "'/d/b'\r\n'/d/a b'\r\nthread says hi\n'/d/it\\'s'\n\n";
        let (deleted, other) = deleted_paths(printed);
        assert_eq!(deleted, ["/d/a b", "/d/b", "/d/it's"]);
        assert_eq!(other, "thread says hi\n\n");
        assert_eq!(deleted_paths(""), (Vec::new(), String::new()));
    }

    #[test]
    fn fnv1a_vectors() {
        assert_eq!(fnv1a32(b"foobar"), 0xBF9C_F968);
        assert_eq!(fnv1a32(b"fooba"), 0x39AA_A18A);
        assert_eq!(fnv1a32(b""), 0x811C_9DC5);
    }

    #[test]
    fn dst_is_checked_and_normalised() {
        assert_eq!(normalise_dst("/").unwrap(), "/");
        assert_eq!(normalise_dst("/foo/bar/").unwrap(), "/foo/bar");
        for bad in ["foo", "", "/foo/../etc", "/./x", "/a//b", "/a\nb"] {
            assert!(normalise_dst(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn keep_defaults_and_forms() {
        let root = keep_paths(&Keep::Default, "/").unwrap().unwrap();
        assert_eq!(root, ["/boot.py", "/webrepl_cfg.py", "/lib"]);
        assert_eq!(
            keep_paths(&Keep::Default, "/app").unwrap().unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(keep_paths(&Keep::All, "/app").unwrap(), None);
        let these = Keep::These(vec!["a.txt".into(), "/app/b/".into()]);
        assert_eq!(
            keep_paths(&these, "/app").unwrap().unwrap(),
            ["/app/a.txt", "/app/b"]
        );
        for bad in ["../x", "/etc/passwd", "/application", "a/./b"] {
            let keep = Keep::These(vec![bad.into()]);
            assert!(keep_paths(&keep, "/app").is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn generate_dst_dirs_like_belay() {
        let local = ["folder1".to_string(), "folder1/folder1_1".to_string()];
        assert_eq!(
            dst_dirs("/foo/bar", &local),
            [
                "/foo",
                "/foo/bar",
                "/foo/bar/folder1",
                "/foo/bar/folder1/folder1_1"
            ]
        );
        assert_eq!(dst_dirs("/", &local), ["/folder1", "/folder1/folder1_1"]);
    }

    #[test]
    fn discovery_applies_ignores_and_sorts() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for f in [
            "foo.txt",
            "alpha.py",
            "bar.pyc",
            "folder1/file1.txt",
            "folder1/folder1_1/file1_1.txt",
            "__pycache__/x.cpython.pyc",
            "skip/me.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, f).unwrap();
        }
        std::fs::create_dir(root.join("empty")).unwrap();
        let mut ignore: Vec<String> = DEFAULT_IGNORE.map(String::from).to_vec();
        ignore.push("skip/".into());
        let tree = discover(root, &ignore).unwrap();
        let rels: Vec<&str> = tree.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "alpha.py",
                "folder1/file1.txt",
                "folder1/folder1_1/file1_1.txt",
                "foo.txt"
            ]
        );
        assert_eq!(tree.dirs, ["empty", "folder1", "folder1/folder1_1"]);
        assert!(!tree.single_file);

        let single = discover(&root.join("foo.txt"), &[]).unwrap();
        assert!(single.single_file);
        assert_eq!(single.files[0].rel, "foo.txt");
        assert!(matches!(
            discover(&root.join("nope"), &[]),
            Err(SyncError::Missing(_))
        ));
    }

    #[test]
    fn compiled_names() {
        assert_eq!(remote_rel("a/b.py", true), "a/b.mpy");
        assert_eq!(remote_rel("a/b.py", false), "a/b.py");
        assert_eq!(remote_rel("a/b.txt", true), "a/b.txt");
    }
}
