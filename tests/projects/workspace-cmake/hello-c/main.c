#include <stdio.h>

#include <greetc.h>

int main(void) {
    char line[128];
    greetc_greet("world", line, sizeof line);
    puts(line);
    return 0;
}
