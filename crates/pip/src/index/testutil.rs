//! Test helpers: wheels made on the spot, `file://` simple indexes of them; the HTTP server on
//! 127.0.0.1 is belay-packages' (no network in unit tests).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::target::Target;

pub(crate) fn target() -> Target {
    Target::rustpython("linux", "Linux", "x86_64")
}

pub(crate) use belay_packages::testutil::Server;
/// Settings for tests: quick retries, `cache` as the cache folder.
pub(crate) use belay_packages::testutil::fast_settings as settings;

/// A wheel's bytes: `METADATA` with `lines` (`Requires-Dist: ...`) and a module.
pub(crate) fn wheel_bytes(name: &str, version: &str, lines: &[&str]) -> Vec<u8> {
    let dist = format!("{}-{version}.dist-info", name.replace('-', "_"));
    let mut metadata = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    for line in lines {
        metadata.push_str(line);
        metadata.push('\n');
    }
    metadata.push_str("\nThe description.\n");
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut cursor);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file(format!("{}.py", name.replace('-', "_")), options)
        .unwrap();
    zip.write_all(b"x = 1\n").unwrap();
    zip.start_file(format!("{dist}/METADATA"), options).unwrap();
    zip.write_all(metadata.as_bytes()).unwrap();
    zip.finish().unwrap();
    cursor.into_inner()
}

/// One file of a [`LocalIndex`].
pub(crate) struct Listed {
    pub filename: String,
    pub sha256: String,
    /// Extra attributes of its anchor (`data-yanked`, `data-requires-python="&gt;=3.15"`).
    pub attributes: String,
}

/// A PEP 503 index in a folder, read through `file://` URLs: `<root>/simple/<name>/index.html`,
/// files in `<root>/files`.
pub(crate) struct LocalIndex {
    pub root: tempfile::TempDir,
    projects: HashMap<String, Vec<Listed>>,
}

impl LocalIndex {
    pub(crate) fn new() -> LocalIndex {
        LocalIndex {
            root: tempfile::tempdir().unwrap(),
            projects: HashMap::new(),
        }
    }

    /// Adds a pure-Python wheel (`py3-none-any`).
    pub(crate) fn wheel(&mut self, name: &str, version: &str, lines: &[&str]) -> &mut Self {
        self.file(name, version, "py3-none-any", lines, "")
    }

    /// Adds a wheel with these tags and anchor attributes.
    pub(crate) fn file(
        &mut self,
        name: &str,
        version: &str,
        tags: &str,
        lines: &[&str],
        attributes: &str,
    ) -> &mut Self {
        let filename = format!("{}-{version}-{tags}.whl", name.replace('-', "_"));
        let bytes = wheel_bytes(name, version, lines);
        let files = self.root.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        std::fs::write(files.join(&filename), &bytes).unwrap();
        self.projects
            .entry(name.to_string())
            .or_default()
            .push(Listed {
                filename,
                sha256: belay_packages::sha256_hex(&bytes),
                attributes: attributes.to_string(),
            });
        self.write();
        self
    }

    fn write(&self) {
        for (name, files) in &self.projects {
            let folder = self.root.path().join("simple").join(name);
            std::fs::create_dir_all(&folder).unwrap();
            let mut html = format!(
                "<!DOCTYPE html>\n<html><head><title>Links for {name}</title></head><body>\n<h1>Links for {name}</h1>\n"
            );
            for file in files {
                html.push_str(&format!(
                    "<a href=\"../../files/{0}#sha256={1}\" {2}>{0}</a><br />\n",
                    file.filename, file.sha256, file.attributes
                ));
            }
            html.push_str("</body></html>\n");
            std::fs::write(folder.join("index.html"), html).unwrap();
        }
    }

    /// The index URL (`file:///.../simple`).
    pub(crate) fn url(&self) -> String {
        url::Url::from_directory_path(self.root.path().join("simple"))
            .unwrap()
            .to_string()
    }

    /// Serves the index on `server`: `/simple/<name>/` and `/files/<file>`.
    pub(crate) fn serve(&self, server: &Server) {
        for (name, files) in &self.projects {
            let page = self
                .root
                .path()
                .join("simple")
                .join(name)
                .join("index.html");
            let html = std::fs::read(page).unwrap();
            server.typed_file(&format!("/simple/{name}/"), &html, "text/html");
            for file in files {
                let bytes = std::fs::read(self.root.path().join("files").join(&file.filename));
                server.file(&format!("/files/{}", file.filename), &bytes.unwrap());
            }
        }
    }

    pub(crate) fn options(&self) -> super::IndexOptions {
        super::IndexOptions {
            index_url: Some(self.url()),
            ..Default::default()
        }
    }
}

/// Every event, for assertions.
#[derive(Default)]
pub(crate) struct Recorder(pub Mutex<Vec<crate::Event>>);

impl crate::Report for Recorder {
    fn report(&self, event: &crate::Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

/// A path as a `file://` URL.
pub(crate) fn file_url(path: &Path) -> String {
    super::path_url(path)
}

pub(crate) fn files_dir(index: &LocalIndex) -> PathBuf {
    index.root.path().join("files")
}
