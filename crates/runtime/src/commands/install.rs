//! `belay-run install [PORT]`: Belay's install. The dependency groups go to the board's `/lib`
//! (everything else there is removed, as Belay does), the project package to `/<name>`,
//! `--main` to `/main.py`; then `--run` runs a script, or the board is soft-reset (and, with
//! `--follow`, shown in a terminal). `--root` moves all of it under a board folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use belay_packages::{GroupSelection, Project, Settings};
use belay_pymodule::sync::{Keep, SyncRequest};
use belay_transport::sync_plan::DEFAULT_IGNORE;
use belay_transport::{Passthrough, TransportError};
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use super::packages::{failed, print_event, project};
use super::sync::{connect, sync_with_bar};
use super::terminal::open_passthrough;
use super::{port_or_default, terminal};
use crate::cli::{Cli, InstallArgs, PortArgs};
use crate::interp::run_main;

/// What was sent where, prepared before the board is opened (so that a project error never
/// leaves a half-installed board).
struct Plan {
    /// Kept alive until the syncs are done.
    staging: belay_packages::Staging,
    package: Option<(PathBuf, String)>,
    ignore: Vec<String>,
    main: Option<tempfile::TempDir>,
    run: Option<String>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(belay_run::install))]
struct InstallError(String);

pub fn install(args: &InstallArgs, cli: &Cli) -> ExitCode {
    let port = match port_or_default(args.port.as_deref(), cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let root = args.root.trim_end_matches('/').to_string();
    let under = |path: &str| format!("{root}/{path}");
    let mpy_cross = args.mpy_cross_binary.clone();
    let argv = vec!["belay-run install".to_string()];
    let code = run_main(crate::pyenv::command_settings(argv), |vm| {
        let device = connect(vm, &port, args.password.as_deref())?;
        send(
            &device,
            plan.staging.path(),
            &under("lib"),
            Keep::These(Vec::new()),
            DEFAULT_IGNORE.map(String::from).to_vec(),
            mpy_cross.clone(),
            vm,
        )?;
        if let Some((folder, name)) = &plan.package {
            send(
                &device,
                folder,
                &under(name),
                Keep::Default,
                plan.ignore.clone(),
                mpy_cross.clone(),
                vm,
            )?;
        }
        if let Some(main) = &plan.main {
            // Source, never .mpy: MicroPython runs /main.py at boot, not /main.mpy.
            let dst = if root.is_empty() {
                "/".to_string()
            } else {
                root.clone()
            };
            send(
                &device,
                &main.path().join("main.py"),
                &dst,
                Keep::Default,
                Vec::new(),
                None,
                vm,
            )?;
        }
        if let Some(script) = &plan.run {
            vm.call_method(&device, "__call__", (script.clone(),))?;
        }
        vm.call_method(&device, "close", ())?;
        Ok(())
    });
    if code != ExitCode::SUCCESS || plan.run.is_some() {
        return code;
    }
    if let Err(e) = soft_reset(&port, args.password.as_deref(), cli.connect_timeout) {
        eprintln!(
            "{:?}",
            miette::Report::new(InstallError(format!("soft reset of {port}: {e}")))
        );
        return ExitCode::FAILURE;
    }
    if args.follow {
        let port_args = PortArgs {
            port: Some(port),
            password: args.password.clone(),
            board: Default::default(),
        };
        return terminal(&port_args, cli);
    }
    ExitCode::SUCCESS
}

/// Everything read from the project and the files named, before the board is opened.
fn plan(args: &InstallArgs) -> Result<Plan, ExitCode> {
    let refuse = |text: &str| {
        eprintln!("{:?}", miette::Report::new(InstallError(text.to_string())));
        ExitCode::FAILURE
    };
    let python_file = |path: &Option<PathBuf>, what: &str| -> Result<(), ExitCode> {
        match path {
            Some(p) if p.extension().is_none_or(|e| e != "py") => Err(refuse(&format!(
                "{what} script MUST be a python file: {}",
                p.display()
            ))),
            _ => Ok(()),
        }
    };
    python_file(&args.run, "Run")?;
    python_file(&args.main, "Main")?;
    if !args.root.starts_with('/') {
        return Err(refuse(&format!(
            "--root must be a board path starting with /: {}",
            args.root
        )));
    }
    let project: Project = project().map_err(failed)?;
    let settings = Settings::from_env();
    let selection = GroupSelection::Install {
        with: args.with.clone(),
    };
    let staging = belay_packages::stage_install(&project, &settings, &selection, &print_event)
        .map_err(failed)?;
    let package = project
        .package_folder()
        .map_err(failed)?
        .zip(project.config.name.clone());
    let main = match &args.main {
        Some(path) => Some(copy_as_main(path).map_err(|e| refuse(&e))?),
        None => None,
    };
    let run = match &args.run {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| refuse(&format!("cannot read {}: {e}", path.display())))?,
        ),
        None => None,
    };
    Ok(Plan {
        staging,
        package,
        ignore: project.config.ignore_patterns(),
        main,
        run,
    })
}

/// `--main FILE` as `main.py` in a temporary folder (the board's name for it).
fn copy_as_main(path: &Path) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::copy(path, dir.path().join("main.py"))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(dir)
}

/// One `device.sync` of install's, with the progress bar.
fn send(
    device: &PyObjectRef,
    folder: &Path,
    dst: &str,
    keep: Keep,
    ignore: Vec<String>,
    mpy_cross: Option<PathBuf>,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let request = SyncRequest {
        folder: folder.to_path_buf(),
        dst: dst.to_string(),
        keep,
        ignore,
        minify: true,
        mpy_cross,
        dry_run: false,
    };
    sync_with_bar(device, &request, vm)
}

/// Belay's soft reset after an install: leave the raw REPL, wait for the prompt, Ctrl-D, so the
/// board reboots and runs its `main.py`.
fn soft_reset(
    port: &str,
    password: Option<&str>,
    connect_timeout: Option<f64>,
) -> Result<(), TransportError> {
    let mut board = open_passthrough(port, password, connect_timeout)?;
    let sender = board.sender();
    sender.send(b"\r\x02")?;
    wait_for(&mut board, b">>> ", Duration::from_secs(3))?;
    sender.send(b"\x04")?;
    // The reboot's first words: the board took the Ctrl-D (a board that exits, as the unix
    // port does, may also just close the port).
    wait_for(&mut board, b"soft reboot", Duration::from_secs(3))
}

/// Read until `text` arrives or `limit` passes (then carry on: the board may say it otherwise).
fn wait_for(board: &mut Passthrough, text: &[u8], limit: Duration) -> Result<(), TransportError> {
    let until = Instant::now() + limit;
    let mut seen = Vec::new();
    while Instant::now() < until {
        match board.recv(Duration::from_millis(100)) {
            Ok(Some(bytes)) => {
                seen.extend_from_slice(&bytes);
                if seen.windows(text.len()).any(|w| w == text) {
                    return Ok(());
                }
            }
            Ok(None) => {}
            Err(TransportError::ConnectionLost(_)) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
