//! Turning local files into what the board should hold: `.py` minified or compiled with
//! mpy-cross, then hashed. Files are prepared on all host cores at once.

use std::path::Path;
use std::process::Command;

use crate::source::minify::minify_file;
use belay_transport::sync_plan::{LocalFile, SyncError, fnv1a32, join, remote_rel};

/// How `.py` files are transformed before they are sent.
#[derive(Debug, Clone, Copy)]
pub enum PyFiles<'a> {
    AsIs,
    Minify,
    MpyCross(&'a Path),
}

/// A file as it will be on the board.
#[derive(Debug)]
pub struct Prepared {
    pub remote: String,
    pub data: Vec<u8>,
    pub hash: u32,
}

/// Prepare every file for `dst`, in the order given.
pub fn prepare_all(
    files: &[LocalFile],
    dst: &str,
    py: PyFiles<'_>,
) -> Result<Vec<Prepared>, SyncError> {
    let workers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .min(files.len().max(1));
    let per = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(per)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|f| prepare(f, dst, py))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(files.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| SyncError::Prepare("a file preparation thread panicked".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}

fn prepare(file: &LocalFile, dst: &str, py: PyFiles<'_>) -> Result<Prepared, SyncError> {
    let is_py = file.rel.ends_with(".py");
    let (data, compiled) = match py {
        PyFiles::MpyCross(bin) if is_py => (mpy_cross(bin, &file.src)?, true),
        PyFiles::Minify if is_py => (minified(&file.src)?, false),
        _ => (read(&file.src)?, false),
    };
    Ok(Prepared {
        remote: join(dst, &remote_rel(&file.rel, compiled)),
        hash: fnv1a32(&data),
        data,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, SyncError> {
    std::fs::read(path).map_err(|source| SyncError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Python source minified; a file that is not UTF-8 text is sent as it is.
fn minified(path: &Path) -> Result<Vec<u8>, SyncError> {
    let data = read(path)?;
    Ok(match String::from_utf8(data) {
        Ok(text) => minify_file(&text).into_bytes(),
        Err(e) => e.into_bytes(),
    })
}

/// `mpy-cross -o OUT.mpy SRC.py`, as Belay runs it.
fn mpy_cross(bin: &Path, src: &Path) -> Result<Vec<u8>, SyncError> {
    let dir = tempfile::tempdir().map_err(|source| SyncError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let out = dir.path().join("out.mpy");
    // A path that names no file is said so before spawning: not every system reports a failed
    // exec as an error (qemu-user runs a vfork-style spawn as a fork, and the child exits 127).
    if bin.components().count() > 1 && !bin.exists() {
        return Err(SyncError::Prepare(format!(
            "cannot run {}: no such file",
            bin.display()
        )));
    }
    let result = Command::new(bin)
        .arg("-o")
        .arg(&out)
        .arg(src)
        .output()
        .map_err(|e| SyncError::Prepare(format!("cannot run {}: {e}", bin.display())))?;
    if !result.status.success() {
        return Err(SyncError::Prepare(format!(
            "{} failed on {} ({}): {}",
            bin.display(),
            src.display(),
            result.status,
            String::from_utf8_lossy(&result.stderr).trim()
        )));
    }
    read(&out)
}
