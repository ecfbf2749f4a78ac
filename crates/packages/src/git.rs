//! The clone fallback for git files that are not found as raw files (Belay's
//! `_clone_and_copy`): a clone per repository in the cache, `git-<provider>-<user>-<repo>`.
//!
//! Unlike Belay (D13), a cached clone follows its branches: after `git fetch`, a branch name is
//! looked up as `origin/<branch>` first and the work tree is checked out detached at that commit.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::errors::{Error, Result, io_err};
use crate::events::Event;
use crate::fsutil::copy_tree;
use crate::http::Http;
use crate::uri::GitLocation;

/// The cache entry of a repository's clone.
pub(crate) fn clone_folder_name(location: &GitLocation) -> String {
    format!(
        "git-{}-{}-{}",
        location.provider.scheme(),
        location.user,
        location.repo.replace('/', "-")
    )
}

/// Copies `location.path` at `git_ref` from the repository's cached clone into `dest`: a folder's
/// contents, or a file under its own name. Returns the files written, relative to `dest`, and
/// whether the path was a single file.
pub(crate) fn copy_from_clone(
    http: &Http<'_>,
    location: &GitLocation,
    git_ref: &str,
    dest: &Path,
) -> Result<(Vec<PathBuf>, bool)> {
    let settings = http.settings();
    let url = location.clone_url(settings);
    let folder = settings.cache_dir.join(clone_folder_name(location));
    if !folder.join(".git").exists() {
        if settings.offline {
            return Err(Error::Offline {
                url,
                cache: settings.cache_dir.clone(),
            });
        }
        http.report(Event::Cloning { url: url.clone() });
        std::fs::create_dir_all(&settings.cache_dir)
            .map_err(io_err("create", &settings.cache_dir))?;
        let temp = tempfile::Builder::new()
            .prefix(".belay-run-clone-")
            .tempdir_in(&settings.cache_dir)
            .map_err(io_err("create a temporary folder in", &settings.cache_dir))?;
        let target = temp.path().join("repo");
        git(
            None,
            &["clone", "--quiet", &url, &path_arg(&target)?],
            "clone",
            &url,
        )?;
        crate::fsutil::remove_path(&folder)?;
        std::fs::rename(&target, &folder).map_err(io_err("move the clone to", &folder))?;
    } else if !settings.offline {
        http.report(Event::Fetching { url: url.clone() });
        let fetched = git(
            Some(&folder),
            &[
                "fetch",
                "--quiet",
                "--force",
                "--prune",
                "--tags",
                "origin",
                "+refs/heads/*:refs/remotes/origin/*",
            ],
            "fetch",
            &url,
        );
        if let Err(error) = fetched {
            http.report(Event::Warning(format!(
                "{error}; using the cached clone as it is"
            )));
        }
    }
    let commit = resolve_ref(&folder, git_ref).ok_or_else(|| Error::Git {
        action: "checkout",
        url: url.clone(),
        message: format!("no branch, tag or commit named \"{git_ref}\""),
    })?;
    git(
        Some(&folder),
        &["checkout", "--quiet", "--force", "--detach", &commit],
        "checkout",
        &url,
    )?;
    git(Some(&folder), &["clean", "-xdfq"], "clean", &url)?;
    let source = if location.path.is_empty() {
        folder.clone()
    } else {
        folder.join(&location.path)
    };
    if source.is_dir() {
        Ok((copy_tree(&source, dest, &[".git"])?, false))
    } else if source.is_file() {
        let name = source.file_name().expect("a file has a name");
        std::fs::create_dir_all(dest).map_err(io_err("create", dest))?;
        std::fs::copy(&source, dest.join(name)).map_err(io_err("copy", &source))?;
        Ok((vec![PathBuf::from(name)], true))
    } else {
        Err(Error::GitPathMissing {
            url,
            path: location.path.clone(),
            git_ref: git_ref.to_string(),
        })
    }
}

/// The commit a ref names: a remote branch first (so branches advance), then a tag, then
/// anything `git rev-parse` understands (a commit).
fn resolve_ref(folder: &Path, git_ref: &str) -> Option<String> {
    let candidates = if git_ref == "HEAD" {
        vec!["refs/remotes/origin/HEAD".to_string(), "HEAD".to_string()]
    } else {
        vec![
            format!("refs/remotes/origin/{git_ref}"),
            format!("refs/tags/{git_ref}"),
            git_ref.to_string(),
        ]
    };
    candidates.into_iter().find_map(|candidate| {
        let output = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("{candidate}^{{commit}}"))
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .ok()?;
        let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
        (output.status.success() && !commit.is_empty()).then_some(commit)
    })
}

fn path_arg(path: &Path) -> Result<String> {
    path.to_str().map(str::to_string).ok_or_else(|| {
        Error::io(
            "use",
            path,
            std::io::Error::other("the path is not valid UTF-8"),
        )
    })
}

