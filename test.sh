#!/usr/bin/env bash
# Run kiln's whole test suite (sets up .venv first if needed). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
./scripts/ensure-r.sh  # R for the pixi-build-r tests, where it can be installed
exec .venv/bin/python -m pytest "$@"
