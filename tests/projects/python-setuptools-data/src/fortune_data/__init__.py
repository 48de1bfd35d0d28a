"""Reads the fortune shipped as package data."""

from importlib.resources import files


def fortune() -> str:
    return files(__name__).joinpath("data", "fortune.txt").read_text().strip()
