use std::fs;

use super::*;

fn names(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|e| e.requirement.to_string()).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn arguments_are_pep508_urls_or_wheels() {
    let mut set = RequirementSet::default();
    set.add_arguments(&[
        "rich[jupyter]>=13".to_string(),
        "attrs==24.2.0 ; python_version >= '3.8'".to_string(),
        "https://files.example/packages/humanize-4.11.0-py3-none-any.whl#sha256=ab".to_string(),
        "./dist/tabulate-0.9.0-py3-none-any.whl".to_string(),
        "six-1.17.0-py2.py3-none-any.whl".to_string(),
        "click @ https://files.example/click-8.1.7-py3-none-any.whl".to_string(),
    ])
    .unwrap();
    assert_eq!(
        names(&set.requirements),
        [
            "rich[jupyter]>=13",
            "attrs==24.2.0 ; python_full_version >= '3.8'",
            "humanize @ https://files.example/packages/humanize-4.11.0-py3-none-any.whl#sha256=ab",
            "tabulate",
            "six",
            "click @ https://files.example/click-8.1.7-py3-none-any.whl",
        ]
    );
    assert_eq!(
        set.requirements[0].requirement.extras[0].as_ref(),
        "jupyter"
    );
    assert_eq!(set.local_wheels.len(), 2);
    assert_eq!(
        set.local_wheels[1],
        std::env::current_dir()
            .unwrap()
            .join("six-1.17.0-py2.py3-none-any.whl")
    );
    assert!(set.local_wheels[0].is_absolute());
    assert!(set.local_wheels[0].ends_with("dist/tabulate-0.9.0-py3-none-any.whl"));
    assert_eq!(set.requirements[0].origin, "command line");
    assert!(!set.require_hashes);
}

#[test]
fn bad_arguments_name_their_origin() {
    let mut set = RequirementSet::default();
    let error = set.add_arguments(&["rich>=>13".to_string()]).unwrap_err();
    assert!(error.to_string().starts_with("command line: "), "{error}");
    let error = set.add_arguments(&["-e .".to_string()]).unwrap_err();
    assert!(error.to_string().contains("editable"), "{error}");
}

#[test]
fn a_file_as_pip_reads_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    write(
        dir,
        "sub/more.txt",
        "# nested, relative to this file\nmdurl==0.1.2\n-c ../constraints.txt\n",
    );
    write(dir, "constraints.txt", "pygments<3  # a constraint\n");
    let hash_a = "a".repeat(64);
    let hash_b = "B".repeat(64);
    let main = write(
        dir,
        "requirements.txt",
        &format!(
            "# a comment\n\
             -i https://mirror.example/simple\n\
             --extra-index-url=https://extra.example/simple\n\
             -f ./wheels\n\
             --pre\n\
             \n\
             rich[jupyter] >= 13 ; \\\n    python_version >= '3.8' # trailing comment\n\
             attrs==24.2.0 \\\n    --hash=sha256:{hash_a} \\\n    --hash sha256:{hash_b}\n\
             -r sub/more.txt\n\
             url#fragment-is-not-a-comment @ https://x.example/a#b\n"
        ),
    );
    fs::create_dir(dir.join("wheels")).unwrap();
    // The line above is no requirement: check the error names its line.
    let mut set = RequirementSet::default();
    let error = set.add_file(&main).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:13: ", main.display())),
        "{error}"
    );
    let text = fs::read_to_string(&main).unwrap();
    let fixed = text.replace(
        "url#fragment-is-not-a-comment @ https://x.example/a#b\n",
        "",
    );
    fs::write(&main, fixed).unwrap();
    let mut set = RequirementSet::default();
    set.add_file(&main).unwrap();
    assert_eq!(
        names(&set.requirements),
        [
            "rich[jupyter]>=13 ; python_full_version >= '3.8'",
            "attrs==24.2.0",
            "mdurl==0.1.2"
        ]
    );
    assert_eq!(set.requirements[0].origin, format!("{}:7", main.display()));
    assert_eq!(set.requirements[1].hashes, [hash_a, hash_b.to_lowercase()]);
    assert!(set.require_hashes);
    assert_eq!(names(&set.constraints), ["pygments<3"]);
    assert_eq!(
        set.options.index_url.as_deref(),
        Some("https://mirror.example/simple")
    );
    assert_eq!(
        set.options.extra_index_urls,
        ["https://extra.example/simple"]
    );
    assert_eq!(
        set.options.find_links,
        [dir.join("./wheels").display().to_string()]
    );
    assert!(set.options.pre);
    assert!(!set.options.no_index);
}

