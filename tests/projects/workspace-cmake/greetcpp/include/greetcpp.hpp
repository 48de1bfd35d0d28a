#pragma once
#include <string>

namespace greetcpp {
class Greeter {
  public:
    explicit Greeter(std::string who);
    std::string line() const;

  private:
    std::string who_;
};
}  // namespace greetcpp
