#include <iostream>

#include <greetcpp.hpp>

int main() {
    std::cout << greetcpp::Greeter("world").line() << std::endl;
    return 0;
}
