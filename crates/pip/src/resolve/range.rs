//! The version sets PubGrub works with: PEP 440 ranges (`pep440_rs`'s conversion of specifiers
//! to `Ranges`), shown as pip users write them (`>=1.0, <2`, `==1.4`, `*`).

use std::fmt;
use std::ops::Bound;

use pep440_rs::{Version, VersionSpecifiers};
use pubgrub::{Ranges, VersionSet};

/// A set of versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range(pub Ranges<Version>);

impl Range {
    pub fn full() -> Range {
        Range(Ranges::full())
    }

    /// The versions `specifiers` admit (PEP 440).
    pub fn from_specifiers(specifiers: &VersionSpecifiers) -> Range {
        Range(Ranges::from(specifiers.clone()))
    }

    pub fn as_singleton(&self) -> Option<&Version> {
        self.0.as_singleton()
    }
}

impl VersionSet for Range {
    type V = Version;

    fn empty() -> Self {
        Range(Ranges::empty())
    }

    fn singleton(v: Version) -> Self {
        Range(Ranges::singleton(v))
    }

    fn complement(&self) -> Self {
        Range(self.0.complement())
    }

    fn intersection(&self, other: &Self) -> Self {
        Range(self.0.intersection(&other.0))
    }

    fn contains(&self, v: &Version) -> bool {
        self.0.contains(v)
    }

    fn full() -> Self {
        Range(Ranges::full())
    }

    fn union(&self, other: &Self) -> Self {
        Range(self.0.union(&other.0))
    }

    fn is_disjoint(&self, other: &Self) -> bool {
        self.0.is_disjoint(&other.0)
    }

    fn subset_of(&self, other: &Self) -> bool {
        self.0.subset_of(&other.0)
    }
}

/// A bound's version as written (without the `min`/`max` markers PEP 440's `<V` and `>V` add).
fn written(version: &Version) -> Version {
    version.clone().with_min(None).with_max(None)
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(no version)");
        }
        let mut segments = Vec::new();
        for (low, high) in self.0.iter() {
            let text = match (low, high) {
                (Bound::Unbounded, Bound::Unbounded) => "*".to_string(),
                (Bound::Included(a), Bound::Included(b)) if a == b => format!("=={a}"),
                _ => {
                    let low = match low {
                        Bound::Included(v) => Some(format!(">={}", written(v))),
                        Bound::Excluded(v) => Some(format!(">{}", written(v))),
                        Bound::Unbounded => None,
                    };
                    let high = match high {
                        Bound::Included(v) => Some(format!("<={}", written(v))),
                        Bound::Excluded(v) => Some(format!("<{}", written(v))),
                        Bound::Unbounded => None,
                    };
                    low.into_iter().chain(high).collect::<Vec<_>>().join(", ")
                }
            };
            segments.push(text);
        }
        f.write_str(&segments.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn shown(specifiers: &str) -> String {
        Range::from_specifiers(&VersionSpecifiers::from_str(specifiers).unwrap()).to_string()
    }

    #[test]
    fn ranges_read_as_specifiers() {
        assert_eq!(shown(""), "*");
        assert_eq!(shown("==1.4"), "==1.4");
        assert_eq!(shown(">=1.0,<2"), ">=1.0, <2");
        assert_eq!(shown(">1.0"), ">1.0");
        assert_eq!(shown("!=1.5"), "<1.5 or >1.5");
        assert_eq!(Range::empty().to_string(), "(no version)");
    }
}
