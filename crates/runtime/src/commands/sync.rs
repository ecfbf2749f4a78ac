//! `belay-run sync [PORT] FOLDER`: `device.sync` with a progress bar (files and bytes) on a
//! terminal, and a one-line summary.

use std::process::ExitCode;

use belay_pymodule::sync::{Keep, SyncRequest};
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
    };
    let argv = vec!["belay-run sync".to_string()];
    run_main(crate::pyenv::command_settings(argv), |vm| {
        let device = connect(vm, &port, args.password.as_deref())?;
        let result = sync_with_bar(&device, &request, vm);
        vm.call_method(&device, "close", ())?;
        result
    })
}

/// One `device.sync` with the progress bar and the summary line (`sync`, and each of `install`'s).
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
    let counts = bar.finish();
    if result.is_ok() {
        println!(
            "Complete: {} file{} ({}) sent to {}.",
            counts.done,
            if counts.done == 1 { "" } else { "s" },
            indicatif::BinaryBytes(counts.bytes),
            request.dst
        );
    }
    result
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
