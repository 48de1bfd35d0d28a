"""Conda concepts written once: platforms, names, versions, specs, pins, URLs, a file lock.

A neutral layer below ``protocol``: it imports only ``kiln.errors`` and third-party
libraries, and imports ``rattler`` lazily, inside the functions that need it, so
that a backend's ``negotiateCapabilities``/``initialize`` never pays for it.
"""
