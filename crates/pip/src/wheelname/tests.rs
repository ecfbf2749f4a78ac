use super::*;

fn target() -> Target {
    Target::rustpython("linux", "Linux", "x86_64")
}

#[test]
fn real_wheel_names_parse() {
    let wheel = WheelName::parse("rich-13.9.4-py3-none-any.whl").unwrap();
    assert_eq!(wheel.name.as_ref(), "rich");
    assert_eq!(wheel.version, Version::from_str("13.9.4").unwrap());
    assert_eq!(wheel.build, None);
    assert_eq!(wheel.python_tags, ["py3"]);
    let wheel = WheelName::parse("python_dateutil-2.9.0.post0-py2.py3-none-any.whl").unwrap();
    assert_eq!(wheel.name.as_ref(), "python-dateutil");
    assert_eq!(wheel.python_tags, ["py2", "py3"]);
    let wheel =
        WheelName::parse("numpy-2.1.3-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
            .unwrap();
    assert_eq!(
        wheel.platform_tags,
        ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    );
    let wheel = WheelName::parse("Foo_Bar-1.0-1build-py3-none-any.whl").unwrap();
    assert_eq!(wheel.name.as_ref(), "foo-bar");
    assert_eq!(wheel.build.as_deref(), Some("1build"));
}

#[test]
fn bad_wheel_names_do_not_parse() {
    for name in [
        "rich-13.9.4.tar.gz",
        "rich-13.9.4-py3-none.whl",
        "rich-13.9.4-b-py3-none-any.whl",
        "rich-notaversion-py3-none-any.whl",
        "rich-1-2-3-py3-none-any-x.whl",
        "rich-1.0-py3..-none-any.whl",
    ] {
        assert_eq!(WheelName::parse(name), None, "{name}");
    }
}

#[test]
fn pure_python_wheels_are_installable() {
    let target = target();
    let yes = |file: &str| WheelName::parse(file).unwrap().installable_by(&target);
    assert!(yes("rich-13.9.4-py3-none-any.whl"));
    assert!(yes("six-1.16.0-py2.py3-none-any.whl"));
    assert!(yes("x-1.0-py314-none-any.whl"));
    assert!(yes("x-1.0-py38-none-any.whl"));
    assert!(yes("x-1.0-py30-none-any.whl"));
    assert!(!yes("x-1.0-py315-none-any.whl"));
    assert!(!yes("x-1.0-py2-none-any.whl"));
    assert!(!yes("x-1.0-cp314-none-any.whl"));
    assert!(!yes("x-1.0-cp314-abi3-any.whl"));
    assert!(!yes("x-1.0-py3-abi3-any.whl"));
    assert!(!yes("x-1.0-py3-none-linux_x86_64.whl"));
    assert!(!yes("x-1.0-cp312-cp312-manylinux2014_x86_64.whl"));
    // A compressed tag set fits when one of its tags does.
    assert!(yes("x-1.0-py2.py3-none-any.whl"));
    assert!(yes("x-1.0-cp314.py3-none.abi3-linux_x86_64.any.whl"));
}

#[test]
fn refusals_say_why() {
    let target = target();
    let why = |file: &str| WheelName::parse(file).unwrap().refusal(&target);
    assert_eq!(why("rich-13.9.4-py3-none-any.whl"), None);
    assert!(
        why("x-1.0-cp312-cp312-manylinux2014_x86_64.whl")
            .unwrap()
            .contains("CPython ABI")
    );
    assert!(
        why("x-1.0-py3-none-win32.whl")
            .unwrap()
            .contains("platform")
    );
    assert!(
        why("x-1.0-py2-none-any.whl")
            .unwrap()
            .contains("another Python")
    );
}

#[test]
fn sdist_names() {
    let sdist = SdistName::parse("python-dateutil-2.8.2.tar.gz").unwrap();
    assert_eq!(sdist.name.as_ref(), "python-dateutil");
    assert_eq!(sdist.version, Version::from_str("2.8.2").unwrap());
    let sdist = SdistName::parse("Markdown_It_Py-3.0.0.zip").unwrap();
    assert_eq!(sdist.name.as_ref(), "markdown-it-py");
    assert_eq!(SdistName::parse("rich-13.9.4-py3-none-any.whl"), None);
    assert_eq!(SdistName::parse("rich.tar.gz"), None);
    assert_eq!(SdistName::parse("rich-x.y.tar.bz2"), None);
}
