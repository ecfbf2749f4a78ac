//! `belay-run fs`: each command against a board folder, checked with what the board itself
//! reports (`belay-run exec`). The unix board's files are the host's, so its board folder is
//! always inside a scratch folder this test made; the webassembly board has its own filesystem.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{Board, Kind, Run, belay_run, run_with_limit};

/// A fresh host folder for one test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("belay-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// The board folder of the test: inside the scratch folder on the unix board (not made yet).
    fn board_root(&self, kind: Kind, name: &str) -> String {
        match kind {
            Kind::Unix => self.0.join("board").to_string_lossy().into_owned(),
            Kind::Wasm => format!("/fs-{name}"),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fs(board: &Board, args: &[&str]) -> Run {
    let mut cmd = belay_run();
    cmd.arg("fs").arg(&board.port).args(args);
    run_with_limit(cmd, Duration::from_secs(60))
}

fn fs_ok(board: &Board, args: &[&str]) -> String {
    let run = fs(board, args);
    run.assert_ok();
    run.stdout
}

/// A failing command: exit status 1 and `message` on stderr.
fn fs_fails(board: &Board, args: &[&str], message: &str) {
    let run = fs(board, args);
    assert_eq!(run.code(), Some(1), "{args:?}: {run:?}");
    assert!(
        run.stderr.contains(message),
        "{args:?}: expected {message:?} in stderr:\n{}",
        run.stderr
    );
}

/// The board's own answer to `expr`, as `belay-run exec` prints it.
fn board_says(board: &Board, expr: &str) -> String {
    let mut cmd = belay_run();
    cmd.args(["exec", &board.port, expr]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    run.stdout.trim_end().to_string()
}

/// Bytes that are not text, several read/write chunks long.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn host_sha256(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

fn commands_on_a_folder(kind: Kind) {
    let scratch = Scratch::new(&format!("cmds-{}", kind.name()));
    let board = Board::start(kind);
    let root = scratch.board_root(kind, "cmds");
    let at = |rel: &str| format!(":{root}/{rel}");
    let data = scratch.0.join("data.bin");
    std::fs::write(&data, binary(10_000)).unwrap();
    let text = scratch.0.join("notes.txt");
    std::fs::write(&text, "first line\nsecond line\n").unwrap();

    fs_ok(&board, &["mkdir", &format!(":{root}")]);
    fs_ok(&board, &["mkdir", &at("lib"), &at("lib/deep")]);
    fs_ok(&board, &["touch", &at("empty.txt")]);
    let out = fs_ok(&board, &["cp", data.to_str().unwrap(), &at("data.bin")]);
    assert_eq!(
        out,
        format!("Complete: 1 file (9.77 KiB) copied to :{root}/data.bin.\n")
    );
    fs_ok(&board, &["cp", text.to_str().unwrap(), &at("lib/")]);

    // ls against the board's own listing.
    assert_eq!(
        board_says(&board, &format!("sorted(os.listdir({root:?}))")),
        "['data.bin', 'empty.txt', 'lib']"
    );
    assert_eq!(fs_ok(&board, &["ls", &root]), "data.bin\nempty.txt\nlib/\n");
    assert_eq!(
        fs_ok(&board, &["ls", "-l", &format!(":{root}")]),
        "-      10000  data.bin\n-          0  empty.txt\nd          0  lib/\n"
    );
    assert_eq!(
        fs_ok(&board, &["ls", "-r", &root]),
        "data.bin\nempty.txt\nlib/\nlib/deep/\nlib/notes.txt\n"
    );
    assert_eq!(
        board_says(
            &board,
            &format!("os.stat({:?})[6]", format!("{root}/data.bin"))
        ),
        "10000"
    );
    assert_eq!(
        fs_ok(&board, &["tree", &root]),
        format!(
            ":{root}\n├── data.bin\n├── empty.txt\n└── lib\n    ├── deep\n    └── notes.txt\n\n2 directories, 3 files\n"
        )
    );

    // cat and sha256sum against the host's copy.
    assert_eq!(
        fs_ok(&board, &["cat", &at("lib/notes.txt")]),
        "first line\nsecond line\n"
    );
    assert_eq!(
        fs_ok(
            &board,
            &["sha256sum", &at("data.bin"), &at("lib/notes.txt")]
        ),
        format!(
            "{}  {}\n{}  {}\n",
            host_sha256(&data),
            at("data.bin"),
            host_sha256(&text),
            at("lib/notes.txt")
        )
    );

    // df against os.statvfs.
    let df = fs_ok(&board, &["df", &root]);
    let v = board_says(&board, &format!("os.statvfs({root:?})"));
    let v: Vec<u64> = v
        .trim_matches(|c| c == '(' || c == ')')
        .split(", ")
        .map(|n| n.parse().unwrap())
        .collect();
    let size = v[1] * v[2];
    let line = df.lines().nth(1).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cells[0], size.to_string(), "{df}");
    assert_eq!(cells[4], format!(":{root}"), "{df}");

    // Errors.
    fs_fails(
        &board,
        &["ls", &at("nope")],
        &format!("fs: ls: :{root}/nope: no such file or directory"),
    );
    fs_fails(
        &board,
        &["cat", &at("lib")],
        &format!("fs: cat: :{root}/lib: is a directory"),
    );
    fs_fails(
        &board,
        &["rmdir", &at("lib")],
        &format!("fs: rmdir: :{root}/lib: directory not empty"),
    );
    fs_fails(
        &board,
        &["rmdir", &at("empty.txt")],
        &format!("fs: rmdir: :{root}/empty.txt: not a directory"),
    );
    fs_fails(
        &board,
        &["rm", &at("lib")],
        &format!("fs: rm: :{root}/lib: is a directory (use -r)"),
    );
    fs_fails(
        &board,
        &["mkdir", &at("lib")],
        &format!("fs: mkdir: :{root}/lib: file exists"),
    );
    fs_fails(
        &board,
        &["cp", &at("lib"), scratch.0.to_str().unwrap()],
        &format!("fs: cp: :{root}/lib: is a directory (use -r)"),
    );

    // rm, rmdir, rm -r.
    fs_ok(&board, &["rm", &at("empty.txt")]);
    fs_ok(&board, &["rmdir", &at("lib/deep")]);
    assert_eq!(fs_ok(&board, &["ls", &root]), "data.bin\nlib/\n");
    fs_ok(&board, &["rm", "-r", &at("lib")]);
    assert_eq!(
        board_says(&board, &format!("os.listdir({root:?})")),
        "['data.bin']"
    );
}

#[test]
fn commands_on_a_folder_unix() {
    commands_on_a_folder(Kind::Unix);
}

#[test]
fn commands_on_a_folder_wasm() {
    commands_on_a_folder(Kind::Wasm);
}

/// Every file under `dir`, relative, with its bytes.
fn tree_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.push((rel + "/", Vec::new()));
                todo.push(path);
            } else {
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn copies_both_ways(kind: Kind) {
    let scratch = Scratch::new(&format!("cp-{}", kind.name()));
    let board = Board::start(kind);
    let root = scratch.board_root(kind, "cp");
    let src = scratch.0.join("src");
    std::fs::create_dir_all(src.join("sub/deeper")).unwrap();
    std::fs::create_dir_all(src.join("empty")).unwrap();
    std::fs::write(src.join("a.txt"), "alpha\n").unwrap();
    std::fs::write(src.join("sub/b.bin"), binary(20_000)).unwrap();
    std::fs::write(src.join("sub/deeper/c.txt"), "").unwrap();
    let src_arg = src.to_str().unwrap();

    // To the board, into a folder that exists: the copy is ROOT/src, as with cp.
    fs_ok(&board, &["mkdir", &format!(":{root}")]);
    let to_board = ["cp", "-r", src_arg, &format!(":{root}")];
    let out = fs_ok(&board, &to_board);
    assert_eq!(
        out,
        format!("Complete: 3 files (19.54 KiB) copied to :{root}.\n")
    );
    assert_eq!(
        board_says(
            &board,
            &format!(
                "sorted(os.listdir({:?})), sorted(os.listdir({:?})), os.stat({:?})[6]",
                format!("{root}/src"),
                format!("{root}/src/sub"),
                format!("{root}/src/sub/b.bin")
            )
        ),
        "(['a.txt', 'empty', 'sub'], ['b.bin', 'deeper'], 20000)"
    );
    // Again: nothing changed, nothing sent.
    assert_eq!(
        fs_ok(&board, &to_board),
        format!(
            "Complete: 0 files (0 B) copied to :{root}; 3 files unchanged (same SHA-256), skipped.\n"
        )
    );
    // One file changed, at the same size: only it goes.
    std::fs::write(src.join("a.txt"), "ALPHA\n").unwrap();
    assert_eq!(
        fs_ok(&board, &to_board),
        format!(
            "Complete: 1 file (6 B) copied to :{root}; 2 files unchanged (same SHA-256), skipped.\n"
        )
    );

    // Back to the host, to a folder that does not exist yet: the copy becomes it.
    let back = scratch.0.join("back");
    let board_src = format!(":{root}/src");
    let to_host = ["cp", "-r", &board_src, back.to_str().unwrap()];
    assert_eq!(
        fs_ok(&board, &to_host),
        format!(
            "Complete: 3 files (19.54 KiB) copied to {}.\n",
            back.display()
        )
    );
    assert_eq!(tree_of(&back), tree_of(&src));
    // Again, now into that folder (back/src), then once more: nothing to send.
    fs_ok(&board, &to_host);
    assert_eq!(tree_of(&back.join("src")), tree_of(&src));
    let out = fs_ok(&board, &to_host);
    assert!(
        out.starts_with("Complete: 0 files (0 B)")
            && out.ends_with("3 files unchanged (same SHA-256), skipped.\n"),
        "{out}"
    );
    // One file to a host file name.
    let one = scratch.0.join("one.bin");
    let one_arg = one.to_str().unwrap();
    fs_ok(&board, &["cp", &format!(":{root}/src/sub/b.bin"), one_arg]);
    assert_eq!(std::fs::read(&one).unwrap(), binary(20_000));

    // Errors: a missing source, both sides on the host, a file where a folder must be.
    fs_fails(
        &board,
        &["cp", &format!(":{root}/nope"), one_arg],
        &format!("fs: cp: :{root}/nope: no such file or directory"),
    );
    fs_fails(
        &board,
        &["cp", src_arg, one_arg],
        "fs: cp: copies go between",
    );
    fs_fails(
        &board,
        &["cp", one_arg, &format!(":{root}/src/a.txt/")],
        &format!("fs: cp: :{root}/src/a.txt: not a directory"),
    );
}

#[test]
fn copies_both_ways_unix() {
    copies_both_ways(Kind::Unix);
}

#[test]
fn copies_both_ways_wasm() {
    copies_both_ways(Kind::Wasm);
}

/// A full filesystem: the unix board writes through a link in the scratch folder to /dev/full
/// (ENOSPC on every write); the partial file (the link) is removed.
#[test]
fn a_full_filesystem_is_reported() {
    let scratch = Scratch::new("full");
    let board = Board::start(Kind::Unix);
    let full = scratch.0.join("full");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let data = scratch.0.join("data.bin");
    std::fs::write(&data, binary(100)).unwrap();
    fs_fails(
        &board,
        &[
            "cp",
            data.to_str().unwrap(),
            &format!(":{}", full.display()),
        ],
        &format!("fs: cp: :{}: no space left on device", full.display()),
    );
    assert!(std::fs::symlink_metadata(&full).is_err());
}

/// CircuitPython has no os.ilistdir: listings go through os.listdir and os.stat.
#[test]
fn listing_without_ilistdir() {
    let scratch = Scratch::new("cp-listdir");
    let board = Board::start_with(Kind::Unix, &["--circuitpython"]);
    let root = scratch.0.join("board");
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::write(root.join("code.py"), "print(1)\n").unwrap();
    let root = root.to_str().unwrap();
    assert_eq!(board_says(&board, "hasattr(os, 'ilistdir')"), "False");
    assert_eq!(
        fs_ok(&board, &["ls", "-l", root]),
        "-          9  code.py\nd          0  lib/\n"
    );
    let back = scratch.0.join("back");
    fs_ok(
        &board,
        &["cp", "-r", &format!(":{root}"), back.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read_to_string(back.join("code.py")).unwrap(),
        "print(1)\n"
    );
}

/// Bytes no compression shrinks (a xorshift stream): the most a copy can cost on the wire and
/// on the board.
pub fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A small board (the unix port with a 64 KiB heap; `fs` opens it with `startup=""`): a file
/// larger than the whole heap goes both ways in bounded pieces, byte for byte, and its SHA-256 is
/// computed on the board without holding it.
#[test]
fn copies_a_file_larger_than_a_64k_heap_both_ways() {
    let scratch = Scratch::new("cp-64k");
    let board = Board::start_with(Kind::Unix, &["--heap", "64k"]);
    let data = noise(100 * 1024);
    let src = scratch.0.join("big.bin");
    std::fs::write(&src, &data).unwrap();
    let on_board = scratch.0.join("board.bin");
    let at = format!(":{}", on_board.display());
    assert_eq!(
        fs_ok(&board, &["cp", src.to_str().unwrap(), &at]),
        format!("Complete: 1 file (100.00 KiB) copied to {at}.\n")
    );
    assert!(std::fs::read(&on_board).unwrap() == data);
    assert_eq!(
        fs_ok(&board, &["sha256sum", &at]),
        format!("{}  {at}\n", host_sha256(&src))
    );
    let back = scratch.0.join("back.bin");
    fs_ok(&board, &["cp", &at, back.to_str().unwrap()]);
    assert!(std::fs::read(&back).unwrap() == data);
}
