"""Greetings, and which build backend built this package."""

from greeter._built_with import BACKEND


def greet(text: str) -> str:
    return f"{text.strip()} (greeter built by {BACKEND})"
