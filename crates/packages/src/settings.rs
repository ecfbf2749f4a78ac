//! Where things are fetched from and cached: the environment, read once into [`Settings`].

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// MicroPython's public package index (Belay's `DEFAULT_PACKAGE_INDICES`).
pub const DEFAULT_PACKAGE_INDEX: &str = "https://micropython.org/pi/v2";
/// Where `github:` files are read from.
pub const DEFAULT_GITHUB_RAW: &str = "https://raw.githubusercontent.com";
/// Where GitHub repositories are cloned from (the clone fallback).
pub const DEFAULT_GITHUB: &str = "https://github.com";
/// Where `gitlab:` files are read and repositories cloned from.
pub const DEFAULT_GITLAB: &str = "https://gitlab.com";

/// The environment variables [`Settings::from_env`] reads.
pub const ENV_PACKAGE_INDEX: &str = "BELAY_RUN_PACKAGE_INDEX";
pub const ENV_GITHUB_RAW: &str = "BELAY_RUN_GITHUB_RAW";
pub const ENV_GITHUB: &str = "BELAY_RUN_GITHUB";
pub const ENV_GITLAB: &str = "BELAY_RUN_GITLAB";
pub const ENV_CACHE_DIR: &str = "BELAY_RUN_CACHE_DIR";
pub const ENV_OFFLINE: &str = "BELAY_RUN_OFFLINE";

/// Everything the package manager takes from its environment. Build it with
/// [`Settings::from_env`] once per process, or directly (tests, mirrors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `BELAY_RUN_PACKAGE_INDEX`: the index used when the project sets no `package_indices`
    /// (`None`: [`DEFAULT_PACKAGE_INDEX`]).
    pub package_index: Option<String>,
    /// `BELAY_RUN_GITHUB_RAW`, default [`DEFAULT_GITHUB_RAW`]: base of raw GitHub files.
    pub github_raw: String,
    /// `BELAY_RUN_GITHUB`, default [`DEFAULT_GITHUB`]: base of GitHub clone URLs.
    pub github: String,
    /// `BELAY_RUN_GITLAB`, default [`DEFAULT_GITLAB`]: base of GitLab raw files and clones.
    pub gitlab: String,
    /// `BELAY_RUN_CACHE_DIR`, default the platform's cache folder (see [`default_cache_dir`]).
    pub cache_dir: PathBuf,
    /// `BELAY_RUN_OFFLINE=1`: no network; downloads come from the cache or fail.
    pub offline: bool,
    /// Timeout of one request (30 s, as Belay).
    pub timeout: Duration,
    /// Attempts per request on timeouts, connection errors, 429 and 5xx (3, as Belay).
    pub attempts: u32,
    /// The wait after the first failed attempt; doubled after each further one, at most 10 s.
    pub retry_delay: Duration,
}

