//! What firmware a board runs, from its answers to the start-up snippets: the implementation tuple
//! the helpers print, and the outcome of the native-emitter check.

use super::literal::Literal;
use super::precision::FloatFormat;

/// Architectures by `sys.implementation._mpy >> 10` (MicroPython's `MP_NATIVE_ARCH_*` order).
const ARCHITECTURES: [Option<&str>; 13] = [
    None,
    Some("x86"),
    Some("x64"),
    Some("armv6"),
    Some("armv6m"),
    Some("armv7m"),
    Some("armv7em"),
    Some("armv7emsp"),
    Some("armv7emdp"),
    Some("xtensa"),
    Some("xtensawin"),
    Some("rv32imc"),
    Some("rv64imc"),
];

/// `sys.platform` of ports that run on a desktop operating system, on its filesystem.
const HOST_PLATFORMS: [&str; 6] = ["linux", "darwin", "win32", "freebsd", "netbsd", "openbsd"];

/// The native architecture encoded in `sys.implementation._mpy` (None for an unknown index).
pub fn arch_of(mpy: u64) -> Option<&'static str> {
    usize::try_from(mpy >> 10)
        .ok()
        .and_then(|i| ARCHITECTURES.get(i).copied())
        .flatten()
}

/// The board's firmware.
#[derive(Debug, Clone, PartialEq)]
pub struct Firmware {
    /// `"micropython"`, `"circuitpython"`, ...
    pub name: String,
    /// `sys.implementation.version`, as the board wrote it.
    pub version: Literal,
    pub platform: String,
    pub arch: Option<&'static str>,
    /// The largest value of the board's tick counter (it wraps to 0 after it); 0 when the board
    /// has no `time.ticks_ms` (CircuitPython: see `snippets::supervisor_clock`).
    pub ticks_max: u64,
    /// How the board stores floats.
    pub floats: FloatFormat,
}

impl Firmware {
    /// From the helpers' `(name, version, platform, _mpy, ticks_max, float_bits)` tuple (`None`
    /// when the board sent something else).
    pub fn from_reply(reply: &Literal) -> Option<Firmware> {
        let Literal::Tuple(items) = reply else {
            return None;
        };
        let [name, version, platform, mpy, ticks_max, float_bits] = items.as_slice() else {
            return None;
        };
        let text = |l: &Literal| match l {
            Literal::Str(s) => Some(s.clone()),
            _ => None,
        };
        let arch = match mpy {
            Literal::None => None,
            Literal::Int(n) => arch_of(u64::try_from(*n).ok()?),
            _ => return None,
        };
        Some(Firmware {
            name: text(name)?,
            version: version.clone(),
            platform: text(platform)?,
            arch,
            ticks_max: match ticks_max {
                Literal::Int(n) => u64::try_from(*n).ok()?,
                _ => return None,
            },
            floats: match float_bits {
                Literal::Int(n) => FloatFormat::from_bits(u64::try_from(*n).ok()?)?,
                _ => return None,
            },
        })
    }

    /// The firmware runs as a process on a desktop OS (the unix ports): its files are the host's.
    pub fn files_are_the_hosts(&self) -> bool {
        HOST_PLATFORMS.contains(&self.platform.as_str())
    }
}

/// Emitters from the outcome of the emitter check ([`super::snippets::EMITTERS`]): both
/// decorators compiled (`None`), or the board's error names the line of the first one it rejected.
pub fn emitters_from(error: Option<&str>) -> Vec<&'static str> {
    let Some(text) = error else {
        return vec!["native", "viper"];
    };
    if !text.contains("invalid micropython decorator") {
        return Vec::new();
    }
    let line = text
        .rsplit("line ")
        .next()
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<u32>().ok());
    match line {
        Some(3) => vec!["native"],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::literal::parse_literal;

    #[test]
    fn architectures_from_mpy_including_unknown_indexes() {
        assert_eq!(arch_of(2822), Some("x64")); // unix port, CircuitPython 10.3 on linux
        assert_eq!(arch_of(6), None); // no native code
        assert_eq!(arch_of((5 << 10) | 6), Some("armv7m"));
        assert_eq!(arch_of(12 << 10 | 6), Some("rv64imc"));
        assert_eq!(arch_of(13 << 10 | 6), None);
        assert_eq!(arch_of(u64::MAX), None);
    }

    #[test]
    fn implementation_tuples() {
        // The implementation part of what a CircuitPython 10.3 board sent (shared/transcripts).
        // No time.ticks_ms there: the clock is defined next, ticks_max is 0 until then.
        let reply = b"('circuitpython', (10, 3, 0, ''), 'linux', 2822, 0, 53)";
        let firmware = Firmware::from_reply(&parse_literal(reply).unwrap()).unwrap();
        assert_eq!(firmware.name, "circuitpython");
        assert_eq!(firmware.arch, Some("x64"));
        assert!(firmware.files_are_the_hosts());
        assert_eq!(firmware.ticks_max, 0);
        assert_eq!(firmware.floats, FloatFormat::DOUBLE);
        let mcu = b"('micropython', (1, 29, 0, ''), 'rp2', None, 1073741823, 24)";
        let firmware = Firmware::from_reply(&parse_literal(mcu).unwrap()).unwrap();
        assert_eq!(firmware.arch, None);
        assert!(!firmware.files_are_the_hosts());
        assert_eq!(firmware.floats, FloatFormat::SINGLE);
        let esp8266 = b"('micropython', (1, 28, 0, ''), 'esp8266', 2310, 1073741823, 22)";
        let firmware = Firmware::from_reply(&parse_literal(esp8266).unwrap()).unwrap();
        assert_eq!(firmware.floats.bits(), 22);
        for bad in [
            &b"('micropython', 1)"[..],
            b"('micropython', (1, 29, 0, ''), 'rp2', None, 1073741823)",
            b"('micropython', (1, 29, 0, ''), 'rp2', None, 1073741823, 0)",
        ] {
            assert_eq!(Firmware::from_reply(&parse_literal(bad).unwrap()), None);
        }
    }

    #[test]
    fn emitter_check_outcomes() {
        assert_eq!(emitters_from(None), ["native", "viper"]);
        let viper = "Traceback (most recent call last):\n  File \"<stdin>\", line 3\nSyntaxError: invalid micropython decorator\n";
        assert_eq!(emitters_from(Some(viper)), ["native"]);
        let none = "  File \"<stdin>\", line 1\nSyntaxError: invalid micropython decorator\n";
        assert!(emitters_from(Some(none)).is_empty());
        assert!(emitters_from(Some("NameError: name 'micropython' isn't defined")).is_empty());
    }
}
