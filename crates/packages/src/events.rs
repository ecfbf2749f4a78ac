//! Progress reports: what the package manager is doing, for the command line to print.

use std::fmt;
use std::path::PathBuf;

/// One step of a command. `Display` gives Belay-like lines for the per-package events
/// (`  • tinypkg: Updated.`) and a short sentence for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A package of a group is about to be downloaded.
    Updating { group: String, package: String },
    /// The package's files in the group folder changed.
    Updated { group: String, package: String },
    /// The package was downloaded again and nothing changed.
    Unchanged { group: String, package: String },
    /// A network request (each attempt is one event).
    Downloading { url: String },
    /// A file served from the cache without a request (offline, or content-addressed by hash).
    FromCache { url: String },
    /// A request failed in a way worth retrying; `attempt` is the one that failed.
    Retrying {
        url: String,
        attempt: u32,
        reason: String,
    },
    /// A git repository is cloned into the cache.
    Cloning { url: String },
    /// A cached git clone is brought up to date.
    Fetching { url: String },
    /// `clean` (or an update) removed this path.
    Removed { path: PathBuf },
    /// Something the user should know that does not stop the command (Belay logs these).
    Warning(String),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Updating { package, .. } => write!(f, "  • {package}: Updating..."),
            Event::Updated { package, .. } => write!(f, "  • {package}: Updated."),
            Event::Unchanged { package, .. } => write!(f, "  • {package}: No changes detected."),
            Event::Downloading { url } => write!(f, "Downloading {url}"),
            Event::FromCache { url } => write!(f, "Using cached {url}"),
            Event::Retrying {
                url,
                attempt,
                reason,
            } => write!(f, "Attempt {attempt} for {url} failed ({reason}); retrying"),
            Event::Cloning { url } => write!(f, "Cloning {url}"),
            Event::Fetching { url } => write!(f, "Fetching {url}"),
            Event::Removed { path } => write!(f, "Removed {}", path.display()),
            Event::Warning(message) => write!(f, "Warning: {message}"),
        }
    }
}

/// Receives [`Event`]s. Any `Fn(&Event)` closure is a `Report`; [`Silent`] drops everything.
pub trait Report {
    fn report(&self, event: &Event);
}

impl<F: Fn(&Event)> Report for F {
    fn report(&self, event: &Event) {
        self(event)
    }
}

/// A [`Report`] that ignores every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Report for Silent {
    fn report(&self, _event: &Event) {}
}
