"""The install command pixi-build-python puts in ``build.script`` (spec ``backends.md`` §2.6).

The text must match upstream byte for byte: the options are joined with a line
continuation (`` \\`` for bash, `` ^`` for cmd.exe) plus eight spaces, the quoted
manifest root follows the last option, and cmd.exe scripts stop on failure. The
flavour follows the machine that runs the backend, passed in as ``windows``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BuildScript:
    installer: str
    windows: bool
    editable: bool
    manifest_root: str
    extra_args: list[str] = field(default_factory=list)

    def options(self) -> list[str]:
        options = ["-vv", "--no-deps", "--no-build-isolation", "--no-index", *self.extra_args]
        if self.editable:
            options.append("--editable")
        return options

    def render(self) -> str:
        python = "%PYTHON%" if self.windows else "$PYTHON"
        continuation = " ^\n        " if self.windows else " \\\n        "
        joined = continuation.join(self.options())
        if self.installer == "uv":
            command = f'uv pip install --python "{python}" --reinstall {joined} "{self.manifest_root}"'
        else:
            command = f'"{python}" -m pip install --force-reinstall {joined} "{self.manifest_root}"'
        if self.windows:
            command += "\nif errorlevel 1 exit 1"
        return command
