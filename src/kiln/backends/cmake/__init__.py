"""pixi-build-cmake: a conda package from a CMake project, configured and built with Ninja."""
