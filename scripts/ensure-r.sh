#!/usr/bin/env bash
# Make sure R (Debian's r-base-core) is on this machine: `kiln channel bootstrap` makes its
# r-base package from it, and pixi-build-r's end-to-end tests build and load R packages.
# Idempotent: nothing happens when Rscript is on PATH. Installs only as root with apt-get;
# otherwise it says why and the R tests skip. With --require (what .ci/run passes) a
# machine left without R is an error, so CI never skips those tests.
set -uo pipefail
require=0
[ "${1:-}" = "--require" ] && require=1
if command -v Rscript >/dev/null 2>&1; then
    exit 0
fi
why=""
if [ "$(id -u)" != 0 ]; then
    why="not root"
elif ! command -v apt-get >/dev/null 2>&1; then
    why="no apt-get"
else
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq r-base-core; } >/tmp/kiln-ensure-r.log 2>&1; then
        why="apt-get install r-base-core failed (see /tmp/kiln-ensure-r.log)"
    fi
fi
if command -v Rscript >/dev/null 2>&1; then
    exit 0
fi
echo "note: R is not installed (${why:-Rscript still missing}); the R tests will be skipped" >&2
exit "$require"
