use super::*;
use crate::events::Silent;
use crate::settings::Settings;
use crate::testutil::{Recorder, Server, fast_settings};
use crate::uri::Provider;

fn resolver<'a>(http: &'a Http<'a>, server: &Server) -> Resolver<'a> {
    Resolver {
        http,
        indices: vec![server.url("/pi")],
        mpy_version: "py".to_string(),
    }
}

fn index(name: &str) -> PackageRef {
    PackageRef::Index {
        name: name.to_string(),
        version: "latest".to_string(),
    }
}

fn json(value: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn package_json_model() {
    let parsed = PackageJson::parse(
        br#"{"v": 1, "version": "0.2", "urls": [["a.py", "github:u/r/a.py"]], "hashes": [["b.py", "abcdef12"]], "deps": [["dep", "latest"]]}"#,
        "x",
    )
    .unwrap();
    assert_eq!(parsed.version.as_deref(), Some("0.2"));
    assert_eq!(parsed.urls, vec![("a.py".into(), "github:u/r/a.py".into())]);
    assert_eq!(parsed.hashes, vec![("b.py".into(), "abcdef12".into())]);
    assert_eq!(parsed.deps, vec![("dep".into(), "latest".into())]);
    assert_eq!(
        PackageJson::parse(b"{}", "x").unwrap(),
        PackageJson::default()
    );
    for (text, message) in [
        (
            r#"{"urls": [["a.py"]]}"#,
            r#"Invalid urls entry: ["a.py"] (expected [dest, source])"#,
        ),
        (
            r#"{"hashes": [["a.py", 3]]}"#,
            r#"Invalid hashes entry: ["a.py",3] (expected [dest, hash])"#,
        ),
        (
            r#"{"deps": ["x"]}"#,
            r#"Invalid deps entry: "x" (expected [name, version])"#,
        ),
        (r#"{"version": 1}"#, "Invalid version: 1 (expected string)"),
        ("[]", "not a JSON object"),
    ] {
        let error = PackageJson::parse(text.as_bytes(), "http://h/p.json").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid package.json http://h/p.json: {message}")
        );
    }
}

#[test]
fn relative_urls() {
    assert_eq!(url_join("http://h/a/b/", "c.py"), "http://h/a/b/c.py");
    assert_eq!(url_join("http://h/a/b/", "./c/d.py"), "http://h/a/b/c/d.py");
    assert_eq!(url_join("http://h/a/b/", "../c.py"), "http://h/a/c.py");
    assert_eq!(url_join("http://h/a/b/", "../../../c.py"), "http://h/c.py");
    assert_eq!(url_join("http://h/a/b/", "/root.py"), "http://h/root.py");
    assert_eq!(url_join("https://h:8/", "x"), "https://h:8/x");
}

#[test]
fn hashes() {
    let bytes = b"print(1)\n";
    let full = sha256_hex(bytes);
    assert_eq!(check_hash(bytes, &full[..8]), Ok(()));
    assert_eq!(check_hash(bytes, &full[..8].to_uppercase()), Ok(()));
    assert_eq!(check_hash(bytes, "00000000"), Err(full[..8].to_string()));
    assert!(is_index_hash("abcdef12"));
    assert!(is_index_hash("ABCDEF12"));
    assert!(!is_index_hash("abcdef1"));
    assert!(!is_index_hash("abcdefgh"));
}

#[test]
fn dependency_chain_is_post_order() {
    let server = Server::start();
    server.index_package(
        "a",
        "1.0",
        &[("a/__init__.py", b"import b\n")],
        &[("b", "latest")],
    );
    server.index_package("b", "2.0", &[("b.py", b"import c\n")], &[("c", "3.1")]);
    server.index_package("c", "3.1", &[("c.py", b"")], &[]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let resolved = resolver(&http, &server).resolve(index("a")).unwrap();
    let names: Vec<(&str, &str)> = resolved
        .iter()
        .map(|r| (r.name.as_str(), r.version.as_str()))
        .collect();
    assert_eq!(names, [("c", "3.1"), ("b", "2.0"), ("a", "1.0")]);
    let a = &resolved[2].files[0];
    let hash = crate::testutil::short_hash(b"import b\n");
    assert_eq!(a.dest, "a/__init__.py");
    assert_eq!(
        a.from,
        Location::Url(server.url(&format!("/pi/file/{}/{hash}", &hash[..2])))
    );
    assert_eq!(a.hash.as_deref(), Some(hash.as_str()));
    assert_eq!(server.hits("/pi/package/py/c/3.1.json"), 1);
}

#[test]
fn cycles_are_reported_with_the_chain() {
    let server = Server::start();
    server.index_package("a", "1", &[("a.py", b"")], &[("b", "latest")]);
    server.index_package("b", "1", &[("b.py", b"")], &[("c", "latest")]);
    server.index_package("c", "1", &[("c.py", b"")], &[("A", "latest")]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let error = resolver(&http, &server).resolve(index("a")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Circular dependency detected: a -> b -> c -> A"
    );
}

#[test]
fn shared_dependencies_resolve_once_with_a_conflict_warning() {
    let server = Server::start();
    server.index_package("top", "1", &[], &[("x", "1.0"), ("y", "latest")]);
    server.index_package("y", "1", &[], &[("x", "2.0")]);
    server.index_package("x", "1.0", &[("x.py", b"")], &[]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let recorder = Recorder::default();
    let http = Http::new(&settings, &recorder);
    let resolved = resolver(&http, &server).resolve(index("top")).unwrap();
    let names: Vec<&str> = resolved.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["x", "y", "top"]);
    assert!(recorder.events().contains(&Event::Warning(
        "Version conflict for x: already resolved 1.0, now requested 2.0. Using first-resolved version."
            .to_string()
    )));
}

#[test]
fn not_found_in_any_index() {
    let server = Server::start();
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let error = resolver(&http, &server).resolve(index("nope")).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Package not found in any index: nope (tried {})",
            server.url("/pi/package/py/nope/latest.json")
        )
    );
}

#[test]
fn later_indices_are_tried() {
    let first = Server::start();
    let second = Server::start();
    second.index_package("pkg", "1", &[("pkg.py", b"")], &[]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let resolver = Resolver {
        http: &http,
        indices: vec![first.url("/pi/"), second.url("/pi")],
        mpy_version: "py".into(),
    };
    let resolved = resolver.resolve(index("pkg")).unwrap();
    assert_eq!(resolved[0].name, "pkg");
    assert_eq!(first.hits("/pi/package/py/pkg/latest.json"), 1);
}

#[test]
fn versions_and_mpy_in_index_urls() {
    let server = Server::start();
    server.file(
        "/pi/package/6/pkg/1.2.json",
        &json(serde_json::json!({"hashes": [["pkg.mpy", "abcdef12"]]})),
    );
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let resolver = Resolver {
        http: &http,
        indices: vec![server.url("/pi")],
        mpy_version: "6".into(),
    };
    let resolved = resolver
        .resolve(PackageRef::Index {
            name: "pkg".into(),
            version: "1.2".into(),
        })
        .unwrap();
    assert_eq!(resolved[0].version, "1.2");
    assert_eq!(
        resolved[0].files[0].from,
        Location::Url(server.url("/pi/file/ab/abcdef12"))
    );
}

#[test]
fn unsafe_destinations_are_refused() {
    for dest in [
        "../evil.py",
        "/etc/evil.py",
        "a/../../evil.py",
        "C:\\evil.py",
    ] {
        let server = Server::start();
        server.file(
            "/pi/package/py/bad/latest.json",
            &json(serde_json::json!({"urls": [[dest, "https://x.example/e.py"]]})),
        );
        let temp = tempfile::tempdir().unwrap();
        let settings = fast_settings(temp.path());
        let http = Http::new(&settings, &Silent);
        let error = resolver(&http, &server).resolve(index("bad")).unwrap_err();
        assert!(
            matches!(&error, Error::UnsafePath { path, .. } if path == dest),
            "{dest}: {error:?}"
        );
        assert!(
            error
                .to_string()
                .contains(&format!("refusing to write \"{dest}\""))
        );
    }
}

#[test]
fn unsafe_dependency_names_are_refused() {
    let server = Server::start();
    server.index_package("a", "1", &[], &[("../../etc", "latest")]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let error = resolver(&http, &server).resolve(index("a")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Invalid dependency name: \"../../etc\""),
        "{error}"
    );
}

#[test]
fn git_package_json_honours_refs() {
    let server = Server::start();
    // github:o/lib@v2 → its package.json at v2; relative and github: files at v2.
    server.file(
        "/raw/o/lib/v2/package.json",
        &json(serde_json::json!({
            "version": "2.0",
            "urls": [
                ["lib/__init__.py", "lib/__init__.py"],
                ["lib/extra.py", "github:o/lib/src/extra.py"],
                ["lib/pinned.py", "github:o/lib/src/pinned.py@v1"],
                ["lib/abs.py", "https://cdn.example/abs.py"]
            ],
            "deps": [["github:o/lib/sub", "v3"], ["github:o/helpers/one.py", "main"]]
        })),
    );
    server.file(
        "/raw/o/lib/v3/sub/package.json",
        &json(serde_json::json!({"urls": [["sub.py", "sub.py"]]})),
    );
    let temp = tempfile::tempdir().unwrap();
    let mut settings = fast_settings(temp.path());
    settings.github_raw = server.url("/raw");
    let http = Http::new(&settings, &Silent);
    let resolved = resolver(&http, &server)
        .resolve(PackageRef::Git {
            location: GitLocation {
                provider: Provider::GitHub,
                user: "o".into(),
                repo: "lib".into(),
                path: "package.json".into(),
                git_ref: Some("v2".into()),
            },
            git_ref: "v2".into(),
        })
        .unwrap();
    // D4: a folder of the same repository is another package, not a cycle.
    let names: Vec<&str> = resolved.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "github:o/lib/sub",
            server.url("/raw/o/helpers/main/one.py").as_str(),
            "github:o/lib"
        ]
    );
    assert_eq!(resolved[0].version, "v3");
    assert_eq!(
        resolved[0].files[0].from,
        Location::Url(server.url("/raw/o/lib/v3/sub/sub.py"))
    );
    assert_eq!(resolved[1].files[0].dest, "one.py");
    let top = &resolved[2];
    assert_eq!(top.version, "2.0");
    let sources: Vec<(&str, String)> = top
        .files
        .iter()
        .map(|f| (f.dest.as_str(), f.from.describe()))
        .collect();
    assert_eq!(
        sources,
        [
            (
                "lib/__init__.py",
                server.url("/raw/o/lib/v2/lib/__init__.py")
            ),
            ("lib/extra.py", server.url("/raw/o/lib/v2/src/extra.py")),
            ("lib/pinned.py", server.url("/raw/o/lib/v1/src/pinned.py")),
            ("lib/abs.py", "https://cdn.example/abs.py".to_string()),
        ]
    );
}

