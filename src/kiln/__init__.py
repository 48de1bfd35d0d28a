"""kiln: pixi's package-building system -- build backends, their protocol, and a front end."""

__version__ = "0.1.0"
