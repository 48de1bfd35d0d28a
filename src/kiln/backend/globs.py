"""Input globs: the lists backends share, relative globs, and gitignore-style matching of a tree.

Globs are ordered and the last matching pattern wins (``!pattern`` excludes), as in
spec §4.8. A backend's build globs are typically its own project files, then
:func:`compiler_globs` for the configured compilers, then ``extra-input-globs``,
closed by :func:`with_generated_excludes`. :func:`walk` evaluates a list of globs
below a root with a single ``os.scandir`` walk that prunes directories which cannot
contain a match.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path, PurePosixPath
from typing import Iterator

#: Sources per configured compiler language (upstream's lists; auto-detected compilers add none).
COMPILER_GLOBS: dict[str, tuple[str, ...]] = {
    "rust": ("**/*.rs", "**/Cargo.toml"),
    "cxx": ("**/*.{cc,cxx,cpp,hpp,hxx}",),
    "c": ("**/*.{c,h}",),
}

#: Written by tools and builds next to the sources; never an input.
GENERATED_EXCLUDES = (
    "!.git/**",
    "!.pixi/**",
    "!.venv/**",
    "!build/**",
    "!dist/**",
    "!**/*.egg-info/**",
    "!**/__pycache__/**",
)


def compiler_globs(compilers: list[str]) -> list[str]:
    """The sources each configured compiler reads, in the compilers' order."""
    return [glob for compiler in compilers for glob in COMPILER_GLOBS.get(compiler, ())]


def with_generated_excludes(globs: list[str]) -> list[str]:
    """``globs`` closed by :data:`GENERATED_EXCLUDES` (last match wins, so they come last).

    Nothing included means nothing to exclude: an empty list stays empty.
    """
    return [*globs, *GENERATED_EXCLUDES] if globs else []


def relative_glob(base: Path | str, path: Path | str) -> str:
    """``path`` relative to ``base`` with forward slashes; ``""`` when equal.

    Existing directories get ``/**`` appended (``**`` for ``base`` itself).
    """
    base_p, path_p = Path(base), Path(path)
    rel = os.path.relpath(path_p, base_p) if path_p.is_absolute() == base_p.is_absolute() else str(path_p)
    rel = PurePosixPath(*Path(rel).parts).as_posix() if rel != "." else ""
    if path_p.is_dir():
        return f"{rel}/**" if rel else "**"
    return rel


def expand_braces(pattern: str) -> list[str]:
    """``**/*.{c,h}`` -> ``**/*.c``, ``**/*.h``: the backends' globs use brace
    alternation (as pixi's glob walker supports), gitignore patterns have none."""
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    depth = 0
    parts: list[str] = []
    begin = start + 1
    for i in range(start, len(pattern)):
        ch = pattern[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                parts.append(pattern[begin:i])
                head, tail = pattern[:start], pattern[i + 1 :]
                if len(parts) == 1:  # `{x}` alternates nothing: keep it literal
                    return [head + "{" + p + "}" + t for p in expand_braces(parts[0]) for t in expand_braces(tail)]
                return [e for part in parts for e in expand_braces(head + part + tail)]
        elif ch == "," and depth == 1:
            parts.append(pattern[begin:i])
            begin = i + 1
    return [pattern]  # unbalanced: literal


class GlobMatcher:
    """Ordered gitignore-style patterns, last match wins, as one compiled regex.

    pathspec turns each pattern into a regex; trying them newest-first inside a
    single alternation lets the regex engine find the deciding pattern in C, which
    is what makes walking large trees cheap.
    """

    def __init__(self, patterns: list[str]) -> None:
        import pathspec

        lines = [e for p in patterns for e in expand_braces(p)]
        try:  # pathspec >= 1.0 names git's own semantics "gitignore" and deprecates the old name
            spec = pathspec.PathSpec.from_lines("gitignore", lines)
        except (KeyError, LookupError):
            spec = pathspec.PathSpec.from_lines("gitwildmatch", lines)
        active = [p for p in spec.patterns if p.include is not None and p.regex is not None]
        self._decisions = [p.include for p in reversed(active)]
        alternatives = [f"(?P<kiln_g{i}>{p.regex.pattern})" for i, p in enumerate(reversed(active))]
        self._regex = re.compile("|".join(alternatives)) if alternatives else None

    def match(self, path: str) -> bool:
        if self._regex is None:
            return False
        m = self._regex.match(path)
        if m is None:
            return False
        for i, decision in enumerate(self._decisions):
            if m.group(f"kiln_g{i}") is not None:
                return bool(decision)
        return False


@functools.lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> GlobMatcher:
    """Compiling the patterns costs more than walking a small tree: do it once per set."""
    return GlobMatcher(list(patterns))


def walk(root: Path, patterns: list[str], *, exclude_hidden: bool = True) -> Iterator[Path]:
    for rel, _entry in walk_entries(root, patterns, exclude_hidden=exclude_hidden):
        yield Path(rel)


def walk_entries(root: Path, patterns: list[str], *, exclude_hidden: bool = True) -> Iterator[tuple[str, os.DirEntry]]:
    """Files below ``root`` selected by ``patterns`` (last match wins), with their
    ``os.DirEntry``; paths relative to ``root`` with ``/`` separators.

    Hidden directories (``.git``, ``.pixi``) are skipped unless a pattern names
    them explicitly.
    """
    includes = [p for p in patterns if not p.startswith("!")]
    if not includes:
        return
    matcher = _matcher(tuple(patterns))
    explicit_hidden = {seg for p in includes for seg in p.split("/") if seg.startswith(".") and "*" not in seg}
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        abs_dir, rel_dir = stack.pop()
        try:
            entries = list(os.scandir(abs_dir))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            rel = f"{rel_dir}{entry.name}"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if exclude_hidden and entry.name.startswith(".") and entry.name not in explicit_hidden:
                    continue
                stack.append((entry.path, rel + "/"))
            elif matcher.match(rel):
                yield rel, entry
