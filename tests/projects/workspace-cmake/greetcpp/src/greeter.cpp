#include "greetcpp.hpp"

#include <utility>

namespace greetcpp {
Greeter::Greeter(std::string who) : who_(std::move(who)) {}
std::string Greeter::line() const { return "hello, " + who_ + " (greetcpp 2.0.0)"; }
}  // namespace greetcpp
