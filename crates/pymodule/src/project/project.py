# belay.project: Belay 0.30's project helpers (`find_project_folder`, `load_pyproject`,
# `load_groups`, ...), over belay-run's package manager in Rust (crates/packages). The `_native`
# functions this module is given return JSON text; nothing here touches the network or files
# itself. As in Belay, results are computed once per process; `project_cache.clear()` forgets
# them (after a chdir, say).
import functools
import json
from pathlib import Path


class _ProjectCache:
    def __init__(self):
        self._functions = []

    def __call__(self, function):
        cached = functools.lru_cache(function)
        self._functions.append(cached)
        return cached

    def clear(self):
        for function in self._functions:
            function.cache_clear()


project_cache = _ProjectCache()


class DependencySourceConfig:
    """One source of a package: `uri`, `develop`, `rename_to_init`."""

    def __init__(self, uri, develop=False, rename_to_init=False):
        self.uri, self.develop, self.rename_to_init = uri, develop, rename_to_init

    def model_dump(self):
        return {"uri": self.uri, "develop": self.develop, "rename_to_init": self.rename_to_init}

    def __eq__(self, other):
        return isinstance(other, DependencySourceConfig) and self.model_dump() == other.model_dump()

    def __repr__(self):
        return f"DependencySourceConfig(uri={self.uri!r}, develop={self.develop!r}, rename_to_init={self.rename_to_init!r})"


def _dependencies(table):
    return {name: [DependencySourceConfig(**source) for source in sources] for name, sources in table.items()}


class GroupConfig:
    """`[tool.belay.group.<name>]`: `optional` and `dependencies`."""

    def __init__(self, optional=False, dependencies=None):
        self.optional = optional
        self.dependencies = dependencies or {}

    def model_dump(self):
        return {
            "optional": self.optional,
            "dependencies": {k: [s.model_dump() for s in v] for k, v in self.dependencies.items()},
        }

    def __repr__(self):
        return f"GroupConfig(optional={self.optional!r}, dependencies={self.dependencies!r})"


class BelayConfig:
    """`[tool.belay]`, validated (errors point at the offending key of pyproject.toml)."""

    def __init__(self, data):
        self.name = data["name"]
        self.ignore = data["ignore"]
        self.dependencies = _dependencies(data["dependencies"])
        self.dependencies_path = Path(data["dependencies_path"])
        self.group = {
            name: GroupConfig(group["optional"], _dependencies(group["dependencies"]))
            for name, group in data["group"].items()
        }
        self.mpy_version = data["mpy_version"]
        self.package_indices = data["package_indices"]

    def model_dump(self):
        return {
            "name": self.name,
            "ignore": self.ignore,
            "dependencies": {k: [s.model_dump() for s in v] for k, v in self.dependencies.items()},
            "dependencies_path": self.dependencies_path,
            "group": {k: g.model_dump() for k, g in self.group.items()},
            "mpy_version": self.mpy_version,
            "package_indices": self.package_indices,
        }

    def __repr__(self):
        return f"BelayConfig({self.model_dump()!r})"


class Group:
    """A dependency group: its `name`, `config` (a GroupConfig) and `folder` (where its packages
    are downloaded: `<project>/<dependencies_path>/<name>`)."""

    def __init__(self, name, **kwargs):
        self.name = name
        self.config = GroupConfig(**kwargs)
        self.folder = find_dependencies_folder() / name

    def __repr__(self):
        return f"Group({self.name!r}, optional={self.config.optional!r})"

    @property
    def optional(self):
        return self.config.optional

    def download(self, packages=None, console=None):
        """Download the group's packages (all, or those named) into its folder."""
        if packages is not None and not packages:
            return
        _native_download(str(Path.cwd()), self.name, None if packages is None else list(packages))

    def clean(self):
        """Belay's clean, for the whole project: what no declared package owns is removed."""
        _native_clean(str(Path.cwd()))

    def copy_to(self, dst):
        """Copy the group folder's contents into `dst`, develop sources fresh from their folders."""
        _native_copy_to(str(Path.cwd()), self.name, str(dst))


@project_cache
def find_pyproject():
    """The nearest pyproject.toml, from the current folder upwards (FileNotFoundError if none)."""
    return Path(_native_find_pyproject(str(Path.cwd())))


@project_cache
def find_project_folder():
    return find_pyproject().parent


@project_cache
def find_belay_folder():
    return find_project_folder() / ".belay"


@project_cache
def find_dependencies_folder():
    return find_project_folder() / load_pyproject().dependencies_path


@project_cache
def find_cache_folder():
    """belay-run's download cache (BELAY_RUN_CACHE_DIR, else the platform's cache folder)."""
    return Path(_native_cache_folder())


@project_cache
def find_cache_dependencies_folder():
    return find_cache_folder() / "dependencies"


@project_cache
def load_toml(path):
    """The `[tool.belay]` table of the TOML file at `path` as a dict (`{}` without one)."""
    return json.loads(_native_load_toml(str(path)))


@project_cache
def load_pyproject():
    """The project's validated `[tool.belay]` configuration."""
    return BelayConfig(json.loads(_native_config(str(find_pyproject()))))


@project_cache
def load_groups():
    """The dependency groups, sorted by name, `main` among them."""
    config = load_pyproject()
    groups = [Group("main", dependencies=config.dependencies)]
    groups.extend(
        Group(name, optional=group.optional, dependencies=group.dependencies)
        for name, group in config.group.items()
    )
    return sorted(groups, key=lambda group: group.name)
