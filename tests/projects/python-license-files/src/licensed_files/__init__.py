"""A package that ships license files."""
