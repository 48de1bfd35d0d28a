"""A package whose license is a file."""
