//! `belay-run sync` says what it deleted on the board, and `--dry-run` changes nothing while
//! listing what a sync would send and delete.

use std::time::Duration;

use crate::support::{Board, Kind, Run, belay_run, run_with_limit};

fn command(args: &[&str]) -> Run {
    let mut cmd = belay_run();
    cmd.args(args);
    run_with_limit(cmd, Duration::from_secs(60))
}

/// The board's files below `/app`, sorted (folders end in `/`), and `main.py`'s text.
fn board_state(port: &str) -> String {
    let listing = "def _t(d):\n r = []\n for e in os.ilistdir(d):\n  p = d + '/' + e[0]\n  \
                   r.append(p + '/' if e[1] & 0x4000 else p)\n  if e[1] & 0x4000:\n   \
                   r += _t(p)\n return sorted(r)\nprint(_t('/app'), repr(open('/app/main.py').read()))";
    let run = command(&["exec", port, listing]);
    run.assert_ok();
    run.stdout
}

#[test]
fn sync_lists_deletions_and_dry_run_changes_nothing() {
    let board = Board::start(Kind::Wasm);
    let src = std::env::temp_dir().join(format!("belay-sync-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(src.join("pkg")).unwrap();
    std::fs::write(src.join("main.py"), "print('one')\n").unwrap();
    std::fs::write(src.join("pkg/data.txt"), "data\n").unwrap();
    let folder = src.to_string_lossy().into_owned();
    let port = board.port.as_str();
    let sync = |extra: &[&str]| {
        let mut args = vec!["sync", port, folder.as_str(), "--dst", "/app"];
        args.extend_from_slice(extra);
        command(&args)
    };
    let run = sync(&[]);
    run.assert_ok();
    assert_eq!(run.stdout, "Complete: 2 files (18 B) sent to /app.\n");

    // Board-only files and folders, one of them kept; a changed local file.
    let make = "os.mkdir('/app/old dir'); os.mkdir('/app/old dir/sub'); \
                [open(p, 'w').write('x') for p in ('/app/old.txt', '/app/keep.txt', \
                '/app/old dir/x.txt', \"/app/old dir/sub/it's.txt\")]";
    command(&["exec", port, make]).assert_ok();
    std::fs::write(src.join("main.py"), "print('two!')\n").unwrap();
    let before = board_state(port);
    assert!(before.contains("/app/old dir/sub/"), "{before}");

    let run = sync(&["--keep", "keep.txt", "--dry-run"]);
    run.assert_ok();
    assert_eq!(
        run.stdout,
        "Dry run, nothing changed: 1 file (14 B) would be sent to /app and 5 files or folders \
         deleted.\n\
         + /app/main.py\n\
         - /app/old dir\n\
         - /app/old dir/sub\n\
         - /app/old dir/sub/it's.txt\n\
         - /app/old dir/x.txt\n\
         - /app/old.txt\n"
    );
    assert_eq!(board_state(port), before, "the dry run changed the board");

    let run = sync(&["--keep", "keep.txt"]);
    run.assert_ok();
    assert_eq!(
        run.stdout,
        "Complete: 1 file (14 B) sent to /app.\n\
         - /app/old dir\n\
         - /app/old dir/sub\n\
         - /app/old dir/sub/it's.txt\n\
         - /app/old dir/x.txt\n\
         - /app/old.txt\n"
    );
    assert_eq!(
        board_state(port),
        "['/app/keep.txt', '/app/main.py', '/app/pkg/', '/app/pkg/data.txt'] \"print('two!')\\n\"\n"
    );

    // Nothing left to do: nothing sent, nothing deleted, and a dry run says so too.
    let run = sync(&["--keep", "keep.txt"]);
    run.assert_ok();
    assert_eq!(run.stdout, "Complete: 0 files (0 B) sent to /app.\n");
    let run = sync(&["--keep", "keep.txt", "--dry-run"]);
    run.assert_ok();
    assert_eq!(
        run.stdout,
        "Dry run, nothing changed: 0 files (0 B) would be sent to /app and 0 files or folders \
         deleted.\n"
    );
    let _ = std::fs::remove_dir_all(&src);
}
