//! Wheels built in tests: given files, `WHEEL`, `METADATA`, `entry_points.txt` and a correct
//! RECORD (each part can be spoiled for the tests of bad wheels).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use zip::write::SimpleFileOptions;

use super::WheelToInstall;
use super::record::{self, Row};

pub(crate) struct TestWheel {
    pub name: String,
    pub version: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub entry_points: Option<String>,
    pub wheel_version: String,
    /// Rows added to the RECORD that would be written.
    pub extra_rows: Vec<String>,
    /// Files left out of RECORD.
    pub unrecorded: Vec<String>,
    /// Directory entries in the zip (and in RECORD, as some tools write them).
    pub directories: Vec<String>,
    /// Symbolic links in the zip: (name, target).
    pub symlinks: Vec<(String, String)>,
}

impl TestWheel {
    pub(crate) fn new(name: &str, version: &str) -> TestWheel {
        TestWheel {
            name: name.to_string(),
            version: version.to_string(),
            files: Vec::new(),
            entry_points: None,
            wheel_version: "1.0".to_string(),
            extra_rows: Vec::new(),
            unrecorded: Vec::new(),
            directories: Vec::new(),
            symlinks: Vec::new(),
        }
    }

    pub(crate) fn file(mut self, path: &str, content: &str) -> TestWheel {
        self.files
            .push((path.to_string(), content.as_bytes().to_vec()));
        self
    }

    pub(crate) fn dist_info(&self) -> String {
        format!("{}-{}.dist-info", self.name.replace('-', "_"), self.version)
    }

    /// Every file of the wheel with its content (metadata files included, RECORD not).
    fn all_files(&self) -> Vec<(String, Vec<u8>)> {
        let info = self.dist_info();
        let mut files = self.files.clone();
        let metadata = format!(
            "Metadata-Version: 2.1\nName: {}\nVersion: {}\nSummary: test\n\n",
            self.name, self.version
        );
        files.push((format!("{info}/METADATA"), metadata.into_bytes()));
        let wheel = format!(
            "Wheel-Version: {}\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
            self.wheel_version
        );
        files.push((format!("{info}/WHEEL"), wheel.into_bytes()));
        if let Some(text) = &self.entry_points {
            files.push((
                format!("{info}/entry_points.txt"),
                text.clone().into_bytes(),
            ));
        }
        files
    }

    /// Write `<dir>/<name>-<version>-py3-none-any.whl`.
    pub(crate) fn write(&self, dir: &Path) -> PathBuf {
        let path = dir.join(format!(
            "{}-{}-py3-none-any.whl",
            self.name.replace('-', "_"),
            self.version
        ));
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = SimpleFileOptions::default();
        let mut rows = Vec::new();
        for dir in &self.directories {
            zip.add_directory(dir.as_str(), options).unwrap();
            rows.push(Row {
                path: format!("{}/", dir.trim_end_matches('/')),
                hash: String::new(),
                size: String::new(),
            });
        }
        for (name, content) in self.all_files() {
            zip.start_file(name.as_str(), options).unwrap();
            zip.write_all(&content).unwrap();
            if !self.unrecorded.contains(&name) {
                rows.push(Row {
                    path: name,
                    hash: record::sha256(&content),
                    size: content.len().to_string(),
                });
            }
        }
        for (name, target) in &self.symlinks {
            zip.add_symlink(name.as_str(), target.as_str(), options)
                .unwrap();
        }
        let info = self.dist_info();
        rows.push(Row {
            path: format!("{info}/RECORD"),
            hash: String::new(),
            size: String::new(),
        });
        let mut text = record::write(&mut rows);
        for row in &self.extra_rows {
            text.push_str(row);
            text.push('\n');
        }
        zip.start_file(format!("{info}/RECORD"), options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        zip.finish().unwrap();
        path
    }

    /// The wheel written in `dir`, to install.
    pub(crate) fn to_install(&self, dir: &Path, requested: bool) -> WheelToInstall {
        WheelToInstall {
            path: self.write(dir),
            name: pep508_rs::PackageName::from_str(&self.name).unwrap(),
            version: pep440_rs::Version::from_str(&self.version).unwrap(),
            requested,
            direct_url: None,
        }
    }
}