#[test]
fn options_and_errors_in_files() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let file = write(dir, "r.txt", "--no-index\n--require-hashes\n-rother.txt\n");
    write(dir, "other.txt", "six\n");
    let mut set = RequirementSet::default();
    set.add_file(&file).unwrap();
    assert!(set.options.no_index && set.require_hashes);
    assert_eq!(names(&set.requirements), ["six"]);

    for (text, message) in [
        ("six --hash=md5:abc\n", "only sha256"),
        ("six --hash=sha256:abc\n", "not a sha256"),
        ("--frobnicate\n", "unknown option"),
        ("six --pre\n", "not an option of a requirement"),
        ("-r\n", "needs a value"),
        ("-e .\n", "editable"),
        ("-r missing.txt\n", "missing.txt"),
    ] {
        let file = write(dir, "bad.txt", &format!("six\n{text}"));
        let error = RequirementSet::default().add_file(&file).unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains(message), "{text:?}: {shown}");
        if !message.ends_with(".txt") {
            assert!(
                shown.starts_with(&format!("{}:2: ", file.display())),
                "{shown}"
            );
        }
    }
    let looping = write(dir, "loop.txt", "-r loop.txt\n");
    let error = RequirementSet::default().add_file(&looping).unwrap_err();
    assert!(error.to_string().contains("includes itself"), "{error}");
}

#[test]
fn constraint_files_hold_constraints_only() {
    let temp = tempfile::tempdir().unwrap();
    let file = write(temp.path(), "c.txt", "rich==13.9.4\n-r nested.txt\n");
    write(temp.path(), "nested.txt", "mdurl<1\n");
    let mut set = RequirementSet::default();
    set.add_constraints(&file).unwrap();
    assert!(set.requirements.is_empty());
    assert_eq!(names(&set.constraints), ["rich==13.9.4", "mdurl<1"]);
}

#[test]
fn variables_are_expanded() {
    let temp = tempfile::tempdir().unwrap();
    let file = write(
        temp.path(),
        "r.txt",
        "-i https://${USER_NAME}:${TOKEN}@mirror.example/simple\nsix==${VERSION}.0\nx${lower}y==1\n",
    );
    let vars = |name: &str| match name {
        "USER_NAME" => Some("me".to_string()),
        "TOKEN" => Some("s3cret".to_string()),
        "VERSION" => Some("1".to_string()),
        _ => None,
    };
    let mut set = RequirementSet::default();
    let error = Reader::new(&mut set, &vars).read(&file, false).unwrap_err();
    // `${lower}` is not a variable pip expands: left as it is, so line 3 is no requirement.
    assert!(error.to_string().contains("r.txt:3: "), "{error}");
    assert_eq!(
        set.options.index_url.as_deref(),
        Some("https://me:s3cret@mirror.example/simple")
    );
    assert_eq!(names(&set.requirements), ["six==1.0"]);
}

#[test]
fn pieces() {
    assert_eq!(strip_comment("a # b"), "a ");
    assert_eq!(strip_comment("# b"), "");
    assert_eq!(strip_comment("a#b"), "a#b");
    assert_eq!(split_options("a>=1 --hash=x"), ("a>=1", "--hash=x"));
    assert_eq!(split_options("a; b == 'x-y' -c"), ("a; b == 'x-y'", "-c"));
    assert_eq!(split_options("--pre"), ("", "--pre"));
    let lines: Vec<_> = logical_lines("a \\\nb\nc\\").collect();
    assert_eq!(lines, [(1, "a b".to_string()), (3, "c".to_string())]);
}
