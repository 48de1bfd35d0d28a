"""pixi-build-mojo: conda packages of Mojo binaries and packages."""
