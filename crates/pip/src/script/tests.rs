use super::*;

/// The PEP's own example.
const EXAMPLE: &str = r#"# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "requests<3",
#   "rich",
# ]
# ///

import requests
from rich.pretty import pprint
"#;

fn script_error(name: &str, source: &str) -> ScriptError {
    match parse(name, source).unwrap_err() {
        crate::Error::Script(error) => *error,
        other => panic!("{other:?}"),
    }
}

/// The text the error's span covers.
fn pointed(source: &str, error: &ScriptError) -> String {
    let start = error.span.offset();
    source[start..start + error.span.len()].to_string()
}

#[test]
fn the_pep_example() {
    let metadata = parse("example.py", EXAMPLE).unwrap().unwrap();
    let names: Vec<String> = metadata
        .dependencies
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(names, ["requests<3", "rich"]);
    assert_eq!(metadata.requires_python.unwrap().to_string(), ">=3.11");
    assert_eq!(
        metadata.toml,
        "requires-python = \">=3.11\"\ndependencies = [\n  \"requests<3\",\n  \"rich\",\n]\n"
    );
}

#[test]
fn no_block_and_other_types() {
    assert_eq!(parse("a.py", "print(1)\n").unwrap(), None);
    assert_eq!(parse("a.py", "").unwrap(), None);
    // Another type is not ours; `#` lines with no space after `# ` text are not content.
    let other = "# /// pyproject\n# [tool.x]\n# ///\n";
    assert_eq!(parse("a.py", other).unwrap(), None);
    // Without a line break after `# ///` the expression does not match... at the end of
    // input `$` does match: a block at the very end counts.
    let at_end = "# /// script\n# dependencies = []\n# ///";
    assert_eq!(parse("a.py", at_end).unwrap().unwrap().dependencies, []);
    // An empty comment line is content (`#` alone).
    let empty_line = "# /// script\n#\n# dependencies = ['six']\n# ///\n";
    assert_eq!(
        parse("a.py", empty_line)
            .unwrap()
            .unwrap()
            .dependencies
            .len(),
        1
    );
}

#[test]
fn two_script_blocks_are_an_error() {
    let source = format!("{EXAMPLE}\n# /// script\n# dependencies = []\n# ///\n");
    let error = script_error("two.py", &source);
    assert!(error.message.contains("only one"), "{}", error.message);
    assert_eq!(pointed(&source, &error), "# /// script");
    assert!(error.span.offset() > 0);
}

#[test]
fn an_unclosed_block_is_an_error() {
    let source = "import x\n# /// script\n# dependencies = ['six']\n";
    let error = script_error("open.py", source);
    assert!(error.message.contains("no closing"), "{}", error.message);
    assert_eq!(error.span.offset(), 9);
}

#[test]
fn toml_errors_point_at_the_script_line() {
    let source = "#!/usr/bin/env belay-run\n# /// script\n# dependencies = [\n#   \"rich\",\n#   oops\n# ]\n# ///\n";
    let error = script_error("bad.py", source);
    assert!(
        error.message.starts_with("invalid TOML"),
        "{}",
        error.message
    );
    let line_start = source.find("#   oops").unwrap();
    let offset = error.span.offset();
    assert!(
        (line_start..line_start + 8).contains(&offset),
        "{offset} not on line 5 ({line_start})"
    );
}

#[test]
fn bad_requirements_point_at_their_string() {
    let source = "# /// script\n# dependencies = [\"rich\", \"six>=>1\"]\n# ///\n";
    let error = script_error("req.py", source);
    assert!(error.message.contains("six>=>1"), "{}", error.message);
    assert_eq!(pointed(source, &error), "\"six>=>1\"");
    let source = "# /// script\n# requires-python = \">=3.x\"\n# ///\n";
    let error = script_error("py.py", source);
    assert!(
        error.message.contains("requires-python"),
        "{}",
        error.message
    );
    assert_eq!(pointed(source, &error), "\">=3.x\"");
    let source = "# /// script\n# dependencies = \"rich\"\n# ///\n";
    let error = script_error("str.py", source);
    assert_eq!(pointed(source, &error), "\"rich\"");
    let source = "# /// script\n# dependencies = [1]\n# ///\n";
    let error = script_error("int.py", source);
    assert_eq!(pointed(source, &error), "1");
}

#[test]
fn the_error_is_a_miette_report_on_the_script() {
    let source = "# /// script\n# dependencies = [\"six>=>1\"]\n# ///\n";
    let error = parse("req.py", source).unwrap_err();
    let report = format!("{:?}", miette::Report::new(error));
    assert!(report.contains("req.py"), "{report}");
}

#[test]
fn requires_python_is_checked_against_the_target() {
    let target = crate::Target::rustpython("linux", "Linux", "x86_64");
    let metadata = parse("example.py", EXAMPLE).unwrap().unwrap();
    metadata.check_python("example.py", &target).unwrap();
    let source = "# /// script\n# requires-python = \">=3.15\"\n# ///\n";
    let metadata = parse("new.py", source).unwrap().unwrap();
    let error = metadata.check_python("new.py", &target).unwrap_err();
    assert_eq!(
        error.to_string(),
        "new.py requires Python >=3.15, and belay-run's interpreter is Python 3.14.0"
    );
    let mut set = crate::requirements::RequirementSet::default();
    let metadata = parse("example.py", EXAMPLE).unwrap().unwrap();
    set.add_parsed(&metadata.dependencies, "example.py");
    assert_eq!(set.requirements.len(), 2);
    assert_eq!(set.requirements[1].origin, "example.py");
}
