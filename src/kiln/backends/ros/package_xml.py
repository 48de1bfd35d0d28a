"""ROS ``package.xml`` (formats 1-3): the fields pixi-build-ros reads and ``condition`` evaluation (spec §7.2).

Parsed with the stdlib's expat so every element keeps its line: a malformed file
or a missing ``<name>``/``<version>`` is a :class:`~kiln.errors.ManifestError`
naming the file and line. Text is the element's own text before its first child,
trimmed (as upstream's roxmltree reader takes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers import expat

from kiln.errors import ManifestError

#: Dependency tags, in the order upstream reads them.
DEPENDENCY_TAGS = (
    "build_depend",
    "buildtool_depend",
    "run_depend",
    "exec_depend",
    "depend",
    "build_export_depend",
    "buildtool_export_depend",
    "test_depend",
)
VERSION_ATTRIBUTES = ("version_lt", "version_lte", "version_eq", "version_gte", "version_gt")
DEFAULT_BUILD_TYPE = "catkin"


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts).strip()

    def child(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]


@dataclass(frozen=True)
class Dependency:
    name: str
    version_lt: str | None = None
    version_lte: str | None = None
    version_eq: str | None = None
    version_gte: str | None = None
    version_gt: str | None = None
    condition: str | None = None
    #: None until :meth:`PackageXml.evaluate_conditions`; a dependency without a condition stays active.
    active: bool | None = None
    line: int | None = None

    @property
    def is_active(self) -> bool:
        return self.active is not False


@dataclass(frozen=True)
class Url:
    url: str
    type: str | None


@dataclass(frozen=True)
class PackageXml:
    path: Path
    format: int
    name: str
    version: str
    description: str | None
    licenses: list[str]
    urls: list[Url]
    dependencies: dict[str, list[Dependency]]
    build_type_name: str | None = None

    @property
    def build_type(self) -> str:
        return self.build_type_name or DEFAULT_BUILD_TYPE

    def deps(self, tag: str) -> list[Dependency]:
        """The active dependencies of one tag, in file order."""
        return [d for d in self.dependencies.get(tag, []) if d.is_active]

    def evaluate_conditions(self, env: dict[str, str]) -> PackageXml:
        """This package with every ``condition`` attribute evaluated against ``env``."""
        evaluated = {
            tag: [d if d.condition is None else replace(d, active=evaluate_condition(d.condition, env)) for d in deps]
            for tag, deps in self.dependencies.items()
        }
        return replace(self, dependencies=evaluated)


def _parse_tree(text: str, path: Path) -> _Node:
    parser = expat.ParserCreate()
    stack: list[_Node] = []
    root: list[_Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag.rsplit(":", 1)[-1], dict(attrs), parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack and not stack[-1].children:
            stack[-1].text_parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise ManifestError(
            f"invalid XML: {expat.ErrorString(exc.code)}",
            path=path,
            line=exc.lineno,
            column=exc.offset + 1,
            help="package.xml must be well-formed XML",
        ) from None
    return root[0]


def parse(text: str, path: Path) -> PackageXml:
    """Read a package.xml's text (``path`` is for messages only)."""
    root = _parse_tree(text, path)
    if root.tag != "package":
        raise ManifestError(f"expected root element <package>, found <{root.tag}>", path=path, line=root.line)

    def required(tag: str) -> str:
        node = root.child(tag)
        if node is None or not node.text:
            raise ManifestError(
                f"missing required <{tag}> element in package.xml",
                path=path,
                line=(node or root).line,
                help=f"every package.xml needs a non-empty <{tag}> in <package>",
            )
        return node.text

    try:
        fmt = int(root.attrs.get("format", "1"))
    except ValueError:
        fmt = 1
    name = required("name")
    version = required("version")
    description_node = root.child("description")
    dependencies: dict[str, list[Dependency]] = {}
    for tag in DEPENDENCY_TAGS:
        deps = []
        for node in root.all(tag):
            if not node.text:
                continue
            versions = {a: node.attrs[a] for a in VERSION_ATTRIBUTES if a in node.attrs}
            deps.append(Dependency(node.text, condition=node.attrs.get("condition"), line=node.line, **versions))
        dependencies[tag] = deps
    export = root.child("export")
    build_type = export.child("build_type") if export is not None else None
    return PackageXml(
        path=path,
        format=fmt,
        name=name,
        version=version,
        description=description_node.text if description_node is not None else None,
        licenses=[n.text for n in root.all("license")],
        urls=[Url(n.text, n.attrs.get("type")) for n in root.all("url")],
        dependencies=dependencies,
        build_type_name=build_type.text if build_type is not None else None,
    )


def load(path: Path) -> PackageXml:
    """Read ``path``; a missing file is a :class:`ManifestError` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(
            "no package.xml here",
            path=path,
            help="pixi-build-ros builds a ROS package: its directory needs a package.xml",
        ) from None
    except OSError as exc:
        raise ManifestError(f"cannot read the file: {exc.strerror}", path=path) from None
    return parse(text, path)


# -- conditions (REP 149) ------------------------------------------------------------------

_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")


def evaluate_condition(condition: str, env: dict[str, str]) -> bool:
    """Upstream's evaluator: the first operator by position (the longer on a tie),
    ``$VAR`` substituted on each side, quotes stripped, compared as strings; no
    operator means "true when the substituted text is not empty"."""
    condition = condition.strip()
    found: tuple[int, int, str] | None = None
    for op in _OPERATORS:
        pos = condition.find(op)
        if pos >= 0 and (found is None or pos < found[0] or (pos == found[0] and len(op) > found[1])):
            found = (pos, len(op), op)
    if found is None:
        return bool(_substitute(condition, env))
    pos, length, op = found
    lhs = _substitute(condition[:pos].strip(), env)
    rhs = _substitute(condition[pos + length :].strip(), env)
    return {
        "==": lhs == rhs,
        "!=": lhs != rhs,
        "<": lhs < rhs,
        ">": lhs > rhs,
        "<=": lhs <= rhs,
        ">=": lhs >= rhs,
    }[op]


def _substitute(text: str, env: dict[str, str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        i += 1
        if ch != "$":
            out.append(ch)
            continue
        start = i
        while i < len(text) and (text[i].isalnum() or text[i] == "_"):
            i += 1
        out.append(env.get(text[start:i], ""))
    result = "".join(out).strip()
    if len(result) >= 2 and result[0] == result[-1] and result[0] in "'\"":
        return result[1:-1]
    if result in ("'", '"'):  # a lone quote (upstream's slicing would panic here)
        return ""
    return result
