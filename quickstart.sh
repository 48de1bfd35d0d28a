#!/usr/bin/env bash
# kiln in one command: set up .venv, make an offline conda channel from this
# machine's own tools, build the example workspace, install the app and run it.
# Needs only Python 3.11+ and pip. Re-running is fast: everything is cached.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
demo="$PWD/build/demo"
export RATTLER_CACHE_DIR="${RATTLER_CACHE_DIR:-$demo/cache}"
kiln=.venv/bin/kiln

echo "==> kiln channel bootstrap: a local channel from the host (no conda channel needed)"
"$kiln" channel bootstrap "$demo/channel" --quiet

echo "==> kiln build: examples/hello-python and the recipe package it needs"
rm -rf "$demo/out"  # only this run's archives: they are installed as files below
"$kiln" build --path examples/hello-python --channel "$demo/channel" -o "$demo/out" --explain

echo "==> kiln build: examples/hello-cmake (a C library and program, with the channel's compilers)"
"$kiln" build --path examples/hello-cmake --channel "$demo/channel" -m "$demo/channel/variants.yaml" \
    -o "$demo/out" --explain

echo "==> kiln channel install: the built archives (the apps and the package they need) into a fresh prefix"
rm -rf "$demo/prefix"
"$kiln" channel install --prefix "$demo/prefix" -c "$demo/channel" "$demo"/out/*.conda >/dev/null

echo "==> running it"
"$demo/prefix/bin/kiln-hello-py"
"$demo/prefix/bin/kiln-hello"
"$demo/prefix/bin/kiln-hello-cmake"

echo "==> kiln run: the workspace environment of examples/python_rich (pixi's python_rich example)"
"$kiln" run --manifest-path examples/python_rich start
