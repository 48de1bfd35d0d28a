"""A package whose manifest uses pixi's deprecated forms."""


def main() -> None:
    print("built despite deprecated forms")
