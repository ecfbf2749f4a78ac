//! Test helpers: a tiny HTTP server on 127.0.0.1, an event recorder, settings and projects.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::events::{Event, Report};
use crate::fsutil::sha256_hex;
use crate::settings::Settings;

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    failures: HashMap<String, VecDeque<u16>>,
    truncations: HashMap<String, usize>,
    hits: HashMap<String, usize>,
    /// `Content-Type` headers to send, by path.
    types: HashMap<String, String>,
    /// The last `Accept` header received, by path.
    accepts: HashMap<String, String>,
}

/// An HTTP/1.1 server answering GETs from an in-memory map of paths; each connection serves one
/// request and closes.
pub struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_state, thread_stop) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if thread_stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let state = thread_state.clone();
                    std::thread::spawn(move || serve(stream, &state));
                }
            }
        });
        Server { port, state, stop }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn file(&self, path: &str, bytes: &[u8]) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(path.to_string(), bytes.to_vec());
    }

    /// A file served with a `Content-Type` header.
    pub fn typed_file(&self, path: &str, bytes: &[u8], content_type: &str) {
        self.file(path, bytes);
        self.state
            .lock()
            .unwrap()
            .types
            .insert(path.to_string(), content_type.to_string());
    }

    /// The `Accept` header of the last request of `path`.
    pub fn accept(&self, path: &str) -> Option<String> {
        self.state.lock().unwrap().accepts.get(path).cloned()
    }

    /// The next requests of `path` get these statuses (with an empty body), in order.
    pub fn fail_next(&self, path: &str, statuses: &[u16]) {
        self.state
            .lock()
            .unwrap()
            .failures
            .entry(path.to_string())
            .or_default()
            .extend(statuses);
    }

    /// The next `count` requests of `path` get half the body and a closed connection.
    pub fn truncate_next(&self, path: &str, count: usize) {
        self.state
            .lock()
            .unwrap()
            .truncations
            .insert(path.to_string(), count);
    }

    pub fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    pub fn total_hits(&self) -> usize {
        self.state.lock().unwrap().hits.values().sum()
    }

    /// Publishes a package in the index at `/pi`: its files under `/pi/file/xx/<hash>`, its
    /// package.json at `/pi/package/py/<name>/<version>.json` and `latest.json`.
    pub fn index_package(
        &self,
        name: &str,
        version: &str,
        files: &[(&str, &[u8])],
        deps: &[(&str, &str)],
    ) {
        let mut hashes = Vec::new();
        for (dest, bytes) in files {
            let hash = short_hash(bytes);
            self.file(&format!("/pi/file/{}/{hash}", &hash[..2]), bytes);
            hashes.push(serde_json::json!([dest, hash]));
        }
        let json = serde_json::json!({
            "v": 1,
            "version": version,
            "hashes": hashes,
            "deps": deps.iter().map(|(n, v)| serde_json::json!([n, v])).collect::<Vec<_>>(),
        });
        let bytes = serde_json::to_vec_pretty(&json).unwrap();
        self.file(&format!("/pi/package/py/{name}/{version}.json"), &bytes);
        self.file(&format!("/pi/package/py/{name}/latest.json"), &bytes);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// The first 8 hex digits of the sha256 (a mip index hash).
pub fn short_hash(bytes: &[u8]) -> String {
    sha256_hex(bytes)[..8].to_string()
}

fn serve(mut stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let target = text.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split('?').next().unwrap_or(target).to_string();
    let accept = text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("accept"))
        .map(|(_, value)| value.trim().to_string());
    let (status, body, truncate, content_type) = {
        let mut state = state.lock().unwrap();
        *state.hits.entry(path.clone()).or_default() += 1;
        if let Some(accept) = accept {
            state.accepts.insert(path.clone(), accept);
        }
        let content_type = state.types.get(&path).cloned();
        let failure = state.failures.get_mut(&path).and_then(VecDeque::pop_front);
        let truncate = match state.truncations.get_mut(&path) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        };
        match (failure, state.files.get(&path)) {
            (Some(status), _) => (status, Vec::new(), false, None),
            (None, Some(body)) => (200, body.clone(), truncate, content_type),
            (None, None) => (404, b"not found".to_vec(), false, None),
        }
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let content_type = content_type
        .map(|value| format!("Content-Type: {value}\r\n"))
        .unwrap_or_default();
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\n{content_type}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    let sent = if truncate {
        &body[..body.len() / 2]
    } else {
        &body[..]
    };
    let _ = stream.write_all(sent);
    let _ = stream.flush();
}

/// Records every event.
#[derive(Default)]
pub struct Recorder(Mutex<Vec<Event>>);

impl Recorder {
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }
}

impl Report for Recorder {
    fn report(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

/// Settings with the cache in `cache`, millisecond retries and a short timeout.
pub fn fast_settings(cache: &Path) -> Settings {
    let mut settings = Settings::new(cache);
    settings.retry_delay = Duration::from_millis(1);
    settings.timeout = Duration::from_secs(10);
    settings
}

/// Writes files (`path`, text) under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Every file and folder under `root` as sorted `/`-paths, files with their content
/// (`path = text`), folders with a trailing `/`.
pub fn tree(root: &Path) -> Vec<String> {
    fn walk(root: &Path, folder: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                out.push(format!("{relative}/"));
                walk(root, &path, out);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "<binary>".into());
                out.push(format!("{relative} = {text}"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// A project folder with the given pyproject text; returns its root.
pub fn project_dir(parent: &Path, pyproject: &str) -> PathBuf {
    let root = parent.join("project");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("pyproject.toml"), pyproject).unwrap();
    root
}
