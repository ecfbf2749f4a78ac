use super::testutil::*;
use super::*;
use std::str::FromStr;

const HTML: &str = include_str!("../../tests/fixtures/index/mdurl.html");
const JSON: &str = include_str!("../../tests/fixtures/index/mdurl.json");

fn name(text: &str) -> PackageName {
    PackageName::from_str(text).unwrap()
}

#[test]
fn a_pep_503_page() {
    let files =
        simple::parse_page(HTML, Some("text/html"), "https://pypi.org/simple/mdurl/").unwrap();
    assert_eq!(files.len(), 5);
    let first = &files[0];
    assert_eq!(first.filename, "mdurl-0.1.0-py3-none-any.whl");
    assert!(
        first.url.ends_with("/mdurl-0.1.0-py3-none-any.whl"),
        "{}",
        first.url
    );
    assert_eq!(
        first.sha256.as_deref(),
        Some("40654d6dcb8d21501ed13c21cc0bd6fc42ff07ceb8be30029e5ae63ebc2ecfda")
    );
    assert_eq!(first.requires_python.as_ref().unwrap().to_string(), ">=3.6");
    assert!(!first.has_metadata_file);
    assert_eq!(first.yanked, None);
    assert!(files[2].has_metadata_file);
    assert_eq!(
        files[2].metadata_sha256.as_deref(),
        Some("de2a1ddd5c94bb4c9ea5d2b14d1cc1c4a1a6c44cb8f1ecf1cd06bbd0a2bc7c8e")
    );
    assert_eq!(first.metadata_sha256, None);
    // A relative link is joined to the page's URL.
    assert_eq!(
        files[3].url,
        "https://pypi.org/packages/d4/38/mdurl-0.1.2.tar.gz"
    );
    // Escaped names and yanked reasons with entities.
    assert_eq!(files[4].filename, "mdurl-0.1.3+bad-py3-none-any.whl");
    assert_eq!(files[4].yanked.as_deref(), Some("broken \"build\""));
    assert_eq!(files[4].sha256, None);
}

#[test]
fn a_pep_691_page() {
    let url = "https://pypi.org/simple/mdurl/";
    let files = simple::parse_page(JSON, Some("application/vnd.pypi.simple.v1+json"), url).unwrap();
    assert_eq!(files.len(), 4);
    assert!(!files[0].has_metadata_file);
    assert!(files[1].has_metadata_file);
    assert_eq!(
        files[1].metadata_sha256.as_deref(),
        Some("de2a1ddd5c94bb4c9ea5d2b14d1cc1c4a1a6c44cb8f1ecf1cd06bbd0a2bc7c8e")
    );
    assert_eq!(
        files[1].url,
        "https://pypi.org/packages/b3/38/mdurl-0.1.2-py3-none-any.whl"
    );
    assert_eq!(
        files[1].requires_python.as_ref().unwrap().to_string(),
        ">=3.7"
    );
    assert_eq!(files[2].yanked.as_deref(), Some("broken build"));
    assert_eq!(files[2].requires_python, None);
    assert_eq!(files[3].yanked.as_deref(), Some(""));
    assert_eq!(files[3].sha256, None);
    // Without a content type (a file), the text decides.
    assert_eq!(simple::parse_page(JSON, None, url).unwrap(), files);
    assert!(simple::parse_page("{\"x\": 1}", None, url).is_err());
}

