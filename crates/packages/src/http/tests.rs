use super::*;
use crate::events::Event;
use crate::testutil::{Recorder, Server, fast_settings};

#[test]
fn entry_names() {
    assert_eq!(
        cache_entry_name("https://micropython.org/pi/v2/x.json"),
        "http-micropython.org"
    );
    assert_eq!(
        cache_entry_name("http://127.0.0.1:8123/x"),
        "http-127.0.0.1_8123"
    );
    assert_eq!(
        cache_entry_name("http://u:p@Host.Example/x"),
        "http-host.example"
    );
    assert_eq!(cache_entry_name("http://../x"), "http-_");
}

#[test]
fn get_caches_and_offline_serves_from_cache() {
    let server = Server::start();
    server.file("/a.txt", b"hello");
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let recorder = Recorder::default();
    let http = Http::new(&settings, &recorder);
    assert_eq!(http.get(&server.url("/a.txt")).unwrap(), b"hello");
    assert_eq!(server.hits("/a.txt"), 1);
    let mut offline = settings.clone();
    offline.offline = true;
    let http = Http::new(&offline, &recorder);
    assert_eq!(http.get(&server.url("/a.txt")).unwrap(), b"hello");
    assert_eq!(server.hits("/a.txt"), 1, "offline must not make a request");
    let error = http.get(&server.url("/other.txt")).unwrap_err();
    assert!(matches!(error, Error::Offline { .. }), "{error:?}");
    assert!(error.to_string().contains("/other.txt"), "{error}");
    assert!(recorder.events().contains(&Event::FromCache {
        url: server.url("/a.txt")
    }));
}

#[test]
fn not_found_is_immediate() {
    let server = Server::start();
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    let url = server.url("/missing.py");
    let error = http.get(&url).unwrap_err();
    assert_eq!(error.to_string(), format!("{url} was not found (HTTP 404)"));
    assert_eq!(server.hits("/missing.py"), 1);
    assert_eq!(http.get_optional(&url).unwrap(), None);
}

#[test]
fn retries_5xx_and_429_then_succeeds() {
    let server = Server::start();
    server.file("/flaky", b"ok");
    server.fail_next("/flaky", &[503, 429]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let recorder = Recorder::default();
    let http = Http::new(&settings, &recorder);
    assert_eq!(http.get(&server.url("/flaky")).unwrap(), b"ok");
    assert_eq!(server.hits("/flaky"), 3);
    let retries: Vec<_> = recorder
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::Retrying { .. }))
        .collect();
    assert_eq!(retries.len(), 2);
}

#[test]
fn gives_up_after_three_attempts() {
    let server = Server::start();
    server.file("/down", b"never");
    server.fail_next("/down", &[500, 502, 503, 504]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    let error = http.get(&server.url("/down")).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "downloading {} failed after 3 attempt(s): HTTP 503",
            server.url("/down")
        )
    );
    assert_eq!(server.hits("/down"), 3);
}

#[test]
fn other_client_errors_are_final() {
    let server = Server::start();
    server.file("/secret", b"x");
    server.fail_next("/secret", &[403]);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    let error = http.get(&server.url("/secret")).unwrap_err();
    assert!(
        matches!(error, Error::HttpStatus { status: 403, .. }),
        "{error:?}"
    );
    assert_eq!(server.hits("/secret"), 1);
}

#[test]
fn truncated_bodies_are_retried() {
    let server = Server::start();
    server.file("/cut", b"complete");
    server.truncate_next("/cut", 1);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    assert_eq!(http.get(&server.url("/cut")).unwrap(), b"complete");
    assert_eq!(server.hits("/cut"), 2);
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let recorder = Recorder::default();
    let http = Http::new(&settings, &recorder);
    let url = format!("http://127.0.0.1:{port}/x");
    let error = http.get(&url).unwrap_err();
    assert!(
        matches!(&error, Error::Unreachable { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "cannot reach 127.0.0.1:{port}: Connection refused (downloading {url}, 3 attempt(s))"
        )
    );
    let downloads = recorder
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::Downloading { .. }))
        .count();
    assert_eq!(downloads, 3);
}

