#!/usr/bin/env bash
# Create (or refresh) the development environment in .venv: kiln installed in
# editable mode with the tools the tests and the offline channel need, at the
# versions of constraints.txt (the ones the suite passed with).
# Needs only Python 3.11+ and pip. Safe to run repeatedly: it reinstalls only when
# pyproject.toml or constraints.txt changed since the last run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=".venv/.kiln-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
    echo "$want" > "$stamp"
fi
# Bytecode for kiln itself: an editable install has none, and backends start
# noticeably faster with it (installed packages always ship it).
.venv/bin/python -m compileall -q src >/dev/null
