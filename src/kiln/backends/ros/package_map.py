"""rosdep keys -> conda specs: the RoboStack table, the user's mappings, merging (spec §7.4, §7.5).

``robostack.yaml`` next to this module is upstream's table. It is not in the
repository yet (see ``PROVENANCE.md``): when the file is absent the table is empty,
so only the user's mappings apply and every other rosdep key becomes
``ros-<distro>-<name>`` (upstream's rule for keys in no table), with one warning.
The user's ``extra-package-mappings`` go over the table (earlier sources
win). A mapped dependency's version attributes become a match-spec suffix; the
results are checked as strict match specs and written in rattler's canonical
spelling, as upstream serialises them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kiln.backend.recipe import Item
from kiln.backends.ros.package_xml import Dependency, PackageXml
from kiln.conda.platforms import family
from kiln.errors import ConfigurationError, KilnError
from kiln.protocol import log

ROBOSTACK = Path(__file__).with_name("robostack.yaml")

#: Host platform family -> the key of a per-platform mapping.
_PLATFORM_KEYS = {"linux": "linux", "osx": "osx", "win": "win64"}

PackageMap = dict[str, dict[str, Any]]


class PackageMapError(KilnError):
    """A dependency of package.xml cannot be turned into conda specs."""


def _load_yaml(text: str, *, strings_only: bool = False) -> Any:
    import yaml

    if strings_only:  # no implicit typing: a third faster, and the table holds only strings
        return yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.cache
def robostack_map() -> PackageMap:
    """Upstream's table, read once per process; empty (warned once) while the file is absent.

    The file is optional so that the backend works before upstream's table may be put
    in the repository; without it, results differ from upstream only for the keys the
    table maps to conda packages or renames.
    """
    try:
        text = ROBOSTACK.read_text(encoding="utf-8")
    except FileNotFoundError:
        log.warn(
            f"RoboStack package table not found at {ROBOSTACK}: no rosdep key is mapped to conda packages "
            "except by `extra-package-mappings`; every other key becomes ros-<distro>-<name>"
        )
        return {}
    return _load_yaml(text, strings_only=True)


def load_package_map(sources: list[dict[str, Any]]) -> PackageMap:
    """The extra sources over upstream's table (empty when absent); earlier sources win.

    A ``{path = ...}`` source is read relative to the working directory; an
    unreadable or invalid file is skipped, as upstream does.
    """
    result: PackageMap = {}
    for source in [*sources, None][::-1]:
        if source is None:
            result.update(robostack_map())
        elif isinstance(source.get("path"), str):
            try:
                data = _load_yaml(Path(source["path"]).read_text(encoding="utf-8"))
            except Exception:  # unreadable or not YAML: skipped, as upstream
                continue
            if isinstance(data, dict):
                result.update(data)
        else:
            result.update(source)
    return result


def _resolve(mapping: Any, platform_key: str) -> list[str]:
    if isinstance(mapping, str):
        return [mapping]
    if isinstance(mapping, list):
        return [str(m) for m in mapping]
    if isinstance(mapping, dict):
        return [str(m) for m in mapping.get(platform_key) or []]
    return []


def nameless_spec(dep: Dependency) -> str | None:
    """The version suffix of a dependency's ``version_*`` attributes (``==v`` or `` >a,<b``)."""
    from rattler import Version

    for value in (dep.version_lt, dep.version_lte, dep.version_gt, dep.version_gte, dep.version_eq):
        if value is None:
            continue
        if value == "":
            raise PackageMapError(
                f"incorrect version specification in package.xml for '{dep.name}': version is empty string"
            )
        try:
            Version(value)
        except Exception:
            raise PackageMapError(
                f"incorrect version specification in package.xml for '{dep.name}' at version '{value}'"
            ) from None
    if dep.version_lt is not None and dep.version_lte is not None:
        raise PackageMapError(f"dependency '{dep.name}' cannot be specified by both `<` and `<=`")
    if dep.version_gt is not None and dep.version_gte is not None:
        raise PackageMapError(f"dependency '{dep.name}' cannot be specified by both `>` and `>=`")
    inequality = any(v is not None for v in (dep.version_lt, dep.version_lte, dep.version_gt, dep.version_gte))
    if dep.version_eq is not None:
        if inequality:
            raise PackageMapError(f"dependency '{dep.name}' cannot be specified by both `=` and an inequality")
        return f"=={dep.version_eq}"
    parts = [
        f"{op}{v}"
        for op, v in ((">", dep.version_gt), (">=", dep.version_gte), ("<", dep.version_lt), ("<=", dep.version_lte))
        if v is not None
    ]
    return " " + ",".join(parts) if parts else None


def platform_key(host_platform: str) -> str:
    key = _PLATFORM_KEYS.get(family(host_platform))
    if key is None:
        raise ConfigurationError(f"unsupported platform: {host_platform}")
    return key


