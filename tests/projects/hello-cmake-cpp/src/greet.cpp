#include "greet.hpp"

std::string greeting(const std::string& who) { return "hello, " + who + " (from libgreet)"; }
