"""Reading pixi.toml / pyproject.toml into the typed manifest and the wire project model."""
