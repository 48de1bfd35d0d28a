"""pixi-build-r's build script, byte for byte upstream's ``build_script.j2`` (spec ``backends.md`` §6.4).

Upstream's jinja template leaves three blank lines between its blocks and two before
the error check; both flavours are reproduced here without a template engine.
Native code does not change the script: ``R CMD INSTALL`` compiles ``src/`` itself.
"""

from __future__ import annotations

UNIX_LIBRARY = "$PREFIX/lib/R/library"
WINDOWS_LIBRARY = "%LIBRARY_PREFIX%\\R\\library"


def render(source_dir: str, extra_args: list[str], *, windows: bool) -> str:
    """The script that installs the package at ``source_dir`` into the prefix's R library."""
    library = WINDOWS_LIBRARY if windows else UNIX_LIBRARY
    args = [f"--library={library}", "--no-lock", *extra_args]
    joined = (" ^\n    " if windows else " \\\n    ").join(args)
    if windows:
        parts = [
            "R.exe --version\n@if errorlevel 1 exit 1",
            f'if not exist "{library}" mkdir "{library}"\n@if errorlevel 1 exit 1',
            f'R.exe CMD INSTALL {joined} "{source_dir}"',
        ]
        check = "@if errorlevel 1 exit 1"
    else:
        parts = ["R --version", f'mkdir -p "{library}"', f'R CMD INSTALL {joined} "{source_dir}"']
        check = "if [ $? -ne 0 ]; then\n    exit 1\nfi"
    return "\n\n\n\n".join(parts) + "\n\n\n" + check
