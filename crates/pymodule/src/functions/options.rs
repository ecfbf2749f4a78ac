//! What a decoration knows: its kind (setup, task, thread, teardown), its keyword options, and
//! the facts of the decorated Python function.

use rustpython_vm::function::FuncArgs;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use belay_transport::wire::snippets::names;

use crate::errors::{self, SpecialFunctionNameError};
use crate::source::globals::global_bindings;

pub const CO_VARARGS: u32 = 0x04;
pub const CO_VARKEYWORDS: u32 = 0x08;
pub const CO_GENERATOR: u32 = 0x20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Setup,
    Task,
    Thread,
    Teardown,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Setup, Kind::Task, Kind::Thread, Kind::Teardown];

    /// The attribute of a `Device` that holds this executer.
    pub fn attr_name(self) -> &'static str {
        match self {
            Kind::Setup => "setup",
            Kind::Task => "task",
            Kind::Thread => "thread",
            Kind::Teardown => "teardown",
        }
    }

    /// Keyword options of `@device.<kind>(...)`; the class form also takes `implementation`
    /// (and `autoinit` for setup).
    pub fn options(self, class_form: bool) -> Vec<&'static str> {
        let mut names = match self {
            Kind::Setup | Kind::Teardown => vec!["minify", "register", "record", "ignore_errors"],
            Kind::Task => vec!["minify", "register", "record", "trusted", "return_time"],
            Kind::Thread => vec!["minify", "register", "record"],
        };
        if class_form {
            names.push("implementation");
            if self == Kind::Setup {
                names.push("autoinit");
            }
        }
        names
    }
}

/// The options of one decoration.
#[derive(Debug, Clone)]
pub struct Options {
    pub minify: bool,
    pub register: bool,
    pub record: bool,
    pub trusted: bool,
    pub return_time: bool,
    pub ignore_errors: bool,
    pub autoinit: bool,
    pub implementation: String,
}

impl Options {
    pub fn defaults(kind: Kind) -> Self {
        Options {
            minify: true,
            register: true,
            // Task calls are not recorded for replay by default; everything else is.
            record: kind != Kind::Task,
            trusted: false,
            return_time: false,
            ignore_errors: false,
            autoinit: false,
            implementation: String::new(),
        }
    }

    /// Apply keyword options, checking them against what `kind` accepts.
    pub fn apply(
        &mut self,
        kind: Kind,
        class_form: bool,
        args: &FuncArgs,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let allowed = kind.options(class_form);
        for (key, value) in &args.kwargs {
            let key = key.to_string();
            if !allowed.contains(&key.as_str()) {
                let owner = if class_form { "Device" } else { "device" };
                return Err(vm.new_type_error(format!(
                    "@{owner}.{}() got an unexpected keyword argument '{key}'",
                    kind.attr_name()
                )));
            }
            if key == "implementation" {
                self.implementation = value.str(vm)?.to_string();
                continue;
            }
            let on = value.clone().try_to_bool(vm)?;
            match key.as_str() {
                "minify" => self.minify = on,
                "register" => self.register = on,
                "record" => self.record = on,
                "trusted" => self.trusted = on,
                "return_time" => self.return_time = on,
                "ignore_errors" => self.ignore_errors = on,
                "autoinit" => self.autoinit = on,
                _ => unreachable!("checked against the allowed names"),
            }
        }
        Ok(())
    }
}

/// Names a board function may not be registered under: the helpers' prefixes and dunders.
pub fn check_name(name: &str, vm: &VirtualMachine) -> PyResult<()> {
    if names::reserved(name) || (name.starts_with("__") && name.ends_with("__")) {
        return Err(errors::new::<SpecialFunctionNameError>(
            vm,
            format!(
                "'{name}' is reserved: board functions may not be named __dunder__, start with \
                 _belay, or take a name of belay-run's board helpers (_Br, _Bo_..., see \
                 docs/protocol.md)"
            ),
        ));
    }
    Ok(())
}

/// Where checked code comes from, for the error's message: a host file and the file line of the
/// code's first line, or none (a string given to `device(...)`).
pub type CodeOrigin<'a> = Option<(&'a str, usize)>;

/// Refuse code that would bind a name belay-run's board helpers use (`_Br`, `_Bo_...`, see
/// `names::reserved`) as a board global: at top level, or through a `global` statement. Such a
/// binding would silently break every later call, so it is refused before anything is sent.
/// Reading those names is harmless and allowed.
pub fn check_globals(code: &str, origin: CodeOrigin<'_>, vm: &VirtualMachine) -> PyResult<()> {
    let Some(clash) = global_bindings(code)
        .into_iter()
        .find(|b| names::reserved(&b.name))
    else {
        return Ok(());
    };
    let place = match origin {
        Some((file, first_line)) => format!("{file}, line {}", first_line + clash.line - 1),
        None => format!("line {} of the code", clash.line),
    };
    Err(errors::new::<SpecialFunctionNameError>(
        vm,
        format!(
            "{place}: '{name}' would be bound as a board global, but belay-run's board helpers \
             use that name (every later call would break); rename it (names starting with \
             _belay, __belay, or taken by the helpers: _Br, _Bo_..., see docs/protocol.md)",
            name = clash.name
        ),
    ))
}

/// What the host knows about a decorated Python function.
#[derive(Debug, Clone)]
pub struct FunctionInfo {
    pub name: String,
    pub file: String,
    pub first_line: usize,
    pub flags: u32,
    pub takes_arguments: bool,
}

impl FunctionInfo {
    pub fn of(func: &PyObjectRef, vm: &VirtualMachine) -> PyResult<FunctionInfo> {
        let not_function = || {
            vm.new_type_error(format!(
                "board functions must be plain Python functions defined in a file, not '{}'",
                func.class().name()
            ))
        };
        let code = func.get_attr("__code__", vm).map_err(|_| not_function())?;
        let name = func.get_attr("__name__", vm)?.str(vm)?.to_string();
        if name == "<lambda>" {
            return Err(
                vm.new_type_error("a lambda cannot be a board function: give it a name with def")
            );
        }
        let int =
            |attr: &'static str| -> PyResult<u64> { code.get_attr(attr, vm)?.try_into_value(vm) };
        let file = code.get_attr("co_filename", vm)?.str(vm)?.to_string();
        let flags = int("co_flags")? as u32;
        Ok(FunctionInfo {
            name,
            file,
            first_line: int("co_firstlineno")? as usize,
            flags,
            takes_arguments: int("co_argcount")? + int("co_kwonlyargcount")? > 0
                || flags & (CO_VARARGS | CO_VARKEYWORDS) != 0,
        })
    }
}
