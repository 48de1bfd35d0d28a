"""The ``greet-hatch`` console script."""

import sys


def main() -> int:
    print(f"hello from greet-hatch on {sys.executable}")
    return 0
