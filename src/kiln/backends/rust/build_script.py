"""The build script pixi-build-rust puts in ``build.script``, byte for byte (spec ``backends.md`` §4.4).

An OpenSSL probe, the sccache wrapper when sccache is on (a blank line otherwise),
the toolchain of the build prefix exported, then one ``cargo install``. cargo keeps
``--target-dir target`` relative to the build's work directory, which is what makes
a rebuild in a persistent work directory incremental.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BuildScript:
    source_dir: str
    windows: bool
    has_sccache: bool = False
    extra_args: list[str] = field(default_factory=list)

    def render(self) -> str:
        return self._cmd() if self.windows else self._bash()

    def _install(self, cargo: str, prefix: str) -> str:
        return (
            f'{json.dumps(cargo)} install --locked --root "{prefix}" --path "{self.source_dir}" '
            f"--target-dir target --no-track {' '.join(self.extra_args)} --force"
        )

    def _bash(self) -> str:
        lines = ['if [ -d "$PREFIX/include/openssl" ]; then', '    export OPENSSL_DIR="$PREFIX"', "fi", ""]
        lines.append('export RUSTC_WRAPPER="sccache"' if self.has_sccache else "")
        lines.append("")
        for name, tool in (("CARGO", "cargo"), ("RUSTC", "rustc"), ("RUSTDOC", "rustdoc")):
            lines.append(f"export {name}={json.dumps('$BUILD_PREFIX/bin/' + tool)}")
        lines += ["", self._install("$BUILD_PREFIX/bin/cargo", "$PREFIX")]
        if self.has_sccache:
            lines += ["", "sccache --show-stats"]
        return "\n".join(lines) + "\n"

    def _cmd(self) -> str:
        lines = ['if exist "%PREFIX%\\Library\\include\\openssl" SET "OPENSSL_DIR=%PREFIX%"', ""]
        lines.append('SET "RUSTC_WRAPPER=sccache"' if self.has_sccache else "")
        lines.append("")
        for name, tool in (("CARGO", "cargo"), ("RUSTC", "rustc"), ("RUSTDOC", "rustdoc")):
            lines.append(f'SET "{name}=%BUILD_PREFIX%\\Library\\bin\\{tool}"')
        lines += ["", self._install("%BUILD_PREFIX%\\Library\\bin\\cargo", "%PREFIX%"), "if errorlevel 1 exit 1"]
        if self.has_sccache:
            lines += ["", "sccache --show-stats"]
        return "\n".join(lines) + "\n"
