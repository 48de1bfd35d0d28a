"""Sums integers in C."""

from fastsum._fastsum import total

__all__ = ["total"]
