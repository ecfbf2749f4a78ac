//! `belay-run sync [PORT] FOLDER`: `device.sync` with a progress bar (files and bytes) on a
//! terminal, a one-line summary and a `- /path` line per board file or folder deleted; with
//! `--dry-run` nothing changes on the board and the summary lists what would.

use std::process::ExitCode;

use belay_pymodule::sync::{Keep, SyncOutcome, SyncRequest};
use belay_pymodule::sync_device;
use belay_transport::sync_plan::DEFAULT_IGNORE;
use rustpython_vm::function::{FuncArgs, KwArgs};
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use super::bar::Bar;
use super::split_port;
use crate::cli::{Cli, SyncArgs};
use crate::interp::run_main;

pub fn sync(args: &SyncArgs, cli: &Cli) -> ExitCode {
    let (port, folder) = match split_port(&args.args, cli) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let request = SyncRequest {
        folder: folder.into(),
        dst: args.dst.clone(),
        keep: match (&args.keep, args.empty_keep) {
            (_, true) => Keep::These(Vec::new()),
            (Some(keep), false) => Keep::These(keep.clone()),
            (None, false) => Keep::Default,
        },
        ignore: match (&args.ignore, args.empty_ignore) {
            (_, true) => Vec::new(),
            (Some(ignore), false) => ignore.clone(),
            (None, false) => DEFAULT_IGNORE.map(String::from).to_vec(),
        },
        minify: true,
        mpy_cross: args.mpy_cross_binary.clone(),
        dry_run: args.dry_run,
    };
    let argv = vec!["belay-run sync".to_string()];
    run_main(crate::pyenv::command_settings(argv), |vm| {
        let device = connect(vm, &port, args.password.as_deref())?;
        let result = sync_with_bar(&device, &request, vm);
        vm.call_method(&device, "close", ())?;
        result
    })
}

/// One `device.sync` with the progress bar and the summary (`sync`, and each of `install`'s).
pub(super) fn sync_with_bar(
    device: &PyObjectRef,
    request: &SyncRequest,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let bar = Bar::new();
    let result = sync_device(
        device,
        request,
        &|p| {
            bar.update(p);
            Ok(())
        },
        vm,
    );
    bar.finish();
    print!("{}", summary(&result?, request));
    Ok(())
}

/// `Complete: 2 files (37 B) sent to /dst.`, then a `- /path` line per deletion; in a dry run
/// what would be sent (`+ /path`) and deleted, and that nothing was changed.
fn summary(outcome: &SyncOutcome, request: &SyncRequest) -> String {
    let files = outcome.sent.len();
    let bytes: u64 = outcome.sent.iter().map(|(_, size)| size).sum();
    let plural = if files == 1 { "" } else { "s" };
    let size = indicatif::BinaryBytes(bytes);
    let mut text = if request.dry_run {
        let deletions = outcome.deleted.len();
        let s = if deletions == 1 { "" } else { "s" };
        format!(
            "Dry run, nothing changed: {files} file{plural} ({size}) would be sent to {} and \
             {deletions} file{s} or folder{s} deleted.\n",
            request.dst
        )
    } else {
        format!(
            "Complete: {files} file{plural} ({size}) sent to {}.\n",
            request.dst
        )
    };
    if request.dry_run {
        let mut sent: Vec<&str> = outcome.sent.iter().map(|(p, _)| p.as_str()).collect();
        sent.sort_unstable();
        for path in sent {
            text.push_str(&format!("+ {path}\n"));
        }
    }
    for path in &outcome.deleted {
        text.push_str(&format!("- {path}\n"));
    }
    text
}

pub(super) fn connect(
    vm: &VirtualMachine,
    port: &str,
    password: Option<&str>,
) -> PyResult<rustpython_vm::PyObjectRef> {
    let class = vm.import("belay", 0)?.get_attr("Device", vm)?;
    let mut kwargs = KwArgs::default();
    if let Some(p) = password {
        kwargs = [("password".to_string(), vm.ctx.new_str(p).into())]
            .into_iter()
            .collect();
    }
    class.call(FuncArgs::new(vec![vm.ctx.new_str(port).into()], kwargs), vm)
}
