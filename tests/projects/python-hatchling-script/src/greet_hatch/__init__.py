"""Greets from an installed conda package."""

__version__ = "0.3.1"
