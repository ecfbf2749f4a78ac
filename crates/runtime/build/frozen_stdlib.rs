//! The standard library frozen into the binary: RustPython's `Lib` (the one `rustpython-pylib`
//! ships), compiled to bytecode here instead of by `rustpython_pylib::FROZEN_STDLIB`, for two
//! reasons of size (bench/README.md, "Size"):
//!
//! - each module is compressed with LZ4's high-compression mode (level 12). The format is the
//!   one RustPython reads (an LZ4 block after its 4-byte length), decoded as fast as before;
//!   RustPython's own freezing uses LZ4's fast mode: 6.9 MB instead of 5.8 MB.
//! - the Tk GUI packages are left out: RustPython has no `_tkinter`, so `tkinter`, `turtle`,
//!   `turtledemo` and `idlelib` could never be imported anyway (1.3 MB).
//!
//! Everything else is compiled exactly as `py_freeze!` does: mode `exec`, the module's dotted
//! name as its file name, `__init__.py` marking a package.

use std::path::{Path, PathBuf};

use rustpython_compiler::{CompileOpts, Mode, compile};
use rustpython_compiler_core::frozen::{FrozenCodeObject, FrozenLib, FrozenModule};
use rustpython_compiler_core::marshal;

/// Top-level modules and packages not frozen (see above).
const LEFT_OUT: &[&str] = &["idlelib", "tkinter", "turtle", "turtledemo"];

struct Module {
    name: String,
    package: bool,
    code: Vec<u8>,
}

pub fn emit() {
    let lib = Path::new(rustpython_pylib::LIB_PATH);
    let mut modules = Vec::new();
    collect(lib, "", &mut modules);
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    let frozen = FrozenLib::encode(modules.iter().map(|m| {
        (
            m.name.as_str(),
            FrozenModule {
                code: FrozenCodeObject {
                    bytes: m.code.as_slice(),
                },
                package: m.package,
            },
        )
    }));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("frozen_stdlib.bin"), &frozen.bytes)
        .expect("writing the frozen standard library");
    println!("cargo:rerun-if-changed=build/frozen_stdlib.rs");
}

/// Compile every `.py` file under `dir` (the package `parent`, "" at the top).
fn collect(dir: &Path, parent: &str, modules: &mut Vec<Module>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("listing {dir:?}: {e}"));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let stem = file_name.strip_suffix(".py").unwrap_or(file_name);
        if parent.is_empty() && LEFT_OUT.contains(&stem) {
            continue;
        }
        let dotted = if parent.is_empty() {
            stem.to_string()
        } else {
            format!("{parent}.{stem}")
        };
        if path.is_dir() {
            collect(&path, &dotted, modules);
        } else if file_name.ends_with(".py") {
            let package = stem == "__init__";
            let name = if package { parent.to_string() } else { dotted };
            if let Some(code) = compile_module(&path, &name) {
                modules.push(Module {
                    name,
                    package,
                    code,
                });
            }
        }
    }
}

/// One module's bytecode, marshalled and LZ4-compressed (high compression) after its length.
/// Files that are broken on purpose (CPython's test data) are skipped, as `py_freeze!` does.
fn compile_module(path: &Path, name: &str) -> Option<Vec<u8>> {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path:?}: {e}"));
    let code = match compile(&source, Mode::Exec, name, CompileOpts::default()) {
        Ok(code) => code,
        Err(_)
            if name
                .rsplit('.')
                .next()
                .is_some_and(|s| s.starts_with("badsyntax_")) =>
        {
            return None;
        }
        Err(_) if name.contains(".encoded_modules") => return None,
        Err(e) => panic!("compiling {path:?}: {e}"),
    };
    let mut data = Vec::new();
    marshal::serialize_code(&mut data, &code);
    let compressed = lz4::block::compress(
        &data,
        Some(lz4::block::CompressionMode::HIGHCOMPRESSION(12)),
        true,
    )
    .unwrap_or_else(|e| panic!("compressing {name}: {e}"));
    Some(compressed)
}
