//! belay-run's own commands besides running a script.

use std::process::ExitCode;

use crate::cli::LatencyArgs;
use crate::interp::run_builtin;

/// `belay-run latency`.
pub fn latency(args: &LatencyArgs) -> ExitCode {
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let argv = vec![
        "belay-run latency".to_string(),
        args.port.clone(),
        args.count.to_string(),
        flag(args.verbose),
        args.output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        flag(!args.without_timing),
    ];
    run_builtin("latency", include_str!("latency.py"), argv)
}
