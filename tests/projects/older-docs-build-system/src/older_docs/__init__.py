"""A package laid out the way pixi's December 2024 build docs describe."""


def main() -> None:
    print("built from a migrated manifest")
