"""``kiln migrate``: rewrite a manifest's older forms into the current ones, keeping everything else as written.

The rewrite edits the text in place -- table headers, keys, a few inserted
lines -- at the spans :class:`~kiln.frontend.manifest.toml_source.TomlDocument`
records, so comments, order and spacing survive. Every move is also applied to
the parsed data; the rewritten text must parse to exactly that, or nothing is
written and the user is told what to change by hand.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.backend import conditions
from kiln.errors import KilnError, ManifestError
from kiln.frontend.manifest.legacy import PACKAGE_ONLY_TABLES, Finding, find_older_forms, is_old_layout
from kiln.frontend.manifest.manifest_files import MANIFEST_NAMES
from kiln.frontend.manifest.toml_source import KeyPath, Statement, TomlDocument, format_key

#: Deprecated forms that only warn and that ``migrate`` leaves alone (their replacement is a judgement call).
_LEFT_ALONE = ("The preview flag",)
#: Forms ``migrate`` cannot rewrite without changing what the manifest means, and why.
_CANNOT = {
    "the `[system-requirements]` table": "the virtual packages to declare on `platforms` depend on the platforms",
    "`conda-pypi-map = {}`": "choose `conda-pypi-map = false` or a mapping with `mapping-mode = \"replace\"`",
    "Both top-level": "two values are given and pixi ignores the top-level one: delete it",
}


class MigrationRefused(KilnError):
    """The manifest cannot be rewritten keeping its meaning; nothing was changed."""


@dataclass(frozen=True)
class Migration:
    path: Path
    before: str
    after: str
    findings: list[Finding]

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        name = str(self.path)
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True), name, name
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def find_manifest_file(path: Path) -> Path:
    """``path`` itself, or the manifest in the directory ``path``."""
    if path.is_dir():
        for name in MANIFEST_NAMES:
            if (path / name).is_file():
                return path / name
        raise ManifestError(f"no pixi manifest ({', '.join(MANIFEST_NAMES)}) in {path}")
    if not path.is_file():
        raise ManifestError(f"{path} does not exist")
    return path


def plan_migration(path: Path) -> Migration:
    """The rewritten manifest; raises :class:`MigrationRefused` when its meaning could not be kept."""
    path = find_manifest_file(path.absolute())
    doc = TomlDocument.load(path)
    prefix: KeyPath = ()
    if path.name == "pyproject.toml":
        tool = doc.data.get("tool")
        if not (isinstance(tool, dict) and isinstance(tool.get("pixi"), dict)):
            raise MigrationRefused(f"{path} has no `[tool.pixi]` tables to migrate")
        prefix = ("tool", "pixi")
    findings = [f for f in find_older_forms(doc, prefix) if not f.message.startswith(_LEFT_ALONE)]
    if not findings:
        return Migration(path, doc.text, doc.text, [])
    reasons = [
        f"{path}:{f.line}: {f.message}: {why}"
        for f in findings
        for start, why in _CANNOT.items()
        if f.message.startswith(start)
    ]
    if reasons:
        raise MigrationRefused("cannot rewrite keeping the meaning:\n  " + "\n  ".join(reasons))
    rewriter = _Rewriter(doc, prefix)
    after = rewriter.rewrite()
    _verify(doc, prefix, rewriter, after, findings)
    return Migration(path, doc.text, after, findings)


def apply_migration(migration: Migration) -> None:
    """Write the rewritten manifest (atomically: a reader sees the old file or the new one)."""
    tmp = migration.path.with_name(f".{migration.path.name}.kiln-migrate")
    tmp.write_bytes(migration.after.encode("utf-8"))
    tmp.replace(migration.path)


# ---------------------------------------------------------------------------
# where each older key goes
# ---------------------------------------------------------------------------


class _Rewriter:
    def __init__(self, doc: TomlDocument, prefix: KeyPath) -> None:
        self.doc = doc
        self.prefix = prefix
        self.pixi: dict[str, Any] = doc.table(prefix).data
        package = self.pixi.get("package")
        self.moved = is_old_layout(self.pixi) and isinstance(package, dict)
        self.package = package if isinstance(package, dict) else None
        backend = self.pixi.get("build-system", {}).get("build-backend") if isinstance(
            self.pixi.get("build-system"), dict) else None  # fmt: skip
        self.backend_name = backend.get("name") if isinstance(backend, dict) else None
        self.edits: list[tuple[int, int, str]] = []

    def move(self, path: KeyPath) -> KeyPath:
        """Where the value at ``path`` (relative to the pixi tables) lives in the current layout."""
        if not path:
            return path
        head, rest = path[0], path[1:]
        if head == "project" and "workspace" not in self.pixi:
            return ("workspace", *rest)
        if head == "build-system":
            if rest[:1] == ("build-backend",):
                return ("package", "build", "backend", *rest[1:])
            return ("package", "build", "backend", *rest)
        if head == "build-backend":
            if not rest or rest[0] != self.backend_name:
                raise self.refuse(path, "`[build-backend]` (not the configuration of the `[build-system]` backend)")
            return ("package", "build", "config", *rest[1:])
        if head in PACKAGE_ONLY_TABLES or (self.moved and head in ("host-dependencies", "build-dependencies")):
            return ("package", head, *rest)
        if head in ("host-dependencies", "build-dependencies"):
            return ("dependencies", *rest)
        if head == "target" and len(rest) >= 2:
            selector, table = rest[0], rest[1]
            if table == "run-dependencies" or (self.moved and table in ("host-dependencies", "build-dependencies")):
                return ("package", table, _if(str(selector)), *rest[2:])
        if head == "feature" and len(rest) >= 2 and rest[1] in ("host-dependencies", "build-dependencies"):
            return ("feature", rest[0], "dependencies", *rest[2:])
        if head == "package":
            return self._move_package(path)
        return _tasks_renamed(path)

    def _move_package(self, path: KeyPath) -> KeyPath:
        rest = path[1:]
        if rest[:1] == ("target",) and len(rest) >= 3:
            selector, table, inner = str(rest[1]), rest[2], rest[3:]
            if table == "extra-dependencies" and inner:
                return ("package", table, inner[0], _if(selector), *inner[1:])
            return ("package", table, _if(selector), *inner)
        if rest[:2] == ("build", "configuration"):
            return ("package", "build", "config", *rest[2:])
        if rest[:2] == ("build", "target") and len(rest) >= 4 and rest[3] == "configuration":
            return ("package", "build", "target", rest[2], "config", *rest[4:])
        if rest[:2] in (("build", "channels"), ("build", "additional-dependencies")):
            return ("package", "build", "backend", *rest[1:])
        return path

    def refuse(self, path: KeyPath, what: str) -> MigrationRefused:
        line = self.doc.line_of(self.prefix + path)
        return MigrationRefused(f"{self.doc.path}:{line}: cannot rewrite {what} keeping its meaning; change it by hand")

    # -- the text edits ----------------------------------------------------------

    def rewrite(self) -> str:
        text = self.doc.text
        header: KeyPath = ()
        new_header: KeyPath = ()
        package_header: Statement | None = None
        inline_backend: Statement | None = None
        backend_table_end: int | None = None
        pending_backend_entries: list[Statement] = []
        n = len(self.prefix)
        for st in self.doc.statements:
            if st.path[:n] != self.prefix:
                if st.kind != "entry":
                    header = new_header = None  # type: ignore[assignment]
                continue
            rel = st.path[n:]
            if st.kind != "entry":
                header, new_header = rel, self.move(rel)
                if rel == ("package",):
                    package_header = st
                if new_header != rel:
                    if st.kind == "array-header":
                        raise self.refuse(rel, f"the array of tables `[[{format_key(st.path)}]]`")
                    self.edits.append((st.start, st.key_end, f"[{format_key(self.prefix + new_header)}]"))
                if new_header == ("package", "build", "backend"):
                    backend_table_end = st.end
                continue
            if header is None:
                continue
            if new_header == ("package", "build", "backend"):
                backend_table_end = st.end
            moved = self.move(rel)
            if rel == ("package", "build", "backend") and header == ("package", "build"):
                inline_backend = st
            if rel[:1] == ("build-system",) and rel[1:2] == ("build-backend",) and len(rel) == 2:
                self._expand_inline(st)
                continue
            if header == ("package", "build") and len(rel) == 3 and rel[2] in ("channels", "additional-dependencies"):
                pending_backend_entries.append(st)
                continue
            if moved[: len(new_header)] != new_header:
                raise self.refuse(rel, f"`{format_key(st.path)}` (a dotted key)")
            new_key, old_key = moved[len(new_header) :], rel[len(header) :]
            if new_key != old_key:
                key_text = text[st.start : st.key_end].rstrip()
                self.edits.append((st.start, st.start + len(key_text), format_key(new_key)))
            if rel in (("workspace", "preview"), ("project", "preview")):
                self._preview(st)
        for st in pending_backend_entries:
            self._into_backend(st, inline_backend, backend_table_end)
        if self.moved and self.package is not None:
            self._package_fields(package_header)
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    def _expand_inline(self, st: Statement) -> None:
        """``build-backend = { name = "x", version = "*" }`` -> one ``key = value`` line per key."""
        import tomlkit

        value_text = self.doc.text[st.key_end : st.end].lstrip().removeprefix("=").strip()
        try:
            table = tomlkit.parse(f"v = {value_text}\n")["v"]
        except Exception:  # tomlkit reads TOML 1.0; a TOML 1.1 inline table is rewritten by hand
            raise self.refuse(st.path[len(self.prefix) :], "this inline table") from None
        if not isinstance(table, dict):
            raise self.refuse(st.path[len(self.prefix) :], "`build-backend` (not a table)")
        lines = [f"{key.as_string().strip()} = {item.as_string().strip()}" for key, item in table.value.body if key]
        self.edits.append((st.start, st.end, "\n".join(lines)))

    def _preview(self, st: Statement) -> None:
        import re

        value = self.doc.text[st.key_end : st.end]
        for found in re.finditer(r"([\"'])build\1", value):
            start = st.key_end + found.start()
            self.edits.append((start, start + len(found.group(0)), '"pixi-build"'))

    def _into_backend(self, st: Statement, inline: Statement | None, table_end: int | None) -> None:
        """``[package.build] channels`` / ``additional-dependencies`` -> ``backend.<key>``."""
        text = self.doc.text
        entry = text[st.start : st.end].strip()
        line_start = text.rfind("\n", 0, st.start) + 1
        line_end = text.find("\n", st.end)
        line_end = len(text) if line_end < 0 else line_end + 1
        after = text[st.end : line_end].strip()
        if text[line_start : st.start].strip() or (after and not after.startswith("#")):
            raise self.refuse(st.path[len(self.prefix) :], f"`{format_key(st.path)}` (shares its line)")
        self.edits.append((line_start, line_end, ""))
        if inline is not None:
            close = text.rfind("}", inline.key_end, inline.end)
            body = text[inline.key_end : close].rstrip()
            separator = "" if body.endswith(("{", ",")) else ","
            self.edits.append((inline.key_end + len(body), close, f"{separator} {entry} "))
        elif table_end is not None:
            self.edits.append((table_end, table_end, f"\n{entry}"))
        else:
            raise self.refuse(st.path[len(self.prefix) :], f"`{format_key(st.path)}` (the backend is not in this file)")

    def _package_fields(self, header: Statement | None) -> None:
        """The old layout's ``[package]`` took name and version from the workspace; say so explicitly."""
        assert self.package is not None
        workspace = self.pixi.get("workspace", self.pixi.get("project"))
        given = workspace if isinstance(workspace, dict) else {}
        keys = [k for k in ("name", "version") if k not in self.package and k in given]
        if not keys:
            return
        if header is None:
            raise self.refuse(("package",), "`package` (not a `[package]` table)")
        lines = "".join(f"\n{key} = {{ workspace = true }}" for key in keys)
        self.edits.append((header.end, header.end, lines))

    def expected(self) -> dict[str, Any]:
        """The pixi tables as the rewritten text must parse."""
        result: dict[str, Any] = {}
        for path, value in _leaves(self.pixi, ()):
            target = self.move(path)
            if target == ("workspace", "preview") and isinstance(value, list):
                value = ["pixi-build" if v == "build" else v for v in value]
            _put(result, target, value, self)
        if self.moved and self.package is not None:
            workspace = self.pixi.get("workspace", self.pixi.get("project"))
            for key in ("name", "version"):
                if key not in self.package and isinstance(workspace, dict) and key in workspace:
                    _put(result, ("package", key), {"workspace": True}, self)
        return result


