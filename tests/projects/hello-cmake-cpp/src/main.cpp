#include <iostream>

#include "greet.hpp"

int main() {
    std::cout << greeting("world") << std::endl;
    return 0;
}
