#!/bin/sh
here="$(cd "$(dirname "$0")/.." && pwd)"
echo "consumer was built with: $(cat "$here/share/consumer/said.txt")"
"$here/bin/tool-say"
