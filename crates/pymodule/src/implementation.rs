//! `device.implementation`: what firmware the board runs (belay-spec §1.12).

use rustpython_vm::types::Representable;
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::module::belay;

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
fn arch_of(mpy: u64) -> Option<&'static str> {
    usize::try_from(mpy >> 10)
        .ok()
        .and_then(|i| ARCHITECTURES.get(i).copied())
        .flatten()
}

/// `device.implementation`.
#[pyclass(module = "belay", name = "Implementation")]
#[derive(Debug, PyPayload)]
pub struct Implementation {
    name: String,
    version: PyObjectRef,
    platform: String,
    arch: Option<&'static str>,
    /// Native code emitters the board accepts: `("native", "viper")`, `("native",)` or `()`.
    emitters: rustpython_vm::common::lock::PyRwLock<Vec<&'static str>>,
}

impl Implementation {
    pub fn set_emitters(&self, emitters: Vec<&'static str>) {
        *self.emitters.write() = emitters;
    }

    pub fn has_emitter(&self, name: &str) -> bool {
        self.emitters.read().contains(&name)
    }

    /// The firmware runs as a process on a desktop OS (the unix ports): its files are the host's.
    pub fn files_are_the_hosts(&self) -> bool {
        HOST_PLATFORMS.contains(&self.platform.as_str())
    }

    /// `"micropython"`, `"circuitpython"`, ...
    pub fn name_str(&self) -> &str {
        &self.name
    }

    /// From the helpers' `(name, version, platform, _mpy, has_base64, has_int_arrays)` tuple.
    pub fn from_reply(
        value: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<(Implementation, bool, bool)> {
        let bad = || {
            vm.new_exception_msg(
                belay::internal_error(vm),
                "unexpected implementation tuple from the board".into(),
            )
        };
        let items: Vec<PyObjectRef> = value.try_to_value(vm).map_err(|_| bad())?;
        let [name, version, platform, mpy, base64, int_arrays] = items.as_slice() else {
            return Err(bad());
        };
        let arch = if vm.is_none(mpy) {
            None
        } else {
            arch_of(mpy.clone().try_into_value(vm).map_err(|_| bad())?)
        };
        let implementation = Implementation {
            name: name.str(vm)?.to_string(),
            version: version.clone(),
            platform: platform.str(vm)?.to_string(),
            arch,
            emitters: Default::default(),
        };
        Ok((
            implementation,
            base64.clone().try_to_bool(vm)?,
            int_arrays.clone().try_to_bool(vm)?,
        ))
    }
}

#[pyclass(with(Representable))]
impl Implementation {
    #[pygetset]
    fn name(zelf: &Py<Self>) -> String {
        zelf.name.clone()
    }
    #[pygetset]
    fn version(zelf: &Py<Self>) -> PyObjectRef {
        zelf.version.clone()
    }
    #[pygetset]
    fn platform(zelf: &Py<Self>) -> String {
        zelf.platform.clone()
    }
    #[pygetset]
    fn emitters(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        let items = zelf
            .emitters
            .read()
            .iter()
            .map(|e| vm.ctx.new_str(*e).into())
            .collect();
        vm.ctx.new_tuple(items).into()
    }
    #[pygetset]
    fn arch(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        match zelf.arch {
            Some(a) => vm.ctx.new_str(a).into(),
            None => vm.ctx.none(),
        }
    }
}

impl Representable for Implementation {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        Ok(format!(
            "Implementation(name={:?}, version={}, platform={:?}, arch={:?}, emitters={:?})",
            zelf.name,
            zelf.version.repr(vm)?,
            zelf.platform,
            zelf.arch,
            zelf.emitters.read()
        ))
    }
}

/// Emitters from the outcome of the emitter check (belay-spec §1.12): both decorators compiled,
/// or the board's error names the line of the first one it rejected.
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
    use super::{arch_of, emitters_from};
    use crate::literal::{Literal, parse_literal};

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
    fn recorded_circuitpython_implementation_tuple() {
        // The tuple a CircuitPython 10.3 board sent (shared/transcripts), parsed as a literal.
        let reply = b"('circuitpython', (10, 3, 0, ''), 'linux', 2822)";
        let Literal::Tuple(items) = parse_literal(reply).unwrap() else {
            panic!("not a tuple")
        };
        assert_eq!(items[0], Literal::Str("circuitpython".into()));
        let Literal::Int(mpy) = &items[3] else {
            panic!("no _mpy")
        };
        assert_eq!(arch_of(u64::try_from(*mpy).unwrap()), Some("x64"));
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