#[test]
fn options_from_the_environment_and_merged() {
    let env = |name: &str| match name {
        "UV_INDEX_URL" => Some("https://uv.example/simple".to_string()),
        "PIP_INDEX_URL" => Some("https://pip.example/simple".to_string()),
        "PIP_EXTRA_INDEX_URL" => {
            Some(" https://a.example/simple  https://b.example/simple ".to_string())
        }
        "PIP_FIND_LINKS" => Some("/wheels".to_string()),
        _ => None,
    };
    let mut options = IndexOptions::from_env(env);
    assert_eq!(
        options.index_url.as_deref(),
        Some("https://uv.example/simple")
    );
    assert_eq!(
        options.extra_index_urls,
        ["https://a.example/simple", "https://b.example/simple"]
    );
    assert_eq!(options.find_links, ["/wheels"]);
    let pip_only = IndexOptions::from_env(|name| {
        (name == "PIP_INDEX_URL").then(|| "https://pip.example/simple".to_string())
    });
    assert_eq!(
        pip_only.index_url.as_deref(),
        Some("https://pip.example/simple")
    );
    assert_eq!(IndexOptions::from_env(|_| None), IndexOptions::default());
    assert_eq!(IndexOptions::default().index_urls(), [PYPI]);

    let command_line = IndexOptions {
        index_url: Some("https://cli.example/simple".to_string()),
        extra_index_urls: vec![
            "https://b.example/simple".to_string(),
            "https://c.example/simple".to_string(),
        ],
        find_links: vec![],
        no_index: false,
        pre: true,
    };
    options.merge(&command_line);
    assert_eq!(
        options.index_url.as_deref(),
        Some("https://cli.example/simple")
    );
    assert_eq!(
        options.extra_index_urls,
        [
            "https://a.example/simple",
            "https://b.example/simple",
            "https://c.example/simple"
        ]
    );
    assert!(options.pre);
    options.merge(&IndexOptions::default());
    assert_eq!(
        options.index_url.as_deref(),
        Some("https://cli.example/simple")
    );
    assert!(options.pre);
    options.merge(&IndexOptions {
        no_index: true,
        ..Default::default()
    });
    assert!(options.index_urls().is_empty());
}

#[test]
fn a_file_index_and_wheel_metadata() {
    let mut local = LocalIndex::new();
    local
        .wheel("mdurl", "0.1.2", &["Requires-Python: >=3.7"])
        .wheel("markdown-it-py", "3.0.0", &["Requires-Dist: mdurl~=0.1"])
        .file(
            "markdown-it-py",
            "2.0.0",
            "cp312-cp312-win_amd64",
            &[],
            "data-yanked=\"\"",
        );
    let options = local.options();
    let cache = tempfile::tempdir().unwrap();
    let settings = settings(cache.path());
    let recorder = Recorder::default();
    let index = Index::new(&options, &settings, &recorder);
    let files = index.files(&name("Markdown_It.Py")).unwrap();
    let versions: Vec<String> = files.iter().map(|(v, _)| v.to_string()).collect();
    assert_eq!(versions, ["3.0.0", "2.0.0"]);
    assert_eq!(files[1].1.yanked.as_deref(), Some(""));
    let metadata = index.metadata(&files[0].1).unwrap();
    assert_eq!(metadata.requires_dist[0].to_string(), "mdurl~=0.1");
    assert!(index.files(&name("nothing-here")).unwrap().is_empty());
    // The same index named by its folder's path.
    let by_path = IndexOptions {
        index_url: Some(local.root.path().join("simple").display().to_string()),
        ..Default::default()
    };
    let other = Index::new(&by_path, &settings, &crate::Silent);
    assert_eq!(other.files(&name("mdurl")).unwrap().len(), 1);
    // Each page is read once.
    index.files(&name("markdown-it-py")).unwrap();
    let queries = recorder
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Event::Querying { project, .. } if project == "markdown-it-py"))
        .count();
    assert_eq!(queries, 1);
    // A local file is its own path, its hash checked.
    let (_, file) = &files[0];
    let path = index.fetch(file, &[]).unwrap();
    assert_eq!(path, files_dir(&local).join(&file.filename));
    let sha = file.sha256.clone().unwrap();
    index.fetch(file, &["0".repeat(64), sha.clone()]).unwrap();
    let error = index.fetch(file, &["0".repeat(64)]).unwrap_err();
    assert!(matches!(error, crate::Error::Hash { .. }), "{error:?}");
    let mut wrong = file.clone();
    wrong.sha256 = Some("1".repeat(64));
    let error = index.fetch(&wrong, &[]).unwrap_err();
    assert!(error.to_string().contains(&"1".repeat(64)), "{error}");
    assert!(error.to_string().contains(&sha), "{error}");
}