impl Settings {
    /// Defaults with the given cache folder (no environment read).
    pub fn new(cache_dir: impl Into<PathBuf>) -> Settings {
        Settings {
            package_index: None,
            github_raw: DEFAULT_GITHUB_RAW.to_string(),
            github: DEFAULT_GITHUB.to_string(),
            gitlab: DEFAULT_GITLAB.to_string(),
            cache_dir: cache_dir.into(),
            offline: false,
            timeout: Duration::from_secs(30),
            attempts: 3,
            retry_delay: Duration::from_secs(1),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Settings {
        Settings::from_vars(|name| std::env::var_os(name))
    }

    /// Builds the settings from a variable lookup (empty values count as unset).
    pub fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Settings {
        let text = |name: &str| {
            var(name)
                .map(|value| value.to_string_lossy().trim().to_string())
                .filter(|value| !value.is_empty())
        };
        let base = |name: &str, default: &str| {
            text(name)
                .map(|value| value.trim_end_matches('/').to_string())
                .unwrap_or_else(|| default.to_string())
        };
        let cache_dir = var(ENV_CACHE_DIR)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| default_cache_dir(std::env::consts::OS, &var));
        let mut settings = Settings::new(cache_dir);
        settings.package_index = text(ENV_PACKAGE_INDEX);
        settings.github_raw = base(ENV_GITHUB_RAW, DEFAULT_GITHUB_RAW);
        settings.github = base(ENV_GITHUB, DEFAULT_GITHUB);
        settings.gitlab = base(ENV_GITLAB, DEFAULT_GITLAB);
        settings.offline = text(ENV_OFFLINE).is_some_and(|value| is_true(&value));
        settings
    }

    /// The indices to use when the project sets none.
    pub fn default_indices(&self) -> Vec<String> {
        vec![
            self.package_index
                .clone()
                .unwrap_or_else(|| DEFAULT_PACKAGE_INDEX.to_string()),
        ]
    }
}

fn is_true(value: &str) -> bool {
    !matches!(
        value.to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

/// The platform's cache folder for belay-run: `$XDG_CACHE_HOME/belay-run` (when absolute) or
/// `~/.cache/belay-run` on Linux and other Unix systems, `~/Library/Caches/belay-run` on macOS,
/// `%LOCALAPPDATA%\belay-run\cache` on Windows. `os` is a `std::env::consts::OS` value.
pub fn default_cache_dir(os: &str, var: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    let set = |name: &str| {
        var(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    let home = || {
        set("HOME")
            .or_else(|| set("USERPROFILE"))
            .unwrap_or_else(std::env::temp_dir)
    };
    match os {
        "windows" => match set("LOCALAPPDATA") {
            Some(local) => local.join("belay-run").join("cache"),
            None => home()
                .join("AppData")
                .join("Local")
                .join("belay-run")
                .join("cache"),
        },
        "macos" => home().join("Library").join("Caches").join("belay-run"),
        _ => match set("XDG_CACHE_HOME").filter(|path| path.is_absolute()) {
            Some(cache) => cache.join("belay-run"),
            None => home().join(".cache").join("belay-run"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults_without_variables() {
        let settings = Settings::from_vars(vars(&[("HOME", "/home/u")]));
        assert_eq!(settings.package_index, None);
        assert_eq!(settings.default_indices(), vec![DEFAULT_PACKAGE_INDEX]);
        assert_eq!(settings.github_raw, DEFAULT_GITHUB_RAW);
        assert_eq!(settings.gitlab, DEFAULT_GITLAB);
        assert!(!settings.offline);
        assert_eq!(settings.attempts, 3);
        if std::env::consts::OS == "linux" {
            assert_eq!(
                settings.cache_dir,
                PathBuf::from("/home/u/.cache/belay-run")
            );
        }
    }

    #[test]
    fn every_variable_overrides() {
        let settings = Settings::from_vars(vars(&[
            ("BELAY_RUN_PACKAGE_INDEX", "http://127.0.0.1:9/pi/"),
            ("BELAY_RUN_GITHUB_RAW", "http://127.0.0.1:9/raw/"),
            ("BELAY_RUN_GITHUB", "file:///srv/git"),
            ("BELAY_RUN_GITLAB", "http://127.0.0.1:9/gl"),
            ("BELAY_RUN_CACHE_DIR", "/tmp/c"),
            ("BELAY_RUN_OFFLINE", "1"),
        ]));
        assert_eq!(
            settings.package_index.as_deref(),
            Some("http://127.0.0.1:9/pi/")
        );
        assert_eq!(settings.default_indices(), vec!["http://127.0.0.1:9/pi/"]);
        assert_eq!(settings.github_raw, "http://127.0.0.1:9/raw");
        assert_eq!(settings.github, "file:///srv/git");
        assert_eq!(settings.gitlab, "http://127.0.0.1:9/gl");
        assert_eq!(settings.cache_dir, PathBuf::from("/tmp/c"));
        assert!(settings.offline);
    }

    #[test]
    fn offline_values() {
        for (value, expected) in [
            ("1", true),
            ("true", true),
            ("yes", true),
            ("0", false),
            ("false", false),
            ("OFF", false),
            ("", false),
        ] {
            let settings = Settings::from_vars(vars(&[("BELAY_RUN_OFFLINE", value)]));
            assert_eq!(settings.offline, expected, "BELAY_RUN_OFFLINE={value:?}");
        }
    }

    #[test]
    fn platform_cache_folders() {
        let v = vars(&[
            ("HOME", "/h"),
            ("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local"),
        ]);
        assert_eq!(
            default_cache_dir("linux", &v),
            PathBuf::from("/h/.cache/belay-run")
        );
        assert_eq!(
            default_cache_dir("macos", &v),
            PathBuf::from("/h/Library/Caches/belay-run")
        );
        assert_eq!(
            default_cache_dir("windows", &v),
            PathBuf::from("C:\\Users\\u\\AppData\\Local")
                .join("belay-run")
                .join("cache")
        );
        let xdg = vars(&[("HOME", "/h"), ("XDG_CACHE_HOME", "/x/cache")]);
        assert_eq!(
            default_cache_dir("linux", &xdg),
            PathBuf::from("/x/cache/belay-run")
        );
        // A relative XDG_CACHE_HOME is invalid by the spec and ignored.
        let relative = vars(&[("HOME", "/h"), ("XDG_CACHE_HOME", "rel")]);
        assert_eq!(
            default_cache_dir("linux", &relative),
            PathBuf::from("/h/.cache/belay-run")
        );
    }
}
