//! Host Python source work, with the parser RustPython ships (no interpreter needed): capturing a
//! decorated function's source ([`capture`]), telling expressions from statements and reading
//! import statements ([`analysis`]), finding the global names code binds ([`globals`]), and
//! shrinking code before it is sent ([`minify`]).

pub mod analysis;
pub mod capture;
pub mod globals;
pub mod minify;

pub use capture::{SourceCache, dedent};
