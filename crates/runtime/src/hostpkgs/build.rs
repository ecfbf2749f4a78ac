//! PEP 517 hooks run by belay-run itself (`belay_pip::build::Hooks`): a child `belay-run -I -c`
//! in the source tree, so the backend builds with the interpreter the wheel is for, isolated from
//! the user's environment (no `VIRTUAL_ENV`, no `PYTHONPATH`, no user site).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use belay_pip::build::{HookCall, Hooks};

/// The lines of a failed backend's output shown in the error.
const SHOWN_LINES: usize = 30;

pub struct ChildHooks;

impl Hooks for ChildHooks {
    fn run(&self, call: &HookCall<'_>) -> belay_pip::Result<serde_json::Value> {
        let result = call.out.with_extension("hook.json");
        let _ = std::fs::remove_file(&result);
        let output = Command::new(super::belay_run_exe())
            .arg("-I")
            .arg("-c")
            .arg(include_str!("build_hook.py"))
            .arg(call.backend)
            .arg(call.hook.name())
            .arg(call.out)
            .arg(&result)
            .args(call.sys_path)
            .current_dir(call.source)
            .env_remove("VIRTUAL_ENV")
            .env_remove("PYTHONPATH")
            .env_remove("PYTHONHOME")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| belay_pip::Error::io("cannot run", super::belay_run_exe(), e))?;
        let failed = |message: String| belay_pip::Error::Build {
            sdist: call
                .source
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            message,
            output: tail(&output.stdout, &output.stderr),
        };
        if !output.status.success() {
            return Err(failed(format!(
                "the backend {}'s {}() failed ({})",
                call.backend,
                call.hook.name(),
                output.status
            )));
        }
        let text = std::fs::read_to_string(&result)
            .map_err(|e| failed(format!("{}() left no result: {e}", call.hook.name())))?;
        serde_json::from_str(&text).map_err(|e| {
            failed(format!(
                "{}() returned no JSON value: {e}",
                call.hook.name()
            ))
        })
    }

    fn python(&self) -> PathBuf {
        super::belay_run_exe()
    }
}

/// The last lines of the backend's output, each indented, after a newline (empty if none).
fn tail(stdout: &[u8], stderr: &[u8]) -> String {
    let text = [
        String::from_utf8_lossy(stdout),
        String::from_utf8_lossy(stderr),
    ]
    .concat();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let shown = &lines[lines.len().saturating_sub(SHOWN_LINES)..];
    shown.iter().map(|line| format!("\n    {line}")).collect()
}
