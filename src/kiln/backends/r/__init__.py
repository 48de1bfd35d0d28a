"""pixi-build-r: conda packages from R source packages (spec ``backends.md`` §6)."""