def _leaves(value: Any, path: KeyPath):
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    else:
        yield path, value


def _put(result: dict[str, Any], path: KeyPath, value: Any, rewriter: _Rewriter) -> None:
    node = result
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise rewriter.refuse(path, f"`{format_key(path)}` (it would overlap another key)")
    if path[-1] in node and node[path[-1]] != {}:
        raise rewriter.refuse(path, f"`{format_key(path)}` (it is given twice)")
    if isinstance(node.get(path[-1]), dict) and value == {}:
        return
    node[path[-1]] = value


def _if(selector: str) -> str:
    return f"if({conditions.selector_expression(selector)})"


def _tasks_renamed(path: KeyPath) -> KeyPath:
    for index in range(len(path) - 2):
        if path[index] == "tasks" and path[index + 2] == "depends_on":
            return (*path[: index + 2], "depends-on", *path[index + 3 :])
    return path


def _verify(doc: TomlDocument, prefix: KeyPath, rewriter: _Rewriter, after: str, findings: list[Finding]) -> None:
    """The rewritten text parses to the moved data and has no older forms left."""
    listed = "\n  ".join(f"{doc.path}:{f.line}: {f.message}" for f in findings)
    try:
        new = TomlDocument(doc.path, after)
    except KilnError as exc:
        raise MigrationRefused(
            f"rewriting these forms would not give valid TOML ({exc}); "
            f"change them by hand:\n  {listed}"
        ) from None
    data: Any = new.data
    for part in prefix:
        data = data[part]
    if data != rewriter.expected():
        raise MigrationRefused(
            f"rewriting these forms would change what the manifest means; change them by hand:\n  {listed}"
        )
    left = [f for f in find_older_forms(new, prefix) if not f.message.startswith(_LEFT_ALONE)]
    if left:
        rest = "\n  ".join(f"{doc.path}:{f.line}: {f.message}" for f in left)
        raise MigrationRefused(f"cannot rewrite these forms; change them by hand:\n  {rest}")
