"""The dependency tables of ``[package]`` as the wire ``Targets`` of the project model.

The unconditional entries of ``[package.build-dependencies]``,
``host-dependencies``, ``run-dependencies``, ``run-constraints``,
``extra-dependencies.<group>`` and ``run-exports.<bucket>`` form the default
target. Their ``"if(EXPR)"`` sub-tables, and the deprecated
``[package.target.<selector>]`` tables lowered to an expression, form
``targets.conditional[EXPR]`` -- in the order pixi builds that map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kiln.backend import conditions
from kiln.frontend.manifest.dependency_specs import ParsedSpec, SpecContext, package_name, parse_dependency
from kiln.frontend.manifest.targets import target_selector
from kiln.frontend.manifest.toml_source import Table, format_key
from kiln.protocol import types as t

#: ``[package.<table>]`` dependency tables and the pin rule of each.
SECTIONS = ("run-dependencies", "run-constraints", "host-dependencies", "build-dependencies")
RUN_EXPORT_BUCKETS = ("noarch", "strong", "weak", "strong-constraints", "weak-constraints")
LEGACY_TARGET_KEYS = (*SECTIONS, "extra-dependencies")

_EXTRA_GROUP = re.compile(r"[a-z0-9._+-]{1,64}")
_NO_PINS_HELP = (
    "pins are supported in `[package.run-dependencies]`, `[package.host-dependencies]` "
    "and the `[package.run-exports]` tables"
)
_PIN_HELP = {
    "build-dependencies": "the build environment is resolved first, so there is no earlier environment to pin against",
    "run-constraints": _NO_PINS_HELP,
    "extra-dependencies": _NO_PINS_HELP,
}


@dataclass
class _Target:
    """The dependencies of one target while the manifest is being read."""

    sections: dict[str, dict[str, t.PackageSpec]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    extras: dict[str, dict[str, t.PackageSpec]] = field(default_factory=dict)
    run_exports: dict[str, dict[str, t.PackageSpec]] = field(default_factory=dict)

    def wire(self) -> t.Target:
        exports = {bucket.replace("-", "_"): specs for bucket, specs in self.run_exports.items() if specs}
        return t.Target(
            host_dependencies=self.sections["host-dependencies"],
            build_dependencies=self.sections["build-dependencies"],
            run_dependencies=self.sections["run-dependencies"],
            run_constraints=self.sections["run-constraints"],
            extra_dependencies={g: d for g, d in self.extras.items() if d} or t.UNSET,
            run_exports=t.RunExports(**exports) if exports else t.UNSET,
        )


def package_targets(package: Table, ctx: SpecContext, own_name: str | None) -> t.Targets:
    """The ``targets`` of the project model for a ``[package]`` table."""
    reader = _Reader(ctx, own_name)
    default = _Target()
    conditional: dict[str, _Target] = {}
    pending: list[tuple[str, Table, str]] = []  # (kind, table, expression) of `if(...)` sub-tables

    for section in SECTIONS:
        table = package.table(section)
        if table is not None:
            for expression, sub in reader.split(table):
                pending.append((section, sub, expression))
            reader.section(table, section, default)
    extras = package.table("extra-dependencies")
    if extras is not None:
        for group in extras:
            table = _group_table(extras, group)
            for expression, sub in reader.split(table):
                pending.append((f"extra:{group}", sub, expression))
            reader.extras(table, group, default)
    exports = package.table("run-exports")
    if exports is not None:
        exports.check_keys(RUN_EXPORT_BUCKETS)
        for bucket in RUN_EXPORT_BUCKETS:
            table = exports.table(bucket)
            if table is not None:
                for expression, sub in reader.split(table):
                    pending.append((f"run-exports:{bucket}", sub, expression))
                reader.run_exports(table, bucket, default)

    seen: set[tuple[str, str]] = set()
    for kind, table, expression in pending:
        if (kind, expression) in seen:
            raise table.error(f"the condition `if({expression})` appears twice in `[{format_key(table.path[:-1])}]`")
        seen.add((kind, expression))
        target = conditional.setdefault(expression, _Target())
        if kind in SECTIONS:
            reader.section(table, kind, target)
        elif kind.startswith("extra:"):
            reader.extras(table, kind.removeprefix("extra:"), target)
        else:
            reader.run_exports(table, kind.removeprefix("run-exports:"), target)

    legacy = package.table("target")
    if legacy is not None:
        for selector in legacy:
            expression = _lowered(legacy, selector)
            if expression in conditional:
                raise legacy.error(
                    f'duplicate condition: `[package.target.{selector}]` is equivalent to `"if({expression})"`',
                    selector,
                    help=f'move the dependencies into the `"if({expression})"` tables and remove the '
                    f"`[package.target.{selector}]` table",
                )
            target = conditional.setdefault(expression, _Target())
            table = legacy.table(selector)
            assert table is not None
            table.check_keys(LEGACY_TARGET_KEYS)
            for section in SECTIONS:
                sub = table.table(section)
                if sub is not None:
                    reader.reject_conditions(sub)
                    reader.section(sub, section, target)
            extras = table.table("extra-dependencies")
            for group in extras or ():
                sub = _group_table(extras, group)
                reader.reject_conditions(sub)
                reader.extras(sub, group, target)

    return t.Targets(
        default_target=default.wire(),
        conditional={expression: target.wire() for expression, target in conditional.items()} or t.UNSET,
    )


def _lowered(legacy: Table, selector: str) -> str:
    return conditions.selector_expression(target_selector(legacy, selector))


def _group_table(extras: Table, group: str) -> Table:
    if not _EXTRA_GROUP.fullmatch(group):
        raise extras.error(
            f"`{group}` is not a valid extra dependency group name",
            group,
            help="group names are 1-64 characters of lower-case letters, digits and `.`, `_`, `+`, `-`",
        )
    table = extras.table(group)
    assert table is not None
    return table


@dataclass
class _Reader:
    """Reads dependency tables into targets, applying pixi's per-table rules."""

    ctx: SpecContext
    own_name: str | None

    def split(self, table: Table) -> list[tuple[str, Table]]:
        """The ``"if(EXPR)"`` sub-tables of a dependency table, in manifest order."""
        found = []
        for key in table:
            if "(" not in key:
                continue
            expression = conditions.if_expression(key)
            if expression is None:
                raise table.error(
                    f"`{key}` is not a valid selector. Wrap the expression in `if(...)`, "
                    "e.g. `if(host_platform == 'linux-64')`",
                    key,
                )
            sub = table.table(key)
            assert sub is not None
            self.reject_conditions(sub)
            found.append((expression, sub))
        return found

    def reject_conditions(self, table: Table) -> None:
        for key in table:
            if "(" in key and isinstance(table.get(key), dict):
                raise table.error(
                    f"`{key}`: conditions cannot be nested in `[{table.name}]`",
                    key,
                    help='put conditional dependencies in `"if(EXPR)"` sub-tables of the top-level `[package.*]` tables',
                )

    def _entries(self, table: Table):
        seen: dict[str, str] = {}
        for key in table:
            if "(" in key:
                continue
            package_name(table, key)
            if key.lower() in seen:
                raise table.error(f"`{key}` is listed twice (also as `{seen[key.lower()]}`)", key)
            seen[key.lower()] = key
            yield key, parse_dependency(table, key, self.ctx)

    def section(self, table: Table, section: str, target: _Target) -> None:
        into = target.sections[section]
        for name, parsed in self._entries(table):
            if parsed.is_pin:
                self._check_pin(table, name, parsed, section)
            into[name] = parsed.spec

    def extras(self, table: Table, group: str, target: _Target) -> None:
        into = target.extras.setdefault(group, {})
        for name, parsed in self._entries(table):
            if parsed.is_pin:
                self._check_pin(table, name, parsed, "extra-dependencies")
            into[name] = parsed.spec

    def run_exports(self, table: Table, bucket: str, target: _Target) -> None:
        into = target.run_exports.setdefault(bucket, {})
        for name, parsed in self._entries(table):
            self._check_run_export(table, name, parsed, constraint=bucket.endswith("constraints"))
            into[name] = parsed.spec

    def _check_pin(self, table: Table, name: str, parsed: ParsedSpec, section: str) -> None:
        where = f"[package.{section}]"
        if section in _PIN_HELP:
            raise table.error(f"`{parsed.kind}` is not allowed in `{where}`", name, help=_PIN_HELP[section])
        if parsed.kind == "pin-subpackage":
            raise table.error(
                f"`pin-subpackage` is not allowed in `{where}`",
                name,
                help="`pin-subpackage` pins the package itself for its consumers and is only supported in the "
                "`[package.run-exports]` tables",
            )
        if self._is_own(name):
            raise table.error(
                "`pin-compatible` cannot reference the package's own name",
                name,
                help="use `pin-subpackage` in `[package.run-exports]` to pin the package itself for consumers",
            )

    def _check_run_export(self, table: Table, name: str, parsed: ParsedSpec, *, constraint: bool) -> None:
        spec = parsed.spec
        if parsed.kind == "url-binary" or (parsed.is_source and spec.source.url is not t.UNSET):
            raise table.error(
                "url specs are not supported in `[package.run-exports]`",
                name,
                help="use a version spec or a `path` or `git` source spec instead",
            )
        if parsed.kind == "path-binary":
            raise table.error(
                "paths to package archives are not supported in `[package.run-exports]`",
                name,
                help="use a version spec or a `path` source spec pointing at a source directory instead",
            )
        if constraint and parsed.is_source:
            raise table.error(
                "source specs are not supported in run-export constraints",
                name,
                help="a constraint only restricts the version of a package installed for another reason; "
                "use a version spec instead",
            )
        if self.own_name is None:
            return
        if parsed.kind == "pin-subpackage" and not self._is_own(name):
            raise table.error(
                f"`pin-subpackage` can only reference the package's own name (`{self.own_name}`), not `{name}`",
                name,
                help=f"use `{self.own_name} = {{ pin-subpackage = ... }}` to pin this package for its consumers",
            )
        if parsed.kind == "pin-compatible" and self._is_own(name):
            raise table.error(
                f"`pin-compatible` cannot reference the package's own name (`{self.own_name}`)",
                name,
                help=f"use `{self.own_name} = {{ pin-subpackage = ... }}` to pin this package for its consumers",
            )

    def _is_own(self, name: str) -> bool:
        return self.own_name is not None and name.lower() == self.own_name.lower()
