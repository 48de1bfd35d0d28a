"""Prints a message from the recipe package, greeted by the library."""

import sys
from pathlib import Path

from greeter import greet


def main() -> None:
    text = (Path(sys.prefix) / "share" / "messages" / "hello.txt").read_text()
    print(greet(text))
