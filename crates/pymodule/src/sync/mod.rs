//! `device.sync(...)` and `device.sync_dependencies(...)`.
//!
//! One round trip deletes what the board should no longer hold (it prints each path it deletes),
//! creates the directories and returns the board's hashes; then only the files whose hashes
//! differ are sent, several to a command, as base64 where the board can decode it. A dry run
//! stops after the round trip, which then changes nothing.

use std::path::{Path, PathBuf};

use belay_transport::sync_plan::{
    self, DEFAULT_IGNORE, SyncError, Tree, deleted_paths, discover, dst_dirs, keep_paths,
    normalise_dst,
};
use belay_transport::wire::snippets::{self, SyncBootstrap};
use rustpython_vm::builtins::{PyList, PyStr, PyTuple};
use rustpython_vm::function::{FuncArgs, KwArgs};
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

use crate::board::Board;
use crate::board::session::{Context, Output, Session};
use crate::errors::{self, InternalError};
use crate::values;
use prepare::{Prepared, PyFiles, prepare_all};

pub use belay_transport::sync_plan::Keep;

mod prepare;

/// Raw bytes per write statement.
const CHUNK: usize = 3 * 1024;
/// Most source text per command: small boards compile each command in RAM.
const COMMAND_BUDGET: usize = 12 * 1024;

#[derive(rustpython_vm::FromArgs)]
pub struct SyncArgs {
    #[pyarg(any)]
    folder: PyObjectRef,
    #[pyarg(any, default)]
    dst: Option<PyObjectRef>,
    #[pyarg(any, default)]
    keep: Option<PyObjectRef>,
    #[pyarg(any, default)]
    ignore: Option<PyObjectRef>,
    #[pyarg(any, default = true)]
    minify: bool,
    #[pyarg(any, default)]
    mpy_cross_binary: Option<PyObjectRef>,
    #[pyarg(any, default)]
    progress_update: Option<PyObjectRef>,
}

