#!/bin/sh
# Prints the greeting installed next to it (prefix/share/kiln-hello).
here=$(cd "$(dirname "$0")/.." && pwd)
cat "$here/share/kiln-hello/greeting.txt"