#[test]
fn same_repository_cycle_is_still_a_cycle() {
    let server = Server::start();
    server.file(
        "/raw/o/r/HEAD/a/package.json",
        &json(serde_json::json!({"deps": [["github:o/r/b", "latest"]]})),
    );
    server.file(
        "/raw/o/r/HEAD/b/package.json",
        &json(serde_json::json!({"deps": [["github:O/R/a", "latest"]]})),
    );
    let temp = tempfile::tempdir().unwrap();
    let mut settings = fast_settings(temp.path());
    settings.github_raw = server.url("/raw");
    let http = Http::new(&settings, &Silent);
    let location = GitLocation::parse("github:o/r/a").unwrap().unwrap();
    let error = resolver(&http, &server)
        .resolve(PackageRef::Git {
            location: GitLocation {
                path: location.package_json_path(),
                ..location
            },
            git_ref: "HEAD".into(),
        })
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Circular dependency detected: github:o/r/a -> github:o/r/b -> github:O/R/a"
    );
}

#[test]
fn local_package_json_reads_relative_files() {
    let temp = tempfile::tempdir().unwrap();
    let folder = temp.path().join("vendor/thing");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("package.json"),
        json(serde_json::json!({"urls": [["thing/__init__.py", "src/thing.py"]], "hashes": [["h.py", "abcdef12"]]})),
    )
    .unwrap();
    let settings = Settings::new(temp.path().join("cache"));
    let http = Http::new(&settings, &Silent);
    let resolver = Resolver {
        http: &http,
        indices: vec![],
        mpy_version: "py".into(),
    };
    let resolved = resolver
        .resolve(PackageRef::Local(folder.join("package.json")))
        .unwrap();
    assert_eq!(
        resolved[0].files,
        vec![
            PlannedFile {
                dest: "thing/__init__.py".into(),
                from: Location::Path(folder.join("src/thing.py")),
                hash: None
            },
            PlannedFile {
                dest: "h.py".into(),
                from: Location::Path(folder.join("file/ab/abcdef12")),
                hash: Some("abcdef12".into())
            }
        ]
    );
}

