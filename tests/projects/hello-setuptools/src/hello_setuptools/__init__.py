"""A console script packaged by setuptools and installed with uv."""


def main() -> None:
    print("hello from hello-setuptools")
