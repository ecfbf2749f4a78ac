//! The core metadata inside a wheel (`<name>-<version>.dist-info/METADATA`).

use std::io::Read;
use std::path::Path;

use crate::metadata::Metadata;

/// The largest METADATA read (a long description included).
const LIMIT: u64 = 16 * 1024 * 1024;

/// The metadata of the wheel at `path`; `filename` names it in errors.
pub(super) fn read_metadata(path: &Path, filename: &str) -> crate::Result<Metadata> {
    let error = |message: String| crate::Error::Wheel {
        wheel: filename.to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| crate::Error::io("cannot open", path, e))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| error(format!("not a zip archive: {e}")))?;
    let name = archive
        .file_names()
        .filter(|name| {
            name.strip_suffix("/METADATA")
                .is_some_and(|folder| folder.ends_with(".dist-info") && !folder.contains('/'))
        })
        .min()
        .map(str::to_string)
        .ok_or_else(|| error("no .dist-info/METADATA in the wheel".to_string()))?;
    let entry = archive
        .by_name(&name)
        .map_err(|e| error(format!("{name}: {e}")))?;
    let mut text = String::new();
    entry
        .take(LIMIT)
        .read_to_string(&mut text)
        .map_err(|e| error(format!("{name}: {e}")))?;
    Metadata::parse(&text, &format!("{filename}/{name}"))
}
