//! RECORD files (PyPA "Recording installed projects"): CSV rows `path,hash,size`, hashes written
//! `sha256=` + urlsafe base64 without padding; and the digests a wheel's RECORD may use.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

/// One row of a RECORD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub path: String,
    pub hash: String,
    pub size: String,
}

/// The rows of a RECORD (CSV, `"` quoting as Python's `csv` writes it).
pub(crate) fn parse(text: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields =
            split_csv(line).ok_or_else(|| format!("RECORD line {}: bad quoting", number + 1))?;
        let mut fields = fields.into_iter();
        let path = fields.next().unwrap_or_default();
        let hash = fields.next().unwrap_or_default();
        let size = fields.next().unwrap_or_default();
        rows.push(Row { path, hash, size });
    }
    Ok(rows)
}

fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (_, c) => field.push(c),
        }
    }
    (!quoted).then(|| {
        fields.push(field);
        fields
    })
}

/// RECORD text for `rows`, as pip writes it (Python's `csv`: sorted by path, `\r\n` lines).
pub(crate) fn write(rows: &mut [Row]) -> String {
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::new();
    for row in rows.iter() {
        let fields = [&row.path, &row.hash, &row.size].map(|f| quote(f));
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// A running digest of one of the algorithms a wheel's RECORD may name.
pub(crate) enum Digest {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Digest {
    /// The digest a RECORD hash (`sha256=...`) is checked with (`None`: not one of
    /// sha256/384/512, which the wheel spec does not allow).
    pub(crate) fn for_record(hash: &str) -> Option<Digest> {
        match hash.split_once('=')?.0 {
            "sha256" => Some(Digest::Sha256(Sha256::new())),
            "sha384" => Some(Digest::Sha384(Sha384::new())),
            "sha512" => Some(Digest::Sha512(Sha512::new())),
            _ => None,
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Digest::Sha256(d) => d.update(data),
            Digest::Sha384(d) => d.update(data),
            Digest::Sha512(d) => d.update(data),
        }
    }

    /// `algorithm=urlsafe-base64` without padding.
    pub(crate) fn finish(self) -> String {
        let (name, bytes) = match self {
            Digest::Sha256(d) => ("sha256", d.finalize().to_vec()),
            Digest::Sha384(d) => ("sha384", d.finalize().to_vec()),
            Digest::Sha512(d) => ("sha512", d.finalize().to_vec()),
        };
        format!("{name}={}", URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// `sha256=...` of `data`.
pub(crate) fn sha256(data: &[u8]) -> String {
    let mut digest = Digest::Sha256(Sha256::new());
    digest.update(data);
    digest.finish()
}

/// A writer that hashes (sha256) and counts what goes through it.
pub(crate) struct HashingWriter<W> {
    pub inner: W,
    digest: Digest,
    pub size: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            digest: Digest::Sha256(Sha256::new()),
            size: 0,
        }
    }

    pub(crate) fn hash(self) -> String {
        self.digest.finish()
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.digest.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `path` resolved lexically (`.` and `..` components), without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` relative to the folder `from` (both absolute and normalized), `/`-separated as RECORD
/// writes paths.
pub(crate) fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_with_quoting() {
        let mut rows = vec![
            Row {
                path: "b,c.py".into(),
                hash: "sha256=x".into(),
                size: "3".into(),
            },
            Row {
                path: "a.dist-info/RECORD".into(),
                hash: String::new(),
                size: String::new(),
            },
        ];
        let text = write(&mut rows);
        assert_eq!(text, "a.dist-info/RECORD,,\r\n\"b,c.py\",sha256=x,3\r\n");
        assert_eq!(parse(&text).unwrap(), rows);
        assert!(parse("\"open,,\n").is_err());
    }

    #[test]
    fn sha256_is_urlsafe_without_padding() {
        // python3 -c "import hashlib,base64;print(base64.urlsafe_b64encode(hashlib.sha256(b'hello').digest()).rstrip(b'='))"
        assert_eq!(
            sha256(b"hello"),
            "sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ"
        );
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        let site = Path::new("/v/lib/python3.14/site-packages");
        assert_eq!(
            relative(site, Path::new("/v/bin/rich")),
            "../../../bin/rich"
        );
        assert_eq!(relative(site, &site.join("a/b.py")), "a/b.py");
        assert_eq!(
            normalize(Path::new("/v/lib/../bin/./x")),
            Path::new("/v/bin/x")
        );
    }
}
