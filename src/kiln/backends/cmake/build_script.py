"""The configure-and-install script pixi-build-cmake puts in ``build.script`` (spec ``backends.md`` §3.3).

The text matches upstream's template byte for byte. It relies on the work directory
being kept between builds: ``build.ninja`` present means "configured already", so the
configure step is skipped and ninja recompiles only what changed. The python probe
passes ``-DPython_EXECUTABLE`` only when an interpreter exists in the host prefix
(rattler-build sets ``$PYTHON`` either way). The flavour follows the machine that runs
the backend, passed in as ``windows``.
"""

from __future__ import annotations

UNIX = """\
ninja --version
cmake --version

PYTHON_ARG=
if [ -x "$PYTHON" ]; then
    PYTHON_ARG=-DPython_EXECUTABLE="$PYTHON"
fi
mkdir -p build
pushd build

if [ ! -f "build.ninja" ]; then
    cmake {args}
fi

cmake --build . --target install"""

WINDOWS = """\
ninja --version
cmake --version

set PYTHON_ARG=
if exist "%PYTHON%" set PYTHON_ARG=-DPython_EXECUTABLE="%PYTHON%"
if not exist build mkdir build
pushd build

if not exist build.ninja (
    cmake {args}
    @if errorlevel 1 exit 1
)

cmake --build . --target install
@if errorlevel 1 exit 1"""


def cmake_arguments(source_dir: str, extra_args: list[str], windows: bool) -> list[str]:
    """The configure arguments in upstream's order; ``extra_args`` last so the user's flags win."""
    return [
        "%CMAKE_ARGS%" if windows else "$CMAKE_ARGS",
        "-GNinja",
        f'-S "{source_dir}"',
        "-DCMAKE_BUILD_TYPE=Release",
        '-DCMAKE_INSTALL_PREFIX="%LIBRARY_PREFIX%"' if windows else '-DCMAKE_INSTALL_PREFIX="$PREFIX"',
        "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
        "-DBUILD_SHARED_LIBS=ON",
        # both vanish when the probe found no interpreter
        "%PYTHON_ARG%" if windows else '${PYTHON_ARG:+"$PYTHON_ARG"}',
        *extra_args,
    ]


def render(source_dir: str, extra_args: list[str], *, windows: bool) -> str:
    separator = " ^\n        " if windows else " \\\n        "
    template = WINDOWS if windows else UNIX
    return template.format(args=separator.join(cmake_arguments(source_dir, extra_args, windows)))
