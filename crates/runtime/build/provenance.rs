//! Provenance for `belay-run --version`: the git commit the binary was built from and the build
//! date (`SOURCE_DATE_EPOCH` when set, for reproducible builds). Outside a git checkout the
//! commit is `unknown`.

use std::process::Command;

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

pub fn emit() {
    let commit = output("git", &["rev-parse", "--short=12", "HEAD"]);
    let date = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => output("date", &["-u", "-d", &format!("@{epoch}"), "+%Y-%m-%d"]),
        Err(_) => output("date", &["-u", "+%Y-%m-%d"]),
    };
    println!(
        "cargo:rustc-env=BELAY_RUN_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
    println!(
        "cargo:rustc-env=BELAY_RUN_BUILD_DATE={}",
        date.as_deref().unwrap_or("unknown")
    );
    // Built again when HEAD moves (a commit, a checkout).
    if let Some(git_dir) = output("git", &["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
        if let Some(branch) = output("git", &["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={git_dir}/{branch}");
        }
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
}
