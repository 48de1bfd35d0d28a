#include <stdio.h>

void kiln_hello(void) { puts("hello from a CMake package built by pixi-build-cmake"); }
