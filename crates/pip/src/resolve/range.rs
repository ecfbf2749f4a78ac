//! The version sets PubGrub works with: PEP 440 ranges (`pep440_rs`'s conversion of specifiers
//! to `Ranges`), shown as pip users write them (`>=1.0, <2`, `==1.4`, `*`).

use std::fmt;
use std::ops::Bound;

use pep440_rs::{Operator, Version, VersionSpecifiers};
use pubgrub::{Ranges, VersionSet};

/// A set of versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range(pub Ranges<Version>);

impl Range {
    pub fn full() -> Range {
        Range(Ranges::full())
    }

    /// The versions `specifiers` admit (PEP 440). `==V` without a local label also admits
    /// `V+anything` (PEP 440: a local label is ignored when the specifier has none), which
    /// `pep440_rs`' conversion leaves out.
    pub fn from_specifiers(specifiers: &VersionSpecifiers) -> Range {
        let mut range = Ranges::full();
        for specifier in specifiers.iter() {
            let version = specifier.version();
            let one = if *specifier.operator() == Operator::Equal && version.local().is_empty() {
                Ranges::from_range_bounds(version.clone()..past_locals(version))
            } else {
                Ranges::from(specifier.clone())
            };
            range = range.intersection(&one);
        }
        Range(range)
    }

    /// The version of an `==V` pin (`V` alone, or `V` with its local versions).
    pub fn as_singleton(&self) -> Option<&Version> {
        if let Some(version) = self.0.as_singleton() {
            return Some(version);
        }
        let mut intervals = self.0.iter();
        let (Bound::Included(low), Bound::Excluded(high)) = intervals.next()? else {
            return None;
        };
        (intervals.next().is_none() && *high == past_locals(low)).then_some(low)
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

/// The smallest version above every `version+local` that is not one of them: the next dev, or
/// post, release (`1.0` -> `1.0.post0.dev0`, `1.0.post2` -> `1.0.post3.dev0`, `1.0.dev1` ->
/// `1.0.dev2`).
fn past_locals(version: &Version) -> Version {
    match (version.dev(), version.post()) {
        (Some(dev), _) => version.clone().with_dev(Some(dev + 1)),
        (None, Some(post)) => version.clone().with_post(Some(post + 1)).with_dev(Some(0)),
        (None, None) => version.clone().with_post(Some(0)).with_dev(Some(0)),
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
                (Bound::Included(a), Bound::Excluded(b)) if *b == past_locals(a) => {
                    format!("=={a}")
                }
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
        assert_eq!(shown("==1.4.post2"), "==1.4.post2");
        assert_eq!(shown("==1.4.dev1"), "==1.4.dev1");
        assert_eq!(shown(">=1.0,<2"), ">=1.0, <2");
        assert_eq!(shown(">1.0"), ">1.0");
        assert_eq!(shown("!=1.5"), "<1.5 or >1.5");
        assert_eq!(Range::empty().to_string(), "(no version)");
    }

    #[test]
    fn an_exact_pin_admits_local_versions_only() {
        let v = |text: &str| Version::from_str(text).unwrap();
        for (pin, inside, outside) in [
            (
                "==1.0",
                &["1.0", "1.0+local", "1.0+cpu.2"][..],
                &["1.0.post0", "1.0.1", "0.9", "1.0rc1"][..],
            ),
            (
                "==1.0.post2",
                &["1.0.post2", "1.0.post2+x"],
                &["1.0.post3", "1.0.post2.dev1", "1.0"],
            ),
            (
                "==1.0.dev1",
                &["1.0.dev1", "1.0.dev1+x"],
                &["1.0.dev2", "1.0.dev0", "1.0"],
            ),
            ("==1.0+x", &["1.0+x"], &["1.0", "1.0+y"]),
        ] {
            let range = Range::from_specifiers(&VersionSpecifiers::from_str(pin).unwrap());
            for version in inside {
                assert!(range.contains(&v(version)), "{pin} admits {version}");
            }
            for version in outside {
                assert!(
                    !range.contains(&v(version)),
                    "{pin} does not admit {version}"
                );
            }
        }
        let pin = Range::from_specifiers(&VersionSpecifiers::from_str("==1.0").unwrap());
        assert_eq!(pin.as_singleton(), Some(&v("1.0")));
        let not_pin = Range::from_specifiers(
            &VersionSpecifiers::from_str(">=1.0,<1.0.post0.dev0,!=1.0+x").unwrap(),
        );
        assert_eq!(not_pin.as_singleton(), None);
    }
}
