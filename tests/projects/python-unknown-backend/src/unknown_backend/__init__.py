"""Its build backend does not exist."""
