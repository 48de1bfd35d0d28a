"""A console script packaged by hatchling."""

import sys


def main() -> None:
    print(f"hello from hello-hatchling on {sys.prefix}")
