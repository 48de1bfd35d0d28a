"""What one workspace environment asks for: dependencies, tasks and activation, read from the manifest.

pixi combines the default feature (the manifest's top-level ``[dependencies]``,
``[target.<platform>.*]``, ``[tasks]``, ``[activation]``) with the
``[feature.<name>.*]`` tables an ``[environments]`` entry names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiln.backend.conditions import selector_matches
from kiln.backend.specs import binary_item
from kiln.errors import ManifestError
from kiln.frontend.manifest.dependency_specs import SpecContext, parse_dependency
from kiln.frontend.manifest.manifest_files import read_manifest
from kiln.frontend.manifest.toml_source import Table
from kiln.frontend.manifest.workspace import Workspace, load_workspace
from kiln.protocol import types as t

DEFAULT = "default"
_PYPI = "pypi-dependencies"


@dataclass
class Task:
    name: str
    cmd: str | None
    depends_on: list[str]
    cwd: Path | None
    env: dict[str, str]
    table: Table
    """Where it is written, for errors."""


@dataclass
class EnvironmentSpec:
    name: str
    workspace: Workspace
    platform: str
    binary: dict[str, str] = field(default_factory=dict)
    """Match spec strings by package name."""
    sources: dict[str, t.SourcePackageSpec] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    activation_scripts: list[Path] = field(default_factory=list)
    activation_env: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def prefix(self) -> Path:
        return self.root / ".pixi" / "envs" / self.name


def read_environment(manifest_path: Path | None, name: str | None, platform: str) -> EnvironmentSpec:
    """The environment ``name`` (default: ``default``) of the workspace at ``manifest_path``."""
    workspace = load_workspace((manifest_path or Path.cwd()).absolute())
    manifest = read_manifest(workspace.manifest_path)
    assert manifest is not None
    pixi = manifest.pixi
    name = name or DEFAULT
    features = _features(pixi, name)
    spec = EnvironmentSpec(name, workspace, platform)
    ctx = SpecContext(manifest_dir=workspace.root, channel_alias=workspace.channel_alias, pool=workspace.dependencies)
    for feature in features:
        for table in _feature_tables(feature, platform):
            _read_feature(spec, table, ctx)
    return spec


def _features(pixi: Table, env: str) -> list[Table]:
    """The default feature (unless ``no-default-feature``) and the env's named features."""
    environments = pixi.table("environments")
    names: list[str] = []
    no_default = False
    if environments is not None and env in environments:
        value = environments.get(env)
        if isinstance(value, list):
            names = environments.string_list(env) or []
        elif isinstance(value, dict):
            entry = environments.table(env)
            assert entry is not None
            names = entry.string_list("features") or []
            no_default = bool(entry.boolean("no-default-feature"))
        else:
            raise environments.wrong_type(env, "a list of feature names or a table", value)
    elif env != DEFAULT:
        known = [DEFAULT, *(environments or [])]
        where = environments if environments is not None else pixi
        raise where.error(f"unknown environment `{env}`", help="known environments: " + ", ".join(known))
    feature_root = pixi.table("feature")
    result = [] if no_default else [pixi]
    for index, feature in enumerate(names):
        table = feature_root.table(feature) if feature_root is not None and feature != DEFAULT else None
        if feature == DEFAULT:
            table = pixi
        if table is None:
            assert environments is not None
            keys = (env, index) if isinstance(environments.get(env), list) else (env, "features", index)
            raise environments.error(f"environment `{env}` names the feature `{feature}`, which is not defined",
                                     *keys, help=f"add a `[feature.{feature}]` table")  # fmt: skip
        if table not in result:
            result.append(table)
    return result


def _feature_tables(feature: Table, platform: str) -> list[Table]:
    """The feature's own tables, then its ``[target.<selector>]`` tables that match ``platform``."""
    tables = [feature]
    target = feature.table("target")
    if target is not None:
        for selector in target:
            if selector_matches(selector, platform):
                sub = target.table(selector)
                assert sub is not None
                tables.append(sub)
    return tables