fn git(folder: Option<&Path>, args: &[&str], action: &'static str, url: &str) -> Result<()> {
    let mut command = Command::new("git");
    if let Some(folder) = folder {
        command.arg("-C").arg(folder);
    }
    let output = command
        .args(["-c", "advice.detachedHead=false"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|error| Error::Git {
            action,
            url: url.to_string(),
            message: format!("cannot run git ({error}); is it installed?"),
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Error::Git {
            action,
            url: url.to_string(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uri::Provider;

    #[test]
    fn folder_names() {
        let location = GitLocation {
            provider: Provider::GitLab,
            user: "g".into(),
            repo: "sub/r".into(),
            path: String::new(),
            git_ref: None,
        };
        assert_eq!(clone_folder_name(&location), "git-gitlab-g-sub-r");
    }

    fn has_git() -> bool {
        Command::new("git")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn run(folder: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    }

    /// A raw server that knows nothing (every raw file is a 404) and a repository served by
    /// git from `file://`: the clone fallback must deliver the folder, follow the branch after
    /// a new commit (D13) and honour a tag.
    #[test]
    fn clone_fallback_follows_branches_and_tags() {
        if !has_git() {
            eprintln!("git is not installed: skipped");
            return;
        }
        let temp = tempfile::tempdir().unwrap();
        let repo = temp.path().join("git/u/r.git");
        std::fs::create_dir_all(repo.join("lib.d")).unwrap();
        std::fs::write(repo.join("lib.d/__init__.py"), "V = 1\n").unwrap();
        std::fs::write(repo.join("lib.d/util.py"), "U = 1\n").unwrap();
        run(&repo, &["init", "--quiet", "--initial-branch=main"]);
        run(&repo, &["add", "."]);
        run(&repo, &["commit", "--quiet", "-m", "one"]);
        run(&repo, &["tag", "v1"]);

        let server = crate::testutil::Server::start();
        let project = crate::testutil::project_dir(
            temp.path(),
            "[tool.belay.dependencies]\nlib = \"github:u/r/lib.d\"\npinned = \"github:u/r/lib.d@v1\"\nfile = \"github:u/r/lib.d/util.py@main\"\n",
        );
        let mut settings = crate::testutil::fast_settings(&temp.path().join("cache"));
        settings.github_raw = server.url("/raw");
        settings.github = format!("file://{}", temp.path().join("git").display());
        let load = || crate::project::Project::discover(&project).unwrap();
        let recorder = crate::testutil::Recorder::default();
        crate::commands::update(&load(), &settings, &[], &recorder).unwrap();
        let deps = project.join(".belay/dependencies");
        assert_eq!(
            crate::testutil::tree(&deps),
            [
                "main/",
                "main/file/",
                "main/file/__init__.py = U = 1\n",
                "main/lib/",
                "main/lib/__init__.py = V = 1\n",
                "main/lib/util.py = U = 1\n",
                "main/pinned/",
                "main/pinned/__init__.py = V = 1\n",
                "main/pinned/util.py = U = 1\n",
            ]
        );
        assert!(
            server.hits("/raw/u/r/HEAD/lib.d") == 1,
            "the raw file is tried first"
        );
        assert!(settings.cache_dir.join("git-github-u-r/.git").is_dir());
        let cloning = recorder
            .events()
            .into_iter()
            .filter(|e| matches!(e, Event::Cloning { .. }))
            .count();
        assert_eq!(cloning, 1, "one clone per repository");

        // A new commit on main: the branch advances, the tag does not.
        std::fs::write(repo.join("lib.d/__init__.py"), "V = 2\n").unwrap();
        std::fs::remove_file(repo.join("lib.d/util.py")).unwrap();
        run(&repo, &["commit", "--quiet", "-a", "-m", "two"]);
        let outcome = crate::commands::update(
            &load(),
            &settings,
            &["lib".into(), "pinned".into()],
            &crate::events::Silent,
        )
        .unwrap();
        assert_eq!(
            outcome.updated,
            vec![("main".to_string(), "lib".to_string())]
        );
        assert_eq!(
            outcome.unchanged,
            vec![("main".to_string(), "pinned".to_string())]
        );
        let tree = crate::testutil::tree(&deps);
        assert!(
            tree.contains(&"main/lib/__init__.py = V = 2\n".to_string()),
            "{tree:?}"
        );
        assert!(
            !tree.contains(&"main/lib/util.py = U = 1\n".to_string()),
            "{tree:?}"
        );
        assert!(
            tree.contains(&"main/pinned/__init__.py = V = 1\n".to_string()),
            "{tree:?}"
        );

        // Offline, the cached clone serves without fetching.
        let mut offline = settings.clone();
        offline.offline = true;
        let recorder = crate::testutil::Recorder::default();
        crate::commands::update(&load(), &offline, &["pinned".into()], &recorder).unwrap();
        assert!(
            !recorder
                .events()
                .iter()
                .any(|e| matches!(e, Event::Fetching { .. }))
        );

        // A path that is not in the repository.
        let project2 = crate::testutil::project_dir(
            &temp.path().join("p2"),
            "[tool.belay.dependencies]\nnope = \"github:u/r/missing.d\"\n",
        );
        let error = crate::commands::update(
            &crate::project::Project::discover(&project2).unwrap(),
            &settings,
            &[],
            &crate::events::Silent,
        )
        .unwrap_err();
        assert!(matches!(error, Error::GitPathMissing { .. }), "{error:?}");
    }
}
