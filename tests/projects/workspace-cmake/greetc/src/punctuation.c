#include "greetc.h"

const char *greetc_punctuation(void) { return "!"; }