def _read_feature(spec: EnvironmentSpec, table: Table, ctx: SpecContext) -> None:
    if _PYPI in table:
        raise table.error(
            f"`[{table.name + '.' if table.name else ''}{_PYPI}]` is not supported by kiln: it installs conda packages only",
            _PYPI,
            help="declare the package as a conda dependency under `[dependencies]`, or build it from source "
            "with `{ path = ... }`",
        )
    if "channels" in table and table.path[-2:-1] == ("feature",):
        raise table.error(f"`{table.name}.channels` is not supported by kiln yet: list the channels in `[workspace]`",
                          "channels")  # fmt: skip
    deps = table.table("dependencies")
    for key in deps or []:
        assert deps is not None
        parsed = parse_dependency(deps, key, ctx)
        if parsed.is_source:
            assert parsed.spec.source is not t.UNSET
            spec.sources[key] = parsed.spec.source
            spec.binary.pop(key, None)
        elif parsed.kind == "binary":
            assert parsed.spec.binary is not t.UNSET
            spec.binary[key] = binary_item(key, parsed.spec.binary)
            spec.sources.pop(key, None)
        else:
            raise deps.error(f"`{key}`: a {parsed.kind} dependency is not supported in a workspace environment "
                             "by kiln", key)  # fmt: skip
    tasks = table.table("tasks")
    for key in tasks or []:
        assert tasks is not None
        spec.tasks[key] = _task(tasks, key, spec.root)
    activation = table.table("activation")
    if activation is not None:
        activation.check_keys(["scripts", "env"])
        for script in activation.string_list("scripts") or []:
            spec.activation_scripts.append(spec.root / script)
        env = activation.table("env")
        for key in env or []:
            assert env is not None
            value = env.string(key)
            assert value is not None
            spec.activation_env[key] = value


def _task(tasks: Table, key: str, root: Path) -> Task:
    value = tasks.get(key)
    if isinstance(value, str):
        return Task(key, value, [], None, {}, tasks)
    if isinstance(value, list):
        words = tasks.string_list(key) or []
        return Task(key, " ".join(words), [], None, {}, tasks)
    if not isinstance(value, dict):
        raise tasks.wrong_type(key, "a command string or a table", value)
    task = tasks.table(key)
    assert task is not None
    task.check_keys(["cmd", "depends-on", "depends_on", "cwd", "env", "description", "inputs", "outputs", "clean-env",
                     "args", "default-environment"])  # fmt: skip
    cmd = task.get("cmd")
    if isinstance(cmd, list):
        cmd = " ".join(task.string_list("cmd") or [])
    elif cmd is not None and not isinstance(cmd, str):
        raise task.wrong_type("cmd", "a string or a list of strings", cmd)
    depends_key = "depends-on" if "depends-on" in task else "depends_on"
    raw = task.get(depends_key)
    depends: list[str] = []
    if isinstance(raw, str):
        depends = [raw]
    elif raw is not None:
        for index, item in enumerate(task.array(depends_key) or []):
            if isinstance(item, str):
                depends.append(item)
            elif isinstance(item, dict) and isinstance(item.get("task"), str):
                depends.append(item["task"])
            else:
                raise task.error(f"`{key}.{depends_key}` entries must be task names", depends_key, index)
    cwd = task.string("cwd")
    env_table = task.table("env")
    env = {k: str(v) for k, v in (env_table.items() if env_table is not None else [])}
    if cmd is None and not depends:
        raise task.error(f"task `{key}` has neither `cmd` nor `depends-on`")
    return Task(key, cmd, depends, root / cwd if cwd else None, env, task)


def check_no_cycle(tasks: dict[str, Task], start: str) -> list[Task]:
    """``start`` and what it depends on, dependencies first; a cycle is a ManifestError naming it."""
    order: list[Task] = []
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join([*path[path.index(name):], name])
            task = tasks[name]
            raise task.table.error(f"the tasks depend on each other in a cycle: {cycle}", name)
        state[name] = 1
        for dep in tasks[name].depends_on:
            if dep not in tasks:
                task = tasks[name]
                key = "depends-on" if "depends-on" in task.table.data else "depends_on"
                raise task.table.error(f"task `{name}` depends on `{dep}`, which is not a task of the environment",
                                       key, help="known tasks: " + ", ".join(sorted(tasks)))  # fmt: skip
            visit(dep, [*path, name])
        state[name] = 2
        order.append(tasks[name])

    visit(start, [])
    return order


__all__ = ["DEFAULT", "EnvironmentSpec", "ManifestError", "Task", "check_no_cycle", "read_environment"]
