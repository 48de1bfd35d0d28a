"""A package whose pyproject.toml is TOML 1.1."""


def main() -> None:
    print("hello from toml-one-one")