/// What a sync reports as it goes. The Python `progress_update` callable gets these as
/// `description=`, `total=` (files) and `advance=` keywords, like `rich.Progress.update`.
pub enum Progress<'a> {
    Stage(&'a str),
    /// Files and bytes that will be sent.
    Total {
        files: usize,
        bytes: u64,
    },
    Pushing(&'a str),
    /// More bytes reached the board.
    Sent(u64),
    /// One more file is complete.
    Pushed,
}

/// A sync, its arguments checked.
pub struct SyncRequest {
    pub folder: PathBuf,
    pub dst: String,
    pub keep: Keep,
    pub ignore: Vec<String>,
    pub minify: bool,
    pub mpy_cross: Option<PathBuf>,
    /// Change nothing on the board: only find out what would be sent and deleted.
    pub dry_run: bool,
}

/// What a sync did (or, in a dry run, would do) to the board.
#[derive(Debug, Default)]
pub struct SyncOutcome {
    /// Board paths of the files sent, with their sizes on the board, in the order sent.
    pub sent: Vec<(String, u64)>,
    /// Board paths deleted (files and folders), sorted.
    pub deleted: Vec<String>,
}

/// `device.sync(folder, dst="/", keep=None, ignore=None, minify=True, mpy_cross_binary=None,
/// progress_update=None)`.
pub fn sync(board: &Board, args: SyncArgs, vm: &VirtualMachine) -> PyResult<()> {
    let dst = match &args.dst {
        Some(d) => fspath(d, vm)?.to_string_lossy().into_owned(),
        None => "/".to_string(),
    };
    let request = SyncRequest {
        folder: fspath(&args.folder, vm)?,
        dst,
        keep: keep_arg(args.keep.as_ref(), vm)?,
        ignore: ignore_arg(args.ignore.as_ref(), vm)?,
        minify: args.minify,
        mpy_cross: args
            .mpy_cross_binary
            .as_ref()
            .map(|b| fspath(b, vm))
            .transpose()?,
        dry_run: false,
    };
    let callback = args.progress_update;
    run(board, &request, &|p| report(callback.as_ref(), p, vm), vm).map(drop)
}

/// Run a sync on `board`, reporting progress to `progress`.
pub fn run(
    board: &Board,
    request: &SyncRequest,
    progress: &dyn Fn(Progress<'_>) -> PyResult<()>,
    vm: &VirtualMachine,
) -> PyResult<SyncOutcome> {
    let folder = sync_plan::absolute(&request.folder);
    let dst = normalise_dst(&request.dst).map_err(|e| sync_error(vm, e))?;
    let py = match (&request.mpy_cross, request.minify) {
        (Some(bin), _) => PyFiles::MpyCross(bin),
        (None, true) => PyFiles::Minify,
        (None, false) => PyFiles::AsIs,
    };
    let tree = discover(&folder, &request.ignore).map_err(|e| sync_error(vm, e))?;
    let keep = if tree.single_file || request.keep == Keep::All {
        None
    } else {
        keep_paths(&request.keep, &dst).map_err(|e| sync_error(vm, e))?
    };
    if dst == "/" && keep.is_some() && board.firmware().files_are_the_hosts() {
        return Err(vm.new_value_error(
            "refusing to sync to dst=\"/\" with deletion on a port whose filesystem is the \
             host's (a MicroPython unix port): it would delete the host's files; pass a dst \
             folder, or keep=True",
        ));
    }
    let files = vm
        .allow_threads(|| prepare_all(&tree.files, &dst, py))
        .map_err(|e| sync_error(vm, e))?;
    let plan = Plan {
        dst: &dst,
        tree: &tree,
        keep: keep.as_deref(),
        files: &files,
        dry_run: request.dry_run,
    };
    board.call(vm, None, |s| {
        let firmware = board.firmware();
        push(
            s,
            &plan,
            &firmware.name,
            board.emitters(vm)?.contains(&"viper"),
            progress,
            vm,
        )
    })
}

struct Plan<'a> {
    dst: &'a str,
    tree: &'a Tree,
    keep: Option<&'a [String]>,
    files: &'a [Prepared],
    dry_run: bool,
}

fn push(
    session: &Session,
    plan: &Plan<'_>,
    implementation: &str,
    viper: bool,
    report: &dyn Fn(Progress<'_>) -> PyResult<()>,
    vm: &VirtualMachine,
) -> PyResult<SyncOutcome> {
    let ctx = Context { module: None };
    report(Progress::Stage("Bootstrapping sync..."))?;
    let remote: Vec<&str> = plan.files.iter().map(|f| f.remote.as_str()).collect();
    let dirs = dst_dirs(plan.dst, &plan.tree.dirs);
    let code = snippets::sync_bootstrap(
        &SyncBootstrap {
            dst: plan.dst,
            keep: plan.keep,
            dirs: &dirs,
            files: &remote,
            dry_run: plan.dry_run,
        },
        implementation,
        viper,
    );
    // The board prints the paths it deletes as it goes; they are taken from its output.
    let printed = vm.import("io", 0)?.get_attr("StringIO", vm)?.call((), vm)?;
    let reply = session.run(vm, code, Output::Stream(Some(printed.clone())), &ctx);
    let printed = vm.call_method(&printed, "getvalue", ())?.str(vm)?;
    let (deleted, other) = deleted_paths(printed.as_ref());
    if !other.is_empty() {
        let stdout = vm.sys_module.get_attr("stdout", vm)?;
        vm.call_method(&stdout, "write", (other,))?;
    }
    let reply = reply?.ok_or_else(|| internal(vm, "the board did not return its file hashes"))?;
    let hashes: Vec<u32> = values::decode(&reply, false, session.floats(), vm)?
        .try_into_value::<Vec<u64>>(vm)
        .map_err(|_| internal(vm, "the board's hash list is not a list of ints"))?
        .into_iter()
        .map(|h| (h & 0xFFFF_FFFF) as u32)
        .collect();
    if hashes.len() != plan.files.len() {
        return Err(internal(
            vm,
            &format!("{} hashes for {} files", hashes.len(), plan.files.len()),
        ));
    }
    let changed: Vec<&Prepared> = plan
        .files
        .iter()
        .zip(&hashes)
        .filter(|(f, h)| f.hash != **h)
        .map(|(f, _)| f)
        .collect();
    let outcome = SyncOutcome {
        sent: changed
            .iter()
            .map(|f| (f.remote.clone(), f.data.len() as u64))
            .collect(),
        deleted,
    };
    if plan.dry_run {
        return Ok(outcome);
    }
    report(Progress::Total {
        files: changed.len(),
        bytes: changed.iter().map(|f| f.data.len() as u64).sum(),
    })?;
    let encoder = session.codecs(vm)?;
    let mut command = String::new();
    // Bytes in `command` not yet reported, and files it completes.
    let mut carried = 0u64;
    let mut finished = 0usize;
    let send = |command: String, carried: &mut u64, finished: &mut usize| -> PyResult<()> {
        session.run(vm, command, Output::Stdout, &ctx)?;
        report(Progress::Sent(std::mem::take(carried)))?;
        for _ in 0..std::mem::take(finished) {
            report(Progress::Pushed)?;
        }
        Ok(())
    };
    for file in changed {
        report(Progress::Pushing(file.remote.trim_start_matches('/')))?;
        let mut chunks = file.data.chunks(CHUNK);
        let first = chunks.next().unwrap_or(&[]);
        for (i, chunk) in std::iter::once(first).chain(chunks).enumerate() {
            snippets::put(&mut command, &file.remote, i == 0, chunk, encoder);
            carried += chunk.len() as u64;
            if command.len() >= COMMAND_BUDGET {
                send(std::mem::take(&mut command), &mut carried, &mut finished)?;
            }
        }
        finished += 1;
    }
    if command.is_empty() {
        // The last command went out on the budget; the files it completed are done too.
        (0..finished).try_for_each(|_| report(Progress::Pushed))?;
    } else {
        send(command, &mut carried, &mut finished)?;
    }
    Ok(outcome)
}

fn report(
    callback: Option<&PyObjectRef>,
    progress: Progress<'_>,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let Some(callback) = callback else {
        return Ok(());
    };
    let (key, value): (&str, PyObjectRef) = match progress {
        Progress::Stage(text) => ("description", vm.ctx.new_str(text).into()),
        Progress::Pushing(name) => (
            "description",
            vm.ctx.new_str(format!("Pushing: {name}")).into(),
        ),
        Progress::Total { files, .. } => ("total", vm.ctx.new_int(files).into()),
        Progress::Pushed => ("advance", vm.ctx.new_int(1).into()),
        Progress::Sent(_) => return Ok(()),
    };
    let kwargs: KwArgs = [(key.to_string(), value)].into_iter().collect();
    callback.call(FuncArgs::new(Vec::<PyObjectRef>::new(), kwargs), vm)?;
    Ok(())
}

/// `device.sync_dependencies(package, *subfolders, dst="/lib", **kwargs)`: the package's data
/// folders merged, then synced to `dst`.
pub fn sync_dependencies(
    device: &PyObjectRef,
    args: FuncArgs,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let mut positional = args.args.into_iter();
    let package = positional
        .next()
        .ok_or_else(|| vm.new_type_error("sync_dependencies() missing the package argument"))?;
    // `import importlib.resources` gives the top package; the submodule is its attribute.
    let resources = vm
        .import("importlib.resources", 0)?
        .get_attr("resources", vm)?;
    let root = vm.call_method(&resources, "files", (package,))?;
    let merged = tempfile::tempdir().map_err(|e| vm.new_os_error(e.to_string()))?;
    for sub in positional {
        let folder = vm._truediv(&root, &sub)?;
        let folder = fspath(&folder, vm)?;
        copy_tree(&folder, merged.path()).map_err(|e| sync_error(vm, e))?;
    }
    let mut kwargs = args.kwargs;
    kwargs
        .entry("dst".into())
        .or_insert_with(|| vm.ctx.new_str("/lib").into());
    let folder: PyObjectRef = vm.ctx.new_str(merged.path().to_string_lossy()).into();
    let call = FuncArgs {
        args: vec![folder],
        kwargs,
    };
    vm.call_method(device, "sync", call)?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), SyncError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SyncError::Io { path, source }
    };
    let meta = std::fs::metadata(from).map_err(|_| SyncError::Missing(from.to_path_buf()))?;
    if !meta.is_dir() {
        let name = from.file_name().unwrap_or_default();
        std::fs::copy(from, to.join(name)).map_err(io(from))?;
        return Ok(());
    }
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).map_err(io(&target))?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(io(&target))?;
        }
    }
    Ok(())
}

