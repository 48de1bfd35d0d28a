"""The example's console script: a table of people, and the greeting package's text."""

import os
from pathlib import Path


def main() -> None:
    greeting = Path(os.environ["CONDA_PREFIX"]) / "share" / "greeting" / "greeting.txt"
    print("Hello from python_rich!")
    print(greeting.read_text().strip())