def rosdep_specs(dep: Dependency, distro: str, host_platform: str, package_map: PackageMap) -> list[str]:
    """The conda specs (as upstream writes them, before canonical spelling) for one dependency."""
    key = platform_key(host_platform)
    suffix = nameless_spec(dep) or ""
    entry = package_map.get(dep.name)
    if entry is None:
        return [f"ros-{distro}-{dep.name.replace('_', '-')}{suffix}"]
    if not isinstance(entry, dict):
        raise _unknown_entry(dep.name)
    if "ros" in entry:
        return [f"ros-{distro}-{name.replace('_', '-')}{suffix}" for name in _resolve(entry["ros"], key)]
    kind = "robostack" if "robostack" in entry else "conda" if "conda" in entry else None
    if kind is None:
        raise _unknown_entry(dep.name)
    packages = _resolve(entry[kind], key)
    extra: list[str] = []
    if "REQUIRE_GL" in packages:
        packages.remove("REQUIRE_GL")
        if key == "linux":
            extra.append("libgl-devel")
    if "REQUIRE_OPENGL" in packages:
        packages.remove("REQUIRE_OPENGL")
        if key == "linux":
            extra += ["libgl-devel", "libopengl-devel"]
        if key in ("linux", "osx"):
            extra += ["xorg-libx11", "xorg-libxext"]
    if suffix:
        if len(packages) == 1:
            if " " in packages[0]:
                raise PackageMapError(
                    "version specifier can only be used for a package without constraint already present, "
                    f"but found '{packages[0]}' for '{dep.name}' in the package map"
                )
            packages[0] += suffix
        elif packages:
            raise PackageMapError(
                "version specifier can only be used for one package, "
                f"but found {len(packages)} packages for '{dep.name}' in the package map"
            )
    return packages + extra


def _unknown_entry(name: str) -> PackageMapError:
    return PackageMapError(
        f"unknown package map entry for '{name}': expected 'ros', 'conda', or 'robostack' key",
        help="check the entry in `extra-package-mappings` (or robostack.yaml)",
    )


def canonical_spec(spec: str, dep: Dependency, path: Path) -> str:
    """``spec`` checked as a strict match spec and spelled as rattler prints it."""
    from rattler import MatchSpec

    try:
        return str(MatchSpec(spec, strict=True))
    except Exception as exc:
        where = f"{path}:{dep.line}: " if dep.line else ""
        raise PackageMapError(
            f"{where}rosdep '{dep.name}' resolved to an invalid conda package spec '{spec}': {exc}",
            help=f"map '{dep.name}' to a valid conda package via `extra-package-mappings`",
        ) from None


BUILD_TAGS = (
    "buildtool_depend", "buildtool_export_depend", "build_depend", "build_export_depend", "test_depend", "depend"
)  # fmt: skip
RUN_TAGS = ("run_depend", "exec_depend", "build_export_depend", "buildtool_export_depend", "depend")


def package_requirements(
    pkg: PackageXml, distro: str, ros_version: int, host_platform: str, package_map: PackageMap
) -> tuple[list[str], list[str]]:
    """(build list, run list) of the package's active dependencies; host is the build list."""

    def mapped(deps: list[Dependency]) -> list[str]:
        out: list[str] = []
        for dep in deps:
            for spec in rosdep_specs(dep, distro, host_platform, package_map):
                out.append(canonical_spec(spec, dep, pkg.path) if spec.strip() else spec)
        return out

    build = [d for tag in BUILD_TAGS for d in pkg.deps(tag)]
    if ros_version == 2:
        build.append(Dependency("ros_workspace"))
    run = [d for tag in RUN_TAGS for d in pkg.deps(tag)]
    return mapped(build), mapped(run)


# -- merging the model's requirements with the package's -----------------------------------


def _name(item: Item) -> str | None:
    """The package name of a plain match-spec item; None for templates and conditionals."""
    if not isinstance(item, str) or item.startswith("${{"):
        return None
    name = item.split(" ", 1)[0].split("[", 1)[0]
    if "::" in name:
        name = name.rsplit("::", 1)[1]
    for i, ch in enumerate(name):
        if ch in "=<>!~":
            return name[:i].lower()
    return name.lower()


def _is_source(item: str) -> bool:
    return "url=" in item


def merge_specs(first: str, second: str, name: str) -> str:
    """Two specs of one package as one (upstream's rules; examples in spec §7.5)."""

    def rest(spec: str) -> str:
        return (spec[len(name) :] if spec.startswith(name) else spec).strip()

    v1, v2 = rest(first), rest(second)
    if " " in v1 or " " in v2:
        raise PackageMapError(f"cannot merge version specifiers: '{v1}' or '{v2}' contains spaces")
    if v1 in ("", "*") or "==" in v2 or v1 == v2:
        return second
    if v2 in ("", "*") or "==" in v1:
        return first
    return f"{name} {v1},{v2}"


def merge_lists(model: list[Item], package: list[Item]) -> list[Item]:
    """The model's items then the package's, one item per package name (spec §7.5)."""
    from rattler import MatchSpec

    result: list[Item] = []
    model_templates = [i for i in model if isinstance(i, str) and i.startswith("${{")]
    for item in [*model, *package]:
        name = _name(item)
        if name is None:
            if isinstance(item, str) and item in model_templates and item in result:
                continue  # a template the manifest lists is not added twice
            result.append(item)
            continue
        assert isinstance(item, str)
        index = next((k for k, r in enumerate(result) if _name(r) == name), None)
        if index is None:
            result.append(item)
            continue
        existing = result[index]
        assert isinstance(existing, str)
        if _is_source(existing):
            continue
        if _is_source(item):
            result[index] = item
            continue
        result[index] = str(MatchSpec(merge_specs(existing, item, name), strict=True))
    return result
