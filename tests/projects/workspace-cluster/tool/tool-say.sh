#!/bin/sh
# says what the words package holds, from the prefix it is installed in
here="$(cd "$(dirname "$0")/.." && pwd)"
echo "tool says: $(cat "$here/share/words/words.txt")"
