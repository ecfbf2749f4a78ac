//! Progress, for the command line to show (this crate prints nothing).

/// What the work is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Asking an index about a project.
    Querying { project: String, url: String },
    /// Downloading a file (a wheel, its metadata).
    Downloading { file: String, url: String },
    /// A file came from the cache.
    Cached { file: String },
    /// Building a wheel from an sdist (its backend runs).
    Building { file: String },
    /// The resolution is done: the distributions to install (`name==version`).
    Resolved(Vec<String>),
    /// Installing a distribution.
    Installing { name: String, version: String },
    /// A distribution was removed (an upgrade, `uninstall`).
    Removed { name: String, version: String },
    /// Something worth saying that does not stop the work.
    Warning(String),
}

/// Where events go.
pub trait Report: Sync {
    fn report(&self, event: &Event);
}

/// Events nobody wants to see.
pub struct Silent;

impl Report for Silent {
    fn report(&self, _event: &Event) {}
}
