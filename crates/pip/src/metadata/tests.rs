use super::*;
use crate::target::Target;

const RICH: &str = include_str!("../../tests/fixtures/metadata/rich-15.0.0.METADATA");
const PICKLESHARE: &str = include_str!("../../tests/fixtures/metadata/pickleshare-0.7.5.METADATA");
const LIBCST: &str = include_str!("../../tests/fixtures/metadata/libcst-1.0.1.METADATA");

fn requires(metadata: &Metadata) -> Vec<String> {
    metadata
        .requires_dist
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn rich_2_4() {
    let metadata = Metadata::parse(RICH, "rich").unwrap();
    assert_eq!(metadata.name.as_ref(), "rich");
    assert_eq!(metadata.version.to_string(), "15.0.0");
    assert_eq!(
        metadata.requires_python.as_ref().unwrap().to_string(),
        ">=3.9.0"
    );
    assert_eq!(metadata.provides_extra.len(), 1);
    assert_eq!(metadata.provides_extra[0].as_ref(), "jupyter");
    assert_eq!(
        requires(&metadata),
        [
            "ipywidgets>=7.5.1,<9 ; extra == 'jupyter'",
            "markdown-it-py>=2.2.0",
            "pygments>=2.13.0,<3.0.0"
        ]
    );
    assert_eq!(metadata.author.as_deref(), Some("Will McGugan"));
    assert_eq!(metadata.license.as_deref(), Some("MIT"));
    // Only what the target and the extras select.
    let env = Target::rustpython("linux", "Linux", "x86_64").marker_environment();
    let jupyter = metadata.provides_extra.clone();
    let base: Vec<_> = metadata
        .requires_dist
        .iter()
        .filter(|r| r.evaluate_markers(&env, &[]))
        .collect();
    assert_eq!(base.len(), 2);
    let with_extra = metadata
        .requires_dist
        .iter()
        .filter(|r| r.evaluate_markers(&env, &jupyter))
        .count();
    assert_eq!(with_extra, 3);
}

#[test]
fn pickleshare_2_0_with_an_in_marker() {
    let metadata = Metadata::parse(PICKLESHARE, "pickleshare").unwrap();
    assert_eq!(metadata.version.to_string(), "0.7.5");
    assert_eq!(metadata.requires_python, None);
    assert_eq!(
        metadata.home_page.as_deref(),
        Some("https://github.com/pickleshare/pickleshare")
    );
    let env = Target::rustpython("linux", "Linux", "x86_64").marker_environment();
    assert_eq!(metadata.requires_dist.len(), 1);
    assert!(!metadata.requires_dist[0].evaluate_markers(&env, &[]));
}

#[test]
fn libcst_multi_line_license() {
    let metadata = Metadata::parse(LIBCST, "libcst").unwrap();
    let license = metadata.license.unwrap();
    assert!(license.starts_with("All contributions towards LibCST are MIT licensed.\n"));
    assert!(license.contains("\n- libcst/_add_slots.py\n"), "{license}");
    assert_eq!(metadata.requires_dist.len(), 24);
    assert_eq!(metadata.provides_extra.len(), 1);
    assert_eq!(
        metadata.summary.as_deref(),
        Some(
            "A concrete syntax tree with AST-like properties for Python 3.5, 3.6, 3.7, 3.8, 3.9, and 3.10 programs."
        )
    );
}

#[test]
fn the_body_is_ignored_and_1_0_fields_read() {
    let text = "Metadata-Version: 1.0\r\nName: Old_Pkg\r\nVersion: 1.0\r\nDescription: a\r\n        long text\r\n\r\nRequires-Dist: not-a-header\n";
    let metadata = Metadata::parse(text, "old").unwrap();
    assert_eq!(metadata.name.as_ref(), "old-pkg");
    assert!(metadata.requires_dist.is_empty());
}

#[test]
fn errors_name_the_origin() {
    let error = Metadata::parse("Name: x\n", "x.whl").unwrap_err();
    assert_eq!(error.to_string(), "x.whl: no Version field");
    let error =
        Metadata::parse("Name: x\nVersion: 1\nRequires-Dist: y>=>1\n", "x.whl").unwrap_err();
    assert!(
        error.to_string().starts_with("x.whl: Requires-Dist: "),
        "{error}"
    );
    let error = Metadata::parse("Name: x\nVersion: 1\nRequires-Python: >=3.x\n", "m").unwrap_err();
    assert!(
        error.to_string().starts_with("m: Requires-Python: "),
        "{error}"
    );
}