#[test]
fn find_links_folders_and_pages() {
    let mut local = LocalIndex::new();
    local
        .wheel("six", "1.17.0", &[])
        .wheel("attrs", "24.2.0", &[]);
    let folder = files_dir(&local);
    std::fs::write(folder.join("notes.txt"), "not a distribution").unwrap();
    let options = IndexOptions {
        find_links: vec![folder.display().to_string()],
        no_index: true,
        ..Default::default()
    };
    let cache = tempfile::tempdir().unwrap();
    let settings = settings(cache.path());
    let index = Index::new(&options, &settings, &crate::Silent);
    let files = index.files(&name("six")).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].1.url,
        file_url(&folder.join("six-1.17.0-py3-none-any.whl"))
    );
    index.metadata(&files[0].1).unwrap();
    // An HTML page of links, as a path.
    let page = local.root.path().join("links.html");
    std::fs::write(
        &page,
        "<html><body><a href='files/attrs-24.2.0-py3-none-any.whl'>attrs</a></body></html>",
    )
    .unwrap();
    let options = IndexOptions {
        find_links: vec![page.display().to_string()],
        no_index: true,
        ..Default::default()
    };
    let index = Index::new(&options, &settings, &crate::Silent);
    let files = index.files(&name("attrs")).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        index.metadata(&files[0].1).unwrap().version.to_string(),
        "24.2.0"
    );
}

#[test]
fn an_http_index_json_first_metadata_from_pep_658() {
    let server = Server::start();
    let wheel = wheel_bytes("mdurl", "0.1.2", &[]);
    let sha = belay_packages::sha256_hex(&wheel);
    let json = format!(
        r#"{{"meta": {{"api-version": "1.1"}}, "name": "mdurl", "files": [
            {{"filename": "mdurl-0.1.2-py3-none-any.whl", "url": "../../files/mdurl-0.1.2-py3-none-any.whl",
              "hashes": {{"sha256": "{sha}"}}, "requires-python": ">=3.7", "core-metadata": true}}]}}"#
    );
    server.typed_file(
        "/simple/mdurl/",
        json.as_bytes(),
        "application/vnd.pypi.simple.v1+json",
    );
    server.file(
        "/files/mdurl-0.1.2-py3-none-any.whl.metadata",
        b"Metadata-Version: 2.1\nName: mdurl\nVersion: 0.1.2\nRequires-Dist: six\n",
    );
    server.file("/files/mdurl-0.1.2-py3-none-any.whl", &wheel);
    let options = IndexOptions {
        index_url: Some(server.url("/simple")),
        ..Default::default()
    };
    let cache = tempfile::tempdir().unwrap();
    let settings = settings(cache.path());
    let recorder = Recorder::default();
    let index = Index::new(&options, &settings, &recorder);
    let files = index.files(&name("mdurl")).unwrap();
    assert!(
        server
            .accept("/simple/mdurl/")
            .unwrap()
            .starts_with("application/vnd.pypi.simple.v1+json")
    );
    assert_eq!(files.len(), 1);
    let metadata = index.metadata(&files[0].1).unwrap();
    assert_eq!(metadata.requires_dist[0].to_string(), "six");
    assert_eq!(server.hits("/files/mdurl-0.1.2-py3-none-any.whl"), 0);
    // Downloads are checked and cached.
    let path = index
        .fetch(&files[0].1, std::slice::from_ref(&sha))
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), wheel);
    index.fetch(&files[0].1, &[]).unwrap();
    assert_eq!(server.hits("/files/mdurl-0.1.2-py3-none-any.whl"), 1);
    let events = recorder.0.lock().unwrap().clone();
    assert!(events.contains(&Event::Cached {
        file: "mdurl-0.1.2-py3-none-any.whl".to_string()
    }));
    // A download whose hash is not the index's is refused.
    server.file("/files/bad-1.0-py3-none-any.whl", &wheel);
    let page = format!(
        "<a href='/files/bad-1.0-py3-none-any.whl#sha256={}'>x</a>",
        "0".repeat(64)
    );
    server.typed_file("/simple/bad/", page.as_bytes(), "text/html");
    let files = index.files(&name("bad")).unwrap();
    assert_eq!(files.len(), 1);
    let error = index.fetch(&files[0].1, &[]).unwrap_err();
    assert!(matches!(error, crate::Error::Hash { .. }), "{error:?}");
    // An HTML answer is read as HTML; a 404 is a project the index does not have.
    assert!(index.files(&name("unknown")).unwrap().is_empty());
}

#[test]
fn an_unreachable_index_fails_in_bounded_time_naming_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let options = IndexOptions {
        index_url: Some(format!("http://127.0.0.1:{port}/simple")),
        ..Default::default()
    };
    let cache = tempfile::tempdir().unwrap();
    let settings = settings(cache.path());
    let index = Index::new(&options, &settings, &crate::Silent);
    let started = std::time::Instant::now();
    let error = index.files(&name("rich")).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        error
            .to_string()
            .contains(&format!("http://127.0.0.1:{port}/simple/rich/")),
        "{error}"
    );
}
