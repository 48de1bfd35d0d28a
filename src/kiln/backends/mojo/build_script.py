"""The build script: ``mojo build`` per binary, ``mojo precompile``/``package`` for the package (spec §5.4).

Written out as upstream's minijinja template renders it: ``mojo --version``, each bin
after a blank line, the package block after another; always ``$PREFIX`` (upstream
has no Windows flavour). Missing extra-args join to ``""`` (a double space).
"""

from __future__ import annotations

from kiln.backends.mojo.config import Artifacts

PKG_BLOCK = """\
# Mojo v1.0 renamed `mojo package` to `mojo precompile`; probe which subcommand the installed compiler supports
if mojo precompile --help >/dev/null 2>&1; then
    MOJO_PKG_CMD=precompile
    MOJO_PKG_EXT=mojoc
else
    MOJO_PKG_CMD=package
    MOJO_PKG_EXT=mojopkg
fi
mkdir -p $PREFIX/lib/mojo
mojo $MOJO_PKG_CMD {args} "{path}" -o $PREFIX/lib/mojo/{name}.$MOJO_PKG_EXT
"""


def render(artifacts: Artifacts) -> str:
    out = "mojo --version"
    if artifacts.bins:
        out += "\n"
        for b in artifacts.bins:
            out += f'\nmojo build {" ".join(b.extra_args or [])} "{b.path}" -o $PREFIX/bin/{b.name}\n'
        out += "\n"
    pkg = artifacts.pkg
    if pkg:
        out += "\n" + PKG_BLOCK.format(args=" ".join(pkg.extra_args or []), path=pkg.path, name=pkg.name) + "\n"
    return out.strip().replace("\r\n", "\n")
