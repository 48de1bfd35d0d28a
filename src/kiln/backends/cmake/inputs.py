"""The exact input files of a CMake/Ninja build, read from ninja's build graph (spec ``backends.md`` §3.4).

After a build, ninja knows what went into it: ``-t inputs all`` lists the declared
sources, ``-t deps`` the headers the compiler reported, ``-t targets all`` the
``CMakeLists.txt`` and ``*.cmake`` files of CMake's regeneration rule (as absolute
``<path>: phony`` lines). ``CMakeFiles/VerifyGlobs.cmake`` adds the patterns of
``file(GLOB ... CONFIGURE_DEPENDS)``, so a new file matching one is noticed too.
Only paths inside the source directory and outside ``.pixi/`` count. Any failure
raises :class:`InputsUnavailable`; the caller then falls back to broad globs.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HOME_KEY = "CMAKE_HOME_DIRECTORY:INTERNAL="
MAKE_PROGRAM_KEY = "CMAKE_MAKE_PROGRAM:FILEPATH="
VERIFY_GLOBS = "CMakeFiles/VerifyGlobs.cmake"
PIXI_DIR = ".pixi"
QUERIES = (("-t", "inputs", "all"), ("-t", "deps"), ("-t", "targets", "all"))

#: Used when the build graph cannot be read: broad, so no real change is missed.
FALLBACK_GLOBS = ("**/*.{c,cc,cxx,cpp,h,hpp,hxx}", "**/*.{cmake,cmake.in}", "**/CMakeLists.txt")


class InputsUnavailable(Exception):
    """The build directory, its cache or a ninja query gave nothing usable."""


def is_absolute(path: str) -> bool:
    return path.startswith("/") or (len(path) >= 3 and path[1] == ":" and path[2] in "/\\")


def canonicalize(path: str, build_dir: str) -> str:
    """``path`` absolute against ``build_dir``, forward slashes, ``.``/``..`` resolved lexically."""
    normalized = path.replace("\\", "/")
    absolute = normalized if is_absolute(normalized) else f"{build_dir}/{normalized}"
    if absolute.startswith("/"):
        root, rest = "/", absolute[1:]
    elif len(absolute) >= 3 and absolute[1] == ":" and absolute[2] == "/":
        root, rest = absolute[:3], absolute[3:]
    else:
        root, rest = "", absolute
    out: list[str] = []
    for segment in rest.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    return root + "/".join(out)


def _normalized(path: str) -> str:
    return path.replace("\\", "/").rstrip("/")


class Layout:
    """The source and build roots that turn build-graph paths into source-relative inputs."""

    def __init__(self, source_dir: str, build_dir: str) -> None:
        self.source_dir = _normalized(source_dir)
        self.build_dir = _normalized(build_dir)

    def _strip_source_root(self, absolute: str) -> str | None:
        if not absolute.startswith(self.source_dir):
            return None
        rest = absolute[len(self.source_dir) :]
        if rest and not rest.startswith("/"):
            return None  # /src/proj-other is not inside /src/proj
        rel = rest[1:] if rest.startswith("/") else rest
        if not rel or rel.split("/", 1)[0] == PIXI_DIR:
            return None
        return rel

    def relativize(self, path: str) -> str | None:
        return self._strip_source_root(canonicalize(path, self.build_dir))

    def relativize_glob(self, pattern: str, recursive: bool) -> str | None:
        rel = self._strip_source_root(pattern.replace("\\", "/"))
        if rel is None or not recursive or "**" in rel:
            return rel
        head, sep, last = rel.rpartition("/")
        return f"{head}/**/{last}" if sep else f"**/{rel}"


def parse_inputs(stdout: str, layout: Layout) -> set[str]:
    return {rel for line in stdout.splitlines() if line and (rel := layout.relativize(line)) is not None}


def parse_deps(stdout: str, layout: Layout) -> set[str]:
    """Indented (four spaces) lines of each ``<object>: #deps ...`` stanza."""
    found = set()
    for line in stdout.splitlines():
        if line.startswith("    ") and (rel := layout.relativize(line[4:])) is not None:
            found.add(rel)
    return found


