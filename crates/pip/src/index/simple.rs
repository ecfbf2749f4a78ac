//! Project pages of simple indexes: PEP 691 JSON and PEP 503 HTML (with PEP 592 `data-yanked`,
//! PEP 658/714 `data-dist-info-metadata`/`data-core-metadata`, `data-requires-python`), and
//! `--find-links` HTML pages.

use std::str::FromStr;

use pep440_rs::VersionSpecifiers;
use serde_json::Value;

use super::DistFile;

/// A project page: JSON when its content type says so (or, for a file, when it is a JSON
/// object), else HTML. `url` is the page's, for relative links.
pub(super) fn parse_page(
    text: &str,
    content_type: Option<&str>,
    url: &str,
) -> crate::Result<Vec<DistFile>> {
    let json = match content_type {
        Some(content_type) => content_type.contains("json"),
        None => text.trim_start().starts_with('{'),
    };
    if json {
        parse_json(text, url)
    } else {
        parse_html(text, url)
    }
}

/// A PEP 691 project page.
pub(super) fn parse_json(text: &str, url: &str) -> crate::Result<Vec<DistFile>> {
    let error = |message: String| crate::Error::Metadata {
        origin: url.to_string(),
        message,
    };
    let page: Value =
        serde_json::from_str(text).map_err(|e| error(format!("not a PEP 691 page: {e}")))?;
    let files = page
        .get("files")
        .and_then(Value::as_array)
        .ok_or_else(|| error("not a PEP 691 page: no `files` list".to_string()))?;
    let base = url::Url::parse(url).map_err(|e| error(format!("bad URL: {e}")))?;
    let mut out = Vec::new();
    for file in files {
        let (Some(filename), Some(href)) = (
            file.get("filename").and_then(Value::as_str),
            file.get("url").and_then(Value::as_str),
        ) else {
            continue;
        };
        let Ok(absolute) = base.join(href) else {
            continue;
        };
        let (url, fragment_hash) = split_hash(absolute);
        let sha256 = file
            .get("hashes")
            .and_then(|h| h.get("sha256"))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .or(fragment_hash);
        let yanked = match file.get("yanked") {
            Some(Value::Bool(true)) => Some(String::new()),
            Some(Value::String(reason)) => Some(reason.clone()),
            _ => None,
        };
        let metadata = file
            .get("core-metadata")
            .or_else(|| file.get("dist-info-metadata"));
        let has_metadata_file = match metadata {
            Some(Value::Bool(offered)) => *offered,
            Some(Value::Object(_)) => true,
            _ => false,
        };
        let metadata_sha256 = metadata
            .and_then(|m| m.get("sha256"))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        out.push(DistFile {
            filename: filename.to_string(),
            url,
            sha256,
            requires_python: file
                .get("requires-python")
                .and_then(Value::as_str)
                .and_then(requires_python),
            yanked,
            has_metadata_file,
            metadata_sha256,
        });
    }
    Ok(out)
}

/// A PEP 503 project page, or a find-links page: every anchor, the file name from its URL.
pub(super) fn parse_html(text: &str, url: &str) -> crate::Result<Vec<DistFile>> {
    let mut base = url::Url::parse(url).map_err(|e| crate::Error::Metadata {
        origin: url.to_string(),
        message: format!("bad URL: {e}"),
    })?;
    let mut out = Vec::new();
    for (tag, attributes) in tags(text) {
        let href = attributes.iter().find(|(name, _)| name == "href");
        let Some((_, href)) = href else {
            continue;
        };
        if tag == "base" {
            if let Ok(new_base) = base.join(href) {
                base = new_base;
            }
            continue;
        }
        let Ok(absolute) = base.join(href) else {
            continue;
        };
        let (url, sha256) = split_hash(absolute);
        let filename = url
            .rsplit('/')
            .next()
            .map(percent_decode)
            .unwrap_or_default();
        let attribute = |name: &str| {
            attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let metadata = attribute("data-core-metadata").or(attribute("data-dist-info-metadata"));
        out.push(DistFile {
            filename,
            url,
            sha256,
            requires_python: attribute("data-requires-python").and_then(requires_python),
            yanked: attribute("data-yanked").map(str::to_string),
            has_metadata_file: metadata.is_some_and(|value| value != "false"),
            // `sha256=<hex>` (PEP 658), or `true`.
            metadata_sha256: metadata
                .and_then(|value| value.strip_prefix("sha256="))
                .map(str::to_ascii_lowercase),
        });
    }
    Ok(out)
}

/// An index's `requires-python` (one that does not parse is ignored, as pip does).
fn requires_python(text: &str) -> Option<VersionSpecifiers> {
    VersionSpecifiers::from_str(text).ok()
}

/// The URL without its fragment, and the `sha256=` of the fragment.
fn split_hash(mut url: url::Url) -> (String, Option<String>) {
    let hash = url
        .fragment()
        .and_then(|fragment| fragment.strip_prefix("sha256="))
        .map(str::to_ascii_lowercase);
    url.set_fragment(None);
    (url.into(), hash)
}

/// The `<a>` and `<base>` tags of a page with their attributes (names lowercase, values with
/// their entities decoded).
fn tags(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        if name != "a" && name != "base" {
            continue;
        }
        let (attributes, consumed) = attributes(&rest[name_end..]);
        found.push((name, attributes));
        rest = &rest[name_end + consumed..];
    }
    found
}

/// The attributes up to the tag's `>`, and the bytes read.
fn attributes(text: &str) -> (Vec<(String, String)>, usize) {
    let bytes = text.as_bytes();
    let mut attributes = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= bytes.len() {
            return (attributes, i);
        }
        if bytes[i] == b'>' {
            return (attributes, i + 1);
        }
        if bytes[i] == b'/' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let name = text[start..i].to_ascii_lowercase();
        skip_space(&mut i);
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            skip_space(&mut i);
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let end = text[i + 1..]
                    .find(quote as char)
                    .map_or(bytes.len(), |n| i + 1 + n);
                value = decode_entities(&text[i + 1..end]);
                i = (end + 1).min(bytes.len());
            } else {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&text[start..i]);
            }
        }
        if !name.is_empty() {
            attributes.push((name, value));
        }
    }
}

/// HTML character references: the named ones an index writes, and numeric ones.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => match entity.strip_prefix('#') {
                    Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16)
                        .ok()
                        .and_then(char::from_u32),
                    Some(decimal) => decimal.parse().ok().and_then(char::from_u32),
                    None => None,
                },
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `%XX` escapes of a URL path segment decoded.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_escapes() {
        assert_eq!(
            decode_entities("&gt;=3.8, &lt;4 &amp; &#62;&#x3C;"),
            ">=3.8, <4 & ><"
        );
        assert_eq!(
            decode_entities("a & b &unknown; &#xZZ;"),
            "a & b &unknown; &#xZZ;"
        );
        assert_eq!(percent_decode("a%2Bb-1.0%2blocal.whl"), "a+b-1.0+local.whl");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn attributes_in_every_form() {
        let (found, _) =
            attributes(" HREF='x.whl'  data-yanked data-requires-python=\"&gt;=3\" a=b>text");
        assert_eq!(
            found,
            [
                ("href".to_string(), "x.whl".to_string()),
                ("data-yanked".to_string(), String::new()),
                ("data-requires-python".to_string(), ">=3".to_string()),
                ("a".to_string(), "b".to_string()),
            ]
        );
    }
}