#[test]
fn url_package_json_and_single_file_deps() {
    let server = Server::start();
    server.file(
        "/pkgs/tool/package.json",
        &json(serde_json::json!({
            "urls": [["tool.py", "tool.py"], ["h.py", "ABCDEF12"]],
            "deps": [["http://127.0.0.1:1/helper.py", "latest"], ["http://127.0.0.1:1/lib", "latest"]]
        })),
    );
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &Silent);
    let resolver = resolver(&http, &server);
    let reference = resolver
        .dependency("http://127.0.0.1:1/lib", "latest", "o")
        .unwrap();
    assert_eq!(
        reference,
        PackageRef::Url("http://127.0.0.1:1/lib/package.json".into())
    );
    let reference = resolver
        .dependency("http://127.0.0.1:1/helper.py", "latest", "o")
        .unwrap();
    assert_eq!(
        reference,
        PackageRef::File {
            location: Location::Url("http://127.0.0.1:1/helper.py".into()),
            name: "helper.py".into()
        }
    );
    let reference = resolver.dependency("name@1.5", "latest", "o").unwrap();
    assert_eq!(
        reference,
        PackageRef::Index {
            name: "name".into(),
            version: "1.5".into()
        }
    );
    let (parsed, base, _) = resolver
        .fetch_url(&server.url("/pkgs/tool/package.json"))
        .unwrap();
    let location = resolver
        .source_location(&parsed.urls[1].1, &base, None, "o")
        .unwrap();
    assert_eq!(
        location,
        Location::Url(server.url("/pkgs/tool/file/AB/ABCDEF12"))
    );
}
