//! An all-or-nothing change to an environment: new files are staged in a folder beside the
//! destination (same file system) and renamed into place; files being replaced or removed are
//! renamed aside into the same folder first. Every step is journaled, so that `rollback` puts
//! the previous state back; `commit` only deletes what was set aside.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Error;

enum Step {
    /// A file or folder that was at `from` is now at `to` (in the staging folder).
    MovedAside { from: PathBuf, to: PathBuf },
    /// `0` did not exist and was moved (or created) in.
    Added(PathBuf),
    /// An empty folder was removed.
    RemovedDir(PathBuf),
}

pub(crate) struct Transaction<'c> {
    stage: tempfile::TempDir,
    journal: Vec<Step>,
    aside: usize,
    cancel: &'c AtomicBool,
}

impl<'c> Transaction<'c> {
    /// A transaction staging in a new hidden folder in `parent`.
    pub(crate) fn new(parent: &Path, cancel: &'c AtomicBool) -> crate::Result<Transaction<'c>> {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        let stage = tempfile::Builder::new()
            .prefix(".belay-staging-")
            .tempdir_in(parent)
            .map_err(|e| Error::io("create a staging folder in", parent, e))?;
        Ok(Transaction {
            stage,
            journal: Vec::new(),
            aside: 0,
            cancel,
        })
    }

    /// The staging folder (new files are written under it before `move_in`).
    pub(crate) fn stage(&self) -> &Path {
        self.stage.path()
    }

    /// `Err(Interrupted)` once the cancel flag is set.
    pub(crate) fn check(&self) -> crate::Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        Ok(())
    }

    /// Set `path` (a file, a link or a folder) aside, if it is there.
    pub(crate) fn remove(&mut self, path: &Path) -> crate::Result<()> {
        self.check()?;
        if path.symlink_metadata().is_err() {
            return Ok(());
        }
        self.aside += 1;
        let to = self.stage.path().join(format!("old-{}", self.aside));
        std::fs::rename(path, &to).map_err(|e| Error::io("move aside", path, e))?;
        self.journal.push(Step::MovedAside {
            from: path.to_path_buf(),
            to,
        });
        Ok(())
    }

    /// Remove `dir` if it is an empty folder, then its parents while they are empty and `keep`
    /// does not hold for them.
    pub(crate) fn remove_empty_dirs(&mut self, dir: &Path, keep: &dyn Fn(&Path) -> bool) {
        let mut dir = dir.to_path_buf();
        while !keep(&dir) && std::fs::remove_dir(&dir).is_ok() {
            self.journal.push(Step::RemovedDir(dir.clone()));
            if !dir.pop() {
                break;
            }
        }
    }

    /// Create `dir` and its missing parents.
    pub(crate) fn create_dirs(&mut self, dir: &Path) -> crate::Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.create_dirs(parent)?;
        }
        match std::fs::create_dir(dir) {
            Ok(()) => self.journal.push(Step::Added(dir.to_path_buf())),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err(Error::io("create", dir, e)),
        }
        Ok(())
    }

    /// Move the staged `staged` to `dest`: a whole folder when `dest` is not there, else merged
    /// file by file (namespace packages, shared `bin/`); a file in the way is set aside.
    pub(crate) fn move_in(&mut self, staged: &Path, dest: &Path) -> crate::Result<()> {
        self.check()?;
        let existing = dest.symlink_metadata().ok();
        if staged.is_dir() && existing.as_ref().is_some_and(|m| m.is_dir()) {
            let entries = std::fs::read_dir(staged).map_err(|e| Error::io("read", staged, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::io("read", staged, e))?;
                self.move_in(&entry.path(), &dest.join(entry.file_name()))?;
            }
            return Ok(());
        }
        if existing.is_some() {
            self.remove(dest)?;
        }
        if let Some(parent) = dest.parent() {
            self.create_dirs(parent)?;
        }
        std::fs::rename(staged, dest).map_err(|e| Error::io("move into place", dest, e))?;
        self.journal.push(Step::Added(dest.to_path_buf()));
        Ok(())
    }

    /// Undo every step, newest first (best effort: each step is tried).
    pub(crate) fn rollback(mut self) {
        while let Some(step) = self.journal.pop() {
            let _ = match step {
                Step::MovedAside { from, to } => std::fs::rename(&to, &from),
                Step::Added(path) if path.is_dir() && !path.is_symlink() => {
                    std::fs::remove_dir_all(&path)
                }
                Step::Added(path) => std::fs::remove_file(&path),
                Step::RemovedDir(dir) => std::fs::create_dir(&dir),
            };
        }
    }

    /// Keep the new state; what was set aside is deleted with the staging folder.
    pub(crate) fn commit(self) -> crate::Result<()> {
        let path = self.stage.path().to_path_buf();
        self.stage
            .close()
            .map_err(|e| Error::io("remove the staging folder", path, e))
    }
}