fn fspath(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<PathBuf> {
    let os = vm.import("os", 0)?;
    let path = vm.call_method(&os, "fspath", (obj.clone(),))?;
    let path = path
        .downcast::<PyStr>()
        .map_err(|_| vm.new_type_error("expected a str path"))?;
    Ok(PathBuf::from(path.to_string()))
}

/// `keep` as Belay's `preprocess_keep` reads it.
fn keep_arg(keep: Option<&PyObjectRef>, vm: &VirtualMachine) -> PyResult<Keep> {
    let Some(keep) = keep else {
        return Ok(Keep::Default);
    };
    if keep.class().is(vm.ctx.types.bool_type) {
        return Ok(if keep.clone().try_to_bool(vm)? {
            Keep::All
        } else {
            Keep::These(Vec::new())
        });
    }
    Ok(Keep::These(str_list(keep, "keep", vm)?))
}

/// `ignore` as Belay's `preprocess_ignore` reads it.
fn ignore_arg(ignore: Option<&PyObjectRef>, vm: &VirtualMachine) -> PyResult<Vec<String>> {
    match ignore {
        None => Ok(DEFAULT_IGNORE.map(String::from).to_vec()),
        Some(obj) => str_list(obj, "ignore", vm),
    }
}

/// A str, or a list/tuple of str or path-like objects.
fn str_list(obj: &PyObjectRef, what: &str, vm: &VirtualMachine) -> PyResult<Vec<String>> {
    if let Some(s) = obj.downcast_ref::<PyStr>() {
        return Ok(vec![s.to_string()]);
    }
    let items: Vec<PyObjectRef> = if let Some(l) = obj.downcast_ref::<PyList>() {
        l.borrow_vec().to_vec()
    } else if let Some(t) = obj.downcast_ref::<PyTuple>() {
        t.as_slice().to_vec()
    } else {
        return Err(vm.new_type_error(format!(
            "{what} must be None, a str, a list or a tuple, not {}",
            obj.class().name()
        )));
    };
    items
        .iter()
        .map(|i| Ok(fspath(i, vm)?.to_string_lossy().into_owned()))
        .collect()
}

fn sync_error(vm: &VirtualMachine, e: SyncError) -> rustpython_vm::builtins::PyBaseExceptionRef {
    match e {
        SyncError::Missing(_)
        | SyncError::BadDst { .. }
        | SyncError::BadKeep { .. }
        | SyncError::BadName { .. }
        | SyncError::Ignore { .. } => vm.new_value_error(e.to_string()),
        SyncError::Io { .. } => vm.new_os_error(e.to_string()),
        SyncError::Prepare(_) => vm.new_runtime_error(e.to_string()),
    }
}

fn internal(vm: &VirtualMachine, what: &str) -> rustpython_vm::builtins::PyBaseExceptionRef {
    errors::new::<InternalError>(vm, format!("sync: {what}"))
}
