"""pixi-build-python: build a conda package from a Python project (pyproject.toml + pip/uv)."""
