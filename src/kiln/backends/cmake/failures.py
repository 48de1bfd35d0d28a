"""What to say when a CMake build fails: the compiler's or CMake's own error, first."""

from __future__ import annotations

import re

#: ``file:line:col: error: ...`` (gcc, clang) and ``file(line): error ...`` (MSVC).
COMPILER_ERROR = re.compile(r"^(\S.*?:\d+(?::\d+)?: (?:fatal )?error: .*|\S.*?\(\d+\): (?:fatal )?error .*)$")
#: ``CMake Error at CMakeLists.txt:3 (add_library):`` and the indented lines after it.
CMAKE_ERROR = re.compile(r"^CMake Error\b.*")
LINKER_ERROR = re.compile(r"^(.*: undefined reference to .*|.*ld(?:\.\w+)?: .*error.*|collect2: error: .*)$")
MAX_LINES = 12


def _clean(line: str) -> str:
    """rattler-build prefixes script output with a box-drawing margin."""
    return re.sub(r"^\s*[│╭╰├]\s?", "", line).rstrip()


def _first_block(lines: list[str], start: re.Pattern[str], stops: tuple[str, ...]) -> list[str] | None:
    """The first line ``start`` matches and the lines explaining it, up to a line that
    begins with one of ``stops`` or starts another such block."""
    for i, line in enumerate(lines):
        if start.match(line):
            block = [line]
            for following in lines[i + 1 : i + MAX_LINES]:
                if following.startswith(stops) or start.match(following):
                    break
                block.append(following)
            return block
    return None


def compiler_error(log: list[str]) -> str | None:
    """The first compiler error with the lines that explain it, else CMake's, else the linker's."""
    lines = [_clean(line) for line in log]
    block = _first_block(lines, COMPILER_ERROR, ("ninja:", "[", "FAILED:"))
    if block is not None:
        return "\n".join(block).rstrip()
    block = _first_block(lines, CMAKE_ERROR, ("-- ", "FAILED:", "ninja:"))
    if block is not None:
        return "\n".join(block).strip()
    return next((line for line in lines if LINKER_ERROR.match(line)), None)
