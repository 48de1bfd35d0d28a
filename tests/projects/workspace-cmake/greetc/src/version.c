#include "greetc.h"

const char *greetc_version(void) { return "1.2.0"; }
