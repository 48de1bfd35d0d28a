#include <stdio.h>

#include "greetc.h"

void greetc_greet(const char *who, char *out, unsigned long size) {
    snprintf(out, size, "hello, %s%s (greetc %s)", who, greetc_punctuation(), greetc_version());
}
