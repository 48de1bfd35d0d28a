"""A package whose pyproject.toml is missing."""
