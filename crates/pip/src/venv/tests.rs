use std::path::Path;
use std::process::Command;

use super::*;

fn options(belay_run: &Path) -> VenvOptions {
    VenvOptions {
        belay_run: belay_run.to_path_buf(),
        python: (3, 14, 0),
        prompt: None,
        clear: false,
    }
}

/// A stand-in for belay-run that says what it was run with.
fn fake_belay_run(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("fake belay-run");
    write(
        &path,
        "#!/bin/sh\necho \"VIRTUAL_ENV=$VIRTUAL_ENV\"\necho \"ARGS=$*\"\n",
        true,
    )
    .unwrap();
    path
}

fn sh(script: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn creates_cfg_site_packages_and_a_python_that_runs_belay_run_in_the_env() {
    let tmp = tempfile::tempdir().unwrap();
    let belay_run = fake_belay_run(tmp.path());
    let dir = tmp.path().join("my env");
    let site = create(&dir, &options(&belay_run)).unwrap();
    assert_eq!(site, dir.join("lib/python3.14/site-packages"));
    assert!(site.is_dir());
    assert_eq!(site_packages(&dir), Some(site));
    let cfg = std::fs::read_to_string(dir.join("pyvenv.cfg")).unwrap();
    let b = belay_run.display();
    assert_eq!(
        cfg,
        format!(
            "home = {}\ninclude-system-site-packages = false\nversion = 3.14.0\nexecutable = {b}\n\
             command = {b} venv {}\nprompt = my env\n",
            tmp.path().display(),
            dir.display()
        )
    );
    #[cfg(unix)]
    for name in ["python", "python3", "python3.14"] {
        let out = Command::new(dir.join("bin").join(name))
            .args(["-m", "x y"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("VIRTUAL_ENV={}\nARGS=-m x y\n", dir.display())
        );
    }
}

#[test]
fn activate_and_deactivate_in_sh() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("it's");
    create(&dir, &options(&fake_belay_run(tmp.path()))).unwrap();
    let out = sh(&format!(
        "PATH=/usr/bin:/bin; PS1='$ '; . {}; echo \"$VIRTUAL_ENV|$PATH|$PS1\"; python; \
         deactivate; echo \"[${{VIRTUAL_ENV:-}}]|$PATH|$PS1\"; type deactivate >/dev/null 2>&1 || echo gone",
        activate::sh_quote(&dir.join("bin/activate").to_string_lossy())
    ));
    let d = dir.display();
    assert_eq!(
        out,
        format!(
            "{d}|{d}/bin:/usr/bin:/bin|(it's) $ \nVIRTUAL_ENV={d}\nARGS=\n[]|/usr/bin:/bin|$ \ngone\n"
        )
    );
}

#[test]
fn windows_layout_and_prompt_and_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    let mut opts = options(Path::new("C:/belay/belay-run.exe"));
    opts.prompt = Some("proj".into());
    let site = create_for(&dir, &opts, true).unwrap();
    assert_eq!(site, dir.join("Lib/site-packages"));
    for name in [
        "python.cmd",
        "activate.bat",
        "deactivate.bat",
        "Activate.ps1",
    ] {
        assert!(dir.join("Scripts").join(name).is_file(), "{name}");
    }
    let bat = std::fs::read_to_string(dir.join("Scripts/activate.bat")).unwrap();
    assert!(bat.contains("set \"PROMPT=(proj) %PROMPT%\"\r\n"), "{bat}");
    let cmd = std::fs::read_to_string(dir.join("Scripts/python.cmd")).unwrap();
    assert!(cmd.contains("\"C:/belay/belay-run.exe\" %*"), "{cmd}");
    assert_eq!(site_packages(&dir), Some(site));
    let cfg = std::fs::read_to_string(dir.join("pyvenv.cfg")).unwrap();
    assert!(
        cfg.contains("prompt = proj\n") && cfg.contains("venv --prompt 'proj' "),
        "{cfg}"
    );
    // --clear empties an environment, and refuses a folder that is not one.
    std::fs::write(dir.join("Lib/site-packages/old.py"), "").unwrap();
    opts.clear = true;
    create_for(&dir, &opts, true).unwrap();
    assert!(!dir.join("Lib/site-packages/old.py").exists());
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("precious.txt"), "").unwrap();
    assert!(create_for(&other, &opts, false).is_err());
    assert!(other.join("precious.txt").is_file());
    assert_eq!(site_packages(&other), None);
}

#[test]
fn fish_and_powershell_quote_the_path() {
    let fish = activate::activate_fish("/a'b", "p");
    assert!(fish.contains("set -gx VIRTUAL_ENV '/a\\'b'\n"), "{fish}");
    let ps = activate::activate_ps1("C:\\a'b", "p");
    assert!(ps.contains("$env:VIRTUAL_ENV = 'C:\\a''b'\n"), "{ps}");
}
