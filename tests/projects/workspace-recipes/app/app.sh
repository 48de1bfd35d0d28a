#!/bin/sh
prefix=$(cd "$(dirname "$0")/.." && pwd)
echo "app says: $(cat "$prefix/share/lib/from-greeting.txt")"