#[test]
fn an_unresolvable_host_is_unreachable_not_missing() {
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    let url = "http://nonexistent.invalid/pi/x.json";
    let error = http.get_optional(url).unwrap_err();
    assert!(
        matches!(&error, Error::Unreachable { host, .. } if host == "nonexistent.invalid"),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("cannot reach nonexistent.invalid: "),
        "{error}"
    );
}

#[test]
fn hosts_of_urls() {
    assert_eq!(host_of("https://micropython.org/pi/v2"), "micropython.org");
    assert_eq!(host_of("http://u:p@127.0.0.1:8123/x"), "127.0.0.1:8123");
}

#[test]
fn addressed_files_come_from_the_cache_when_valid() {
    let server = Server::start();
    server.file("/file/ab/abcd", b"content");
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    let url = server.url("/file/ab/abcd");
    assert_eq!(http.get_addressed(&url, |_| true).unwrap(), b"content");
    assert_eq!(http.get_addressed(&url, |_| true).unwrap(), b"content");
    assert_eq!(server.hits("/file/ab/abcd"), 1);
    // A cached copy failing the check is fetched again.
    assert_eq!(http.get_addressed(&url, |_| false).unwrap(), b"content");
    assert_eq!(server.hits("/file/ab/abcd"), 2);
}

#[test]
fn pages_keep_their_content_type_offline_too() {
    let server = Server::start();
    let json = "application/vnd.pypi.simple.v1+json";
    server.typed_file("/simple/rich/", b"{}", json);
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let http = Http::new(&settings, &crate::events::Silent);
    let url = server.url("/simple/rich/");
    let page = http
        .get_page(&url, "application/json, text/html;q=0.1")
        .unwrap();
    assert_eq!(
        page,
        Some(Page {
            body: b"{}".to_vec(),
            content_type: Some(json.to_string())
        })
    );
    assert_eq!(
        server.accept("/simple/rich/").as_deref(),
        Some("application/json, text/html;q=0.1")
    );
    assert_eq!(
        http.get_page(&server.url("/simple/none/"), "*/*").unwrap(),
        None
    );
    let mut offline = settings.clone();
    offline.offline = true;
    let http = Http::new(&offline, &crate::events::Silent);
    let cached = http.get_page(&url, "*/*").unwrap().unwrap();
    assert_eq!(cached.content_type.as_deref(), Some(json));
    assert_eq!(server.hits("/simple/rich/"), 1);
}

#[test]
fn downloaded_files_are_stored_and_reused_while_they_check() {
    let server = Server::start();
    server.file("/files/x.whl", b"wheel");
    let temp = tempfile::tempdir().unwrap();
    let settings = fast_settings(temp.path());
    let recorder = Recorder::default();
    let http = Http::new(&settings, &recorder);
    let url = server.url("/files/x.whl");
    let path = http.download_file(&url, |b| b == b"wheel").unwrap();
    assert!(path.starts_with(temp.path()));
    assert_eq!(std::fs::read(&path).unwrap(), b"wheel");
    assert_eq!(http.download_file(&url, |b| b == b"wheel").unwrap(), path);
    assert_eq!(server.hits("/files/x.whl"), 1);
    assert!(
        recorder
            .events()
            .contains(&Event::FromCache { url: url.clone() })
    );
    // A cached copy that fails the check is downloaded again.
    http.download_file(&url, |_| false).unwrap();
    assert_eq!(server.hits("/files/x.whl"), 2);
    let mut offline = settings.clone();
    offline.offline = true;
    let http = Http::new(&offline, &crate::events::Silent);
    let error = http
        .download_file(&server.url("/files/y.whl"), |_| true)
        .unwrap_err();
    assert!(matches!(error, Error::Offline { .. }), "{error:?}");
}
