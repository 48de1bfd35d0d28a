"""kiln's example app: greets, and passes on the greeting of the package it depends on."""

import sys
from pathlib import Path


def main() -> None:
    greeting = Path(sys.prefix) / "share" / "kiln-hello" / "greeting.txt"
    print(f"Hello from kiln-hello-py, a Python package built by kiln (Python {sys.version.split()[0]}).")
    print(f"Its dependency says: {greeting.read_text().strip()}")
