//! `belay.project`: Belay's project helpers for scripts (`load_pyproject`, `load_groups`,
//! `find_project_folder`, ...). `project.py` holds the Python API; the `_native_*` functions here
//! reach `belay-packages` and answer in JSON text, so no Python object crosses into that crate.

use std::path::Path;

use belay_packages::{Config, DependencySource, Project, Settings};
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{PyResult, VirtualMachine};
use serde_json::{Value, json};

const SOURCE: &str = include_str!("project.py");

#[rustpython_vm::pymodule(name = "belay.project")]
pub(crate) mod project_module {
    use rustpython_vm::builtins::PyModule;
    use rustpython_vm::{Py, PyResult, VirtualMachine};

    pub(crate) fn module_exec(vm: &VirtualMachine, module: &Py<PyModule>) -> PyResult<()> {
        __module_exec(vm, module);
        let scope = rustpython_vm::scope::Scope::with_builtins(None, module.dict(), vm);
        vm.run_string(scope, super::SOURCE, "<belay.project>")?;
        Ok(())
    }

    #[pyfunction]
    fn _native_find_pyproject(start: String, vm: &VirtualMachine) -> PyResult<String> {
        belay_packages::find_pyproject(std::path::Path::new(&start))
            .map(|p| p.to_string_lossy().into_owned())
            .map_err(|e| super::error(e, vm))
    }

    #[pyfunction]
    fn _native_cache_folder() -> String {
        super::cache_folder()
    }

    #[pyfunction]
    fn _native_load_toml(path: String, vm: &VirtualMachine) -> PyResult<String> {
        belay_packages::load_toml(std::path::Path::new(&path))
            .map(|table| serde_json::Value::Object(table).to_string())
            .map_err(|e| super::error(e, vm))
    }

    #[pyfunction]
    fn _native_config(pyproject: String, vm: &VirtualMachine) -> PyResult<String> {
        super::project(&pyproject, vm).map(|p| super::config_json(&p.config).to_string())
    }

    #[pyfunction]
    fn _native_download(
        start: String,
        group: String,
        packages: Option<Vec<String>>,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        super::download(&start, &group, packages, vm)
    }

    #[pyfunction]
    fn _native_clean(start: String, vm: &VirtualMachine) -> PyResult<()> {
        let project = super::discover(&start, vm)?;
        belay_packages::clean(&project, &belay_packages::Silent)
            .map(drop)
            .map_err(|e| super::error(e, vm))
    }

    #[pyfunction]
    fn _native_copy_to(
        start: String,
        group: String,
        dst: String,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let project = super::discover(&start, vm)?;
        belay_packages::copy_group_to(
            &project,
            &super::settings(),
            &group,
            std::path::Path::new(&dst),
            &belay_packages::Silent,
        )
        .map_err(|e| super::error(e, vm))
    }
}

fn settings() -> Settings {
    Settings::from_env()
}

fn cache_folder() -> String {
    belay_packages::find_cache_folder(&settings())
        .to_string_lossy()
        .into_owned()
}

/// A package-manager error as Python raises it: FileNotFoundError for a missing pyproject.toml
/// (as Belay), ValueError with the full report (a pyproject snippet where it has one) otherwise.
fn error(e: belay_packages::Error, vm: &VirtualMachine) -> PyBaseExceptionRef {
    if let belay_packages::Error::PyprojectNotFound { .. } = e {
        return vm.new_exception_msg(
            vm.ctx.exceptions.file_not_found_error.to_owned(),
            e.to_string().into(),
        );
    }
    vm.new_value_error(format!("{:?}", miette::Report::new(e)))
}

fn project(pyproject: &str, vm: &VirtualMachine) -> PyResult<Project> {
    Project::load(Path::new(pyproject)).map_err(|e| error(e, vm))
}

fn discover(start: &str, vm: &VirtualMachine) -> PyResult<Project> {
    Project::discover(Path::new(start)).map_err(|e| error(e, vm))
}

fn download(
    start: &str,
    group: &str,
    packages: Option<Vec<String>>,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let project = discover(start, vm)?;
    let group = project.group_or_new(group);
    let settings = settings();
    for dependency in &group.dependencies {
        if packages
            .as_ref()
            .is_some_and(|names| !names.contains(&dependency.name))
        {
            continue;
        }
        belay_packages::update_package(
            &project,
            &settings,
            &group,
            dependency,
            &belay_packages::Silent,
        )
        .map_err(|e| error(e, vm))?;
    }
    Ok(())
}

fn sources_json(sources: &[DependencySource]) -> Value {
    Value::Array(
        sources
            .iter()
            .map(
                |s| json!({"uri": s.uri, "develop": s.develop, "rename_to_init": s.rename_to_init}),
            )
            .collect(),
    )
}

fn dependencies_json(dependencies: &[belay_packages::Dependency]) -> Value {
    Value::Object(
        dependencies
            .iter()
            .map(|d| (d.name.clone(), sources_json(&d.sources)))
            .collect(),
    )
}

/// `[tool.belay]` as Belay's BelayConfig fields.
fn config_json(config: &Config) -> Value {
    let groups: serde_json::Map<String, Value> = config
        .groups
        .iter()
        .map(|(name, group)| {
            (
                name.clone(),
                json!({"optional": group.optional, "dependencies": dependencies_json(&group.dependencies)}),
            )
        })
        .collect();
    json!({
        "name": config.name,
        "ignore": config.ignore.clone().unwrap_or_default(),
        "dependencies": dependencies_json(&config.dependencies),
        "dependencies_path": config.dependencies_path.to_string_lossy(),
        "group": groups,
        "mpy_version": config.mpy_version,
        "package_indices": config.package_indices.clone().unwrap_or_else(|| settings().default_indices()),
    })
}