def parse_targets(stdout: str, layout: Layout) -> set[str]:
    """Absolute ``<path>: phony`` lines; bare names (``all``, target aliases) are not files."""
    found = set()
    for line in stdout.splitlines():
        path, sep, rule = line.rpartition(":")
        if not sep or rule.strip() != "phony":
            continue
        path = path.strip()
        if is_absolute(path) and (rel := layout.relativize(path)) is not None:
            found.add(rel)
    return found


def parse_verify_globs(text: str, layout: Layout) -> set[str]:
    found = set()
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("file(GLOB_RECURSE "):
            recursive, rest = True, stripped[len("file(GLOB_RECURSE ") :]
        elif stripped.startswith("file(GLOB "):
            recursive, rest = False, stripped[len("file(GLOB ") :]
        else:
            continue
        if not rest.endswith(")"):
            continue
        parts = rest.split('"')
        if len(parts) < 3:
            continue
        rel = layout.relativize_glob(parts[1], recursive)
        if rel is not None:
            found.add(rel)
    return found


def read_cache_value(cache: str, key: str) -> str | None:
    for line in cache.splitlines():
        if line.startswith(key):
            return line[len(key) :]
    return None


def exact_inputs(build_dir: Path) -> set[str]:
    """The source-relative inputs of the build in ``build_dir``; raises :class:`InputsUnavailable`."""
    if not build_dir.is_dir():
        raise InputsUnavailable(f"cmake build dir not found at {build_dir}")
    try:
        cache = (build_dir / "CMakeCache.txt").read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputsUnavailable(str(exc)) from None
    source_dir = read_cache_value(cache, HOME_KEY)
    if source_dir is None:
        raise InputsUnavailable("CMAKE_HOME_DIRECTORY not found in CMakeCache.txt")
    # the build environment's ninja is not on the backend's PATH; CMake recorded it
    ninja = read_cache_value(cache, MAKE_PROGRAM_KEY) or "ninja"

    def query(args: tuple[str, ...]) -> str:
        try:
            done = subprocess.run([ninja, "-C", str(build_dir), *args], capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise InputsUnavailable(f"`ninja {' '.join(args)}`: {exc}") from None
        if done.returncode != 0:
            raise InputsUnavailable(f"`ninja {' '.join(args)}` exited with {done.returncode}")
        try:
            return done.stdout.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputsUnavailable(f"`ninja {' '.join(args)}`: {exc}") from None

    # concurrently, so that no query blocks on a full pipe while another runs
    with ThreadPoolExecutor(max_workers=len(QUERIES)) as pool:
        inputs, deps, targets = pool.map(query, QUERIES)
    layout = Layout(source_dir, str(build_dir))
    files = parse_inputs(inputs, layout) | parse_deps(deps, layout) | parse_targets(targets, layout)
    try:
        files |= parse_verify_globs((build_dir / VERIFY_GLOBS).read_text(encoding="utf-8"), layout)
    except (OSError, UnicodeDecodeError):
        pass  # no CONFIGURE_DEPENDS globs
    return files


def build_input_globs(build_dir: Path | None, extra_input_globs: list[str]) -> list[str]:
    """Upstream's ``extract_input_globs_from_build``: exact inputs (else the fallback) and
    ``extra-input-globs``, as one sorted set."""
    from kiln.protocol import log

    try:
        if build_dir is None:
            raise InputsUnavailable("no build directory")
        globs = exact_inputs(build_dir)
    except InputsUnavailable as exc:
        log.warn(f"falling back to glob-based input tracking for the cmake build: {exc}")
        globs = set(FALLBACK_GLOBS)
    return sorted(globs | set(extra_input_globs))
